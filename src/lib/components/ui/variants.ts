// The admin's primitives as class maps (in the style of shadcn-svelte's
// buttonVariants): each component picks its classes here, and markup that
// cannot be a component (a <form> with use:enhance) calls the same function.
// Callers add layout classes (margins, widths, flex) only; the look of a
// primitive changes here and nowhere else.

const join = (...parts: (string | false | null | undefined)[]) => parts.filter(Boolean).join(' ');

export type ButtonVariant = 'default' | 'primary' | 'danger' | 'ghost-danger';

const BUTTON_BASE = 'inline-flex items-center justify-center gap-2 rounded-md px-3 py-1.5 text-sm';
const BUTTON: Record<ButtonVariant, string> = {
	default: 'border border-border-strong bg-bg font-semibold text-text hover:bg-surface disabled:opacity-60',
	primary: 'border border-transparent bg-text font-semibold text-bg hover:opacity-90 disabled:opacity-60',
	danger: 'border border-down font-semibold text-down-ink hover:bg-down/10',
	// A quiet destructive action beside other buttons (a row's Delete).
	'ghost-danger': 'text-down-ink hover:bg-down/10'
};

export function button(opts: { variant?: ButtonVariant; class?: string | null } = {}): string {
	return join(BUTTON_BASE, BUTTON[opts.variant ?? 'default'], opts.class);
}

/** Text inputs and textareas; aria-invalid="true" turns the border red. */
export function input(opts: { class?: string | null } = {}): string {
	return join(
		'rounded-md border border-border-strong bg-bg px-3 py-2 text-sm text-text placeholder:text-muted/70 aria-invalid:border-down',
		opts.class
	);
}

/** A label stacking its text, control and message. */
export function field(opts: { class?: string | null } = {}): string {
	return join('flex flex-col gap-1 text-sm', opts.class);
}

export type CardTone = 'default' | 'muted' | 'up' | 'down';

const CARD: Record<CardTone, string> = {
	default: 'border-border bg-bg',
	// A note on the page's surface colour (no admin yet, a used setup link).
	muted: 'border-border bg-surface',
	up: 'border-up bg-up/10',
	down: 'border-down bg-down/10'
};

export function card(opts: { tone?: CardTone; class?: string | null } = {}): string {
	return join('rounded-lg border', CARD[opts.tone ?? 'default'], opts.class);
}

/**
 * A switch's track and thumb: the admin's role="switch" buttons and checkbox
 * switches look the same. on = 'peer' follows a preceding `peer` checkbox in
 * CSS, so the track is right before hydration too.
 */
export function switchTrack(on: boolean | 'peer', opts: { class?: string | null } = {}): string {
	return join(
		'relative inline-flex h-5 w-9 shrink-0 items-center rounded-full border border-border-strong transition-colors',
		on === 'peer'
			? 'bg-nodata peer-checked:bg-up peer-focus-visible:outline-2 peer-focus-visible:outline-focus'
			: on
				? 'bg-up'
				: 'bg-nodata',
		opts.class
	);
}

export function switchThumb(on: boolean): string {
	return join('inline-block h-3.5 w-3.5 rounded-full bg-bg shadow-sm transition-transform', on ? 'translate-x-4.5' : 'translate-x-0.5');
}

export type BadgeTone = 'up' | 'degraded' | 'down' | 'nodata' | 'maintenance';

const BADGE: Record<BadgeTone, string> = {
	up: 'bg-up/12 text-up-ink',
	degraded: 'bg-degraded/12 text-degraded-ink',
	down: 'bg-down/12 text-down-ink',
	nodata: 'bg-nodata/30 text-muted',
	maintenance: 'bg-maintenance/12 text-maintenance-ink'
};

/** A small pill: tinted, never solid, the word in the state's ink. */
export function badge(opts: { tone?: BadgeTone; class?: string | null } = {}): string {
	return join('inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-semibold', BADGE[opts.tone ?? 'nodata'], opts.class);
}
