// Reading a form action's body and fields. SvelteKit passes text/plain bodies
// to actions (an HTML form may use that enctype), and request.formData() then
// throws a TypeError, as it does for a malformed multipart body: unhandled,
// either would be a 500. Here they become a 4xx that says what to send.
import { error } from '@sveltejs/kit';

const FORM_TYPES = ['multipart/form-data', 'application/x-www-form-urlencoded'];

export async function readForm(request: Request): Promise<FormData> {
	try {
		return await request.formData();
	} catch (err) {
		// The adapter's own refusals (413: body over BODY_SIZE_LIMIT) keep their status and message.
		const status = (err as { status?: unknown } | null)?.status;
		if (typeof status === 'number' && status >= 400 && status < 500) throw err;
		const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
		if (FORM_TYPES.includes(type)) error(400, `The form body could not be read as ${type}`);
		error(415, `Send the form as multipart/form-data or application/x-www-form-urlencoded, not ${type || 'a body without a content type'}`);
	}
}

/** A text field as typed; a missing field, or a file where text belongs, reads as empty (and is refused as such). */
export function formString(fd: FormData, k: string): string {
	const v = fd.get(k);
	return typeof v === 'string' ? v : '';
}
