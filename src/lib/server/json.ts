// JSON from outside (API bodies, imports, monitors.json) parsed with a depth
// limit checked on the text first. V8's JSON.parse copes with any depth, but
// everything after it recurses (validation, error formatting, JSON.stringify
// of a value in a message): a body nested 200,000 deep overflowed the stack
// there and answered 500. No monitor is deeper than a handful of levels.
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in a JSON text (strings skipped), without recursion. */
export function jsonDepth(text: string): number {
	let depth = 0;
	let max = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 92 /* \ */) i++;
			else if (c === 34 /* " */) inString = false;
		} else if (c === 34) inString = true;
		else if (c === 91 /* [ */ || c === 123 /* { */) max = Math.max(max, ++depth);
		else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
	}
	return max;
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; message: string };

/** JSON.parse with a depth limit; the message says what is wrong (`not valid JSON: …`, `nested … deep`). */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): ParsedJson {
	const depth = jsonDepth(text);
	if (depth > maxDepth) return { ok: false, message: `JSON nested ${depth} levels deep; at most ${maxDepth} allowed` };
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (err) {
		return { ok: false, message: `not valid JSON: ${(err as Error).message}` };
	}
}
