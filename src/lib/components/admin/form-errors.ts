// Which message a form control's input makes stale: typing in a field that
// carries a server message clears it (the message was about the old value).
// Control names map to the keys of admin/notice-form.ts's FormErrors.
const WINDOW_FIELDS = new Set(['start', 'end', 'rrule', 'dtstart', 'durationMinutes', 'timeZone']);

export function errorKey(name: string): string {
	if (name === 'monitor' || name.startsWith('impact.')) return 'monitors';
	if (WINDOW_FIELDS.has(name)) return `window.${name}`;
	return name;
}

/** The errors without the one the event's control had (the same object when it had none). */
export function clearFor(errors: Record<string, string>, e: Event): Record<string, string> {
	const name = (e.target as HTMLInputElement | null)?.name;
	const key = name ? errorKey(name) : '';
	if (!key || !(key in errors)) return errors;
	const { [key]: _gone, ...rest } = errors;
	return rest;
}
