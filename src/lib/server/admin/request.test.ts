import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { formString, readForm } from './request';

const post = (body: BodyInit, type?: string) =>
	new Request('http://x/admin', { method: 'POST', body, headers: type ? { 'content-type': type } : {} });

async function refusal(request: Request) {
	try {
		await readForm(request);
	} catch (err) {
		return err;
	}
	throw new Error('read the body');
}

describe('reading a form action body', () => {
	it('reads multipart and url-encoded forms', async () => {
		const fd = new FormData();
		fd.set('name', 'deploy');
		expect(formString(await readForm(post(fd)), 'name')).toBe('deploy');
		expect(formString(await readForm(post('name=a%20b', 'application/x-www-form-urlencoded')), 'name')).toBe('a b');
	});

	it('answers 415 with what to send for a body that is not a form (text/plain reaches actions)', async () => {
		const err = await refusal(post('name=x', 'text/plain'));
		expect(isHttpError(err, 415)).toBe(true);
		expect((err as { body: { message: string } }).body.message).toMatch(
			/multipart\/form-data or application\/x-www-form-urlencoded, not text\/plain/
		);
	});

	it('answers 400 for a malformed multipart body', async () => {
		const err = await refusal(post('--nope\r\nnot a part', 'multipart/form-data; boundary=zzz'));
		expect(isHttpError(err, 400)).toBe(true);
		expect((err as { body: { message: string } }).body.message).toBe('The form body could not be read as multipart/form-data');
	});

	it("passes the adapter's own 4xx (body too large) through unchanged", async () => {
		const tooLarge = Object.assign(new Error('Content-length of 1000136 exceeds limit of 524288 bytes.'), { status: 413 });
		const request = post('x', 'application/x-www-form-urlencoded');
		request.formData = () => Promise.reject(tooLarge);
		expect(await refusal(request)).toBe(tooLarge);
	});

	it('reads a file where text belongs as empty', () => {
		const fd = new FormData();
		fd.set('name', new File(['deploy'], 'name.txt'));
		expect(formString(fd, 'name')).toBe('');
		expect(formString(fd, 'missing')).toBe('');
	});
});
