import { describe, expect, it } from 'vitest';
import { MAX_MARKDOWN_BYTES, renderMarkdown, validateMarkdown } from './markdown';

describe('renderMarkdown', () => {
	it('renders ordinary Markdown', () => {
		expect(renderMarkdown('**Fixed** the `db` failover.\n\n- one\n- two')).toBe(
			'<p><strong>Fixed</strong> the <code>db</code> failover.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n'
		);
	});

	it('escapes raw HTML: a <script> comes out as text', () => {
		const html = renderMarkdown('Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>');
		expect(html).not.toContain('<script');
		expect(html).not.toContain('<img');
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
	});

	it('does not make a link of javascript:, data: or vbscript: URLs', () => {
		for (const body of [
			'[x](javascript:alert(1))',
			'[x](JavaScript:alert(1))',
			'[x](data:text/html;base64,PHNjcmlwdD4=)',
			'[x](vbscript:msgbox)',
			'<javascript:alert(1)>',
			'[x][r]\n\n[r]: javascript:alert(1)'
		]) {
			const html = renderMarkdown(body);
			expect(html, body).not.toContain('<a');
			expect(html, body).not.toMatch(/href=/);
		}
	});

	it('a normal link has rel="nofollow noopener" and no target', () => {
		expect(renderMarkdown('See [the vendor](https://status.example.com/x?a=1&b=2).')).toBe(
			'<p>See <a href="https://status.example.com/x?a=1&amp;b=2" rel="nofollow noopener">the vendor</a>.</p>\n'
		);
		expect(renderMarkdown('Mail [us](mailto:ops@example.com) or see [history](/history)')).toContain(
			'<a href="mailto:ops@example.com" rel="nofollow noopener">us</a>'
		);
		expect(renderMarkdown('[history](/history)')).toContain('<a href="/history" rel="nofollow noopener">');
		expect(renderMarkdown('bare https://example.com/a link')).toContain('<a href="https://example.com/a" rel="nofollow noopener">');
		expect(renderMarkdown('[x](ftp://example.com/f)')).not.toContain('<a');
		expect(renderMarkdown('[x](https://example.com)')).not.toContain('target=');
	});

	it('shows no images (text only)', () => {
		expect(renderMarkdown('![graph](https://tracker.example.com/p.png)')).not.toContain('<img');
	});
});

describe('validateMarkdown', () => {
	it('accepts a body up to the cap', () => {
		expect(validateMarkdown('We are investigating.')).toEqual({ ok: true, value: 'We are investigating.' });
		expect(validateMarkdown('x'.repeat(MAX_MARKDOWN_BYTES)).ok).toBe(true);
	});

	it('refuses a 1 MB body with a message naming the field, instead of cutting it', () => {
		expect(validateMarkdown('x'.repeat(1024 * 1024))).toEqual({
			ok: false,
			errors: [{ path: 'body', message: 'must be at most 64 KB of Markdown, got 1.0 MB' }]
		});
		expect(validateMarkdown('é'.repeat(MAX_MARKDOWN_BYTES / 2 + 1), 'postmortem')).toEqual({
			ok: false,
			errors: [{ path: 'postmortem', message: 'must be at most 64 KB of Markdown, got 65 KB' }]
		});
	});

	it('refuses an empty or non-text body, and NUL', () => {
		expect(validateMarkdown('  \n')).toEqual({ ok: false, errors: [{ path: 'body', message: 'must not be empty' }] });
		expect(validateMarkdown(42)).toEqual({ ok: false, errors: [{ path: 'body', message: 'must be Markdown text' }] });
		expect(validateMarkdown('a\u0000b').ok).toBe(false);
		expect(validateMarkdown(undefined, 'description', true)).toEqual({ ok: true, value: '' });
	});
});
