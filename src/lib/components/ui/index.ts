// The admin's UI primitives: import { Button, Card } from '$lib/components/ui'.
export { default as Badge } from './Badge.svelte';
export { default as Button } from './Button.svelte';
export { default as Card } from './Card.svelte';
export { default as Field } from './Field.svelte';
export { default as Input } from './Input.svelte';
export { default as Textarea } from './Textarea.svelte';
export { badge, button, card, field, input, switchThumb, switchTrack } from './variants';
