// Checks on text a person typed that ends up in headers, cookies, logs or
// redirects, where a control character (a newline above all) could split or
// forge what follows.

/** C0 controls and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** The text holds a control character. */
export function hasControlChars(s: string): boolean {
	return CONTROL_CHARS.test(s);
}
