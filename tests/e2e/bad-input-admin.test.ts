// Property-based tests (fast-check) of the admin form actions that
// bad-input.test.ts does not cover, through the real HTTP server:
//
//   covered there: monitors/new ?/save, monitors/[tag]/edit ?/save, import ?/preview and ?/apply
//   covered here:  keys ?/create and ?/revoke; settings ?/addAdmin and ?/password;
//                  monitors ?/toggle and ?/delete; monitors/new and [tag]/edit ?/run;
//                  login, setup/[token] and logout (default actions)
//   and in bad-input-admin-text.test.ts: NUL in fields and URLs, out-of-range ids
//
// Random fields (with NUL and other control characters, files where text is
// expected, repeated and unknown keys), oversized (1 MB) fields, and bodies
// that are not forms at all must get a 4xx with a message and leave the
// database as it was: the pages' load data (keys, admins, the admin export
// and the public list) is compared before and after. Inputs the action would
// rightly accept are filtered out before sending, with the server's own
// checks, so no run creates, revokes, toggles, deletes or probes anything.
import { request, test, type APIRequestContext } from '@playwright/test';
import fc from 'fast-check';
import { checkKeyInput, parseKeyId } from '../../src/lib/server/auth/keys';
import { checkNewAdmin, normalEmail } from '../../src/lib/server/auth/admins';
import { passwordProblem } from '../../src/lib/server/auth/crypto';
import { checkRunHosts, readMonitorForm } from '../../src/lib/server/admin/form';
import { formString } from '../../src/lib/server/admin/request';
import { BASE, EMAIL, PASSWORD, expect, setupLink } from './admin-helpers';
import {
	MB,
	adminState,
	signedIn,
	SEED,
	expectFormRefused,
	formData,
	monitorFormBody,
	nasty,
	pageData,
	pageValues,
	postForm,
	postNotForm,
	type Pairs
} from './pbt-helpers';

const RUNS = 30;
let api: APIRequestContext;

// Signed in through the actions themselves, no browser: nothing here needs a page.
test.beforeAll(async () => {
	api = await signedIn();
});

test.afterAll(async () => {
	await api?.dispose();
});

/**
 * Form bodies: each field the action reads is missing, present, a file instead
 * of text, or given twice, with a value from its own pool; plus unknown keys.
 */
function formBody(fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Pairs> {
	const field = (k: string, v: fc.Arbitrary<string>) =>
		fc.oneof(
			{ weight: 1, arbitrary: fc.constant<Pairs>([]) },
			{ weight: 5, arbitrary: v.map((x): Pairs => [[k, x]]) },
			{ weight: 1, arbitrary: v.map((x): Pairs => [[k, { file: x }]]) },
			{
				weight: 1,
				arbitrary: fc.tuple(v, v).map(([a, b]): Pairs => [
					[k, a],
					[k, b]
				])
			}
		);
	const unknown = fc.array(fc.tuple(fc.constantFrom('x', '__proto__', 'constructor'), fc.string({ maxLength: 10 })), { maxLength: 2 });
	return fc
		.tuple(fc.record(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, field(k, v)]))), unknown)
		.map(([known, extra]) => [...Object.values(known).flat(), ...extra]);
}
/** Any short text, awkward text, or one of the values the action knows. */
const text = (...known: string[]) => fc.oneof(fc.string({ maxLength: 30 }), nasty, fc.constantFrom(...known));

/** Sends each generated body the action should refuse; returns how many were sent. */
async function refuses(url: string, body: fc.Arbitrary<Pairs>, wouldAccept: (fd: FormData) => boolean | Promise<boolean>, runs = RUNS) {
	let sent = 0;
	const answers: Record<number, number> = {};
	await fc.assert(
		fc.asyncProperty(body, fc.boolean(), async (pairs, urlencoded) => {
			fc.pre(!(await wouldAccept(formData(pairs))));
			sent++;
			const { status } = await expectFormRefused(
				`${url} ${JSON.stringify(pairs).slice(0, 200)}`,
				await postForm(api, url, pairs, urlencoded)
			);
			answers[status] = (answers[status] ?? 0) + 1;
		}),
		{ numRuns: runs, seed: SEED }
	);
	console.log(`${url}: ${sent} refused bodies sent (seed ${SEED}), answers ${JSON.stringify(answers)}`);
	expect(sent, `${url}: bodies sent`).toBeGreaterThan(runs / 2);
}

/** 1 MB in each field the action reads, and two bodies that are not forms. */
async function refusesOversizedAndNonForms(url: string, fields: string[]) {
	for (const f of fields) {
		await expectFormRefused(`${url} 1 MB ${f}`, await postForm(api, url, [[f, 'x'.repeat(MB)]]));
		await expectFormRefused(`${url} 1 MB file ${f}`, await postForm(api, url, [[f, { file: 'x'.repeat(MB) }]]));
	}
	await expectFormRefused(
		`${url} JSON`,
		await postNotForm(api, url, 'application/json', JSON.stringify(Object.fromEntries(fields.map((f) => [f, 'x']))))
	);
	await expectFormRefused(`${url} text`, await postNotForm(api, url, 'text/plain', fields.map((f) => `${f}=x`).join('&')));
}

test('API keys: ?/create and ?/revoke refuse bad fields with a message and change nothing', async () => {
	test.setTimeout(120_000);
	const before = await adminState(api);
	await refuses(
		'/admin/keys?/create',
		formBody({ name: text('deploy', 'ok\u0000name', 'n'.repeat(101)), scope: text('read', 'write', 'READ', 'admin') }),
		(fd) => Object.keys(checkKeyInput(formString(fd, 'name'), formString(fd, 'scope'))).length === 0
	);
	const keys = (await pageValues(api, '/admin/keys')).keys as { id: number; revokedAt: string | null }[];
	const live = new Set(keys.filter((k) => !k.revokedAt).map((k) => k.id));
	const ids = fc.oneof(
		text('0', '-1', '1.5', ' 1', '99999999999', '2147483648', '1e3', '0x1'),
		fc.integer().map(String),
		fc.constantFrom(...[...live].map(String), '1')
	);
	await refuses('/admin/keys?/revoke', formBody({ id: ids }), (fd) => {
		const id = parseKeyId(formString(fd, 'id'));
		return id !== null && live.has(id);
	});
	await refusesOversizedAndNonForms('/admin/keys?/create', ['name', 'scope']);
	await refusesOversizedAndNonForms('/admin/keys?/revoke', ['id']);
	expect(await adminState(api)).toBe(before);
});

test('settings: ?/addAdmin and ?/password refuse bad fields with a message and change nothing', async () => {
	test.setTimeout(180_000);
	// A second session of the same admin: a password change would end it.
	const other = await signedIn();
	const before = await adminState(api);
	const admins = (await pageValues(api, '/admin/settings')).admins as { email: string }[];
	const taken = new Set(admins.map((a) => a.email));
	const emails = text(EMAIL, 'new@porthole.test', 'a@b', 'no-at-sign', 'x\u0000@y.z', ' sp ace@x.y', `${'e'.repeat(260)}@x.y`);
	const passwords = text(PASSWORD, 'short', 'long enough password', 'p'.repeat(1025), 'nul\u0000 in a long password');
	await refuses(
		'/admin/settings?/addAdmin',
		formBody({ email: emails, name: text('Ops', 'n\u0000', 'n'.repeat(101)), password: passwords }),
		(fd) => {
			const input = { email: formString(fd, 'email'), name: formString(fd, 'name'), password: formString(fd, 'password') };
			return Object.keys(checkNewAdmin(input)).length === 0 && !taken.has(normalEmail(input.email));
		}
	);
	await refuses(
		'/admin/settings?/password',
		formBody({ current: passwords, password: passwords, confirm: passwords }),
		(fd) => {
			const next = formString(fd, 'password');
			return formString(fd, 'current') === PASSWORD && passwordProblem(next) === null && next === formString(fd, 'confirm');
		},
		20
	);
	await refusesOversizedAndNonForms('/admin/settings?/addAdmin', ['email', 'name', 'password']);
	await refusesOversizedAndNonForms('/admin/settings?/password', ['current', 'password', 'confirm']);
	expect(await adminState(api)).toBe(before);
	// The password is the old one, and no session was ended.
	expect(await pageData(other, '/admin/settings')).toContain(EMAIL);
	await other.dispose();
	await (await signedIn()).dispose();
});

test('monitors: ?/toggle and ?/delete refuse bad fields with a message and change nothing', async () => {
	test.setTimeout(120_000);
	const before = await adminState(api);
	const exported = (await (await api.get('/admin/export.json')).json()) as { tag: string }[];
	const tags = new Set(exported.map((m) => m.tag));
	const tag = text(...tags, 'local-echo\u0000', 'LOCAL-ECHO', ' local-echo', 'no-such-monitor');
	const toggle = formBody({ tag, which: text('active', 'public', 'Active', 'hidden'), on: text('true', 'false', 'on') });
	await refuses('/admin/monitors?/toggle', toggle, (fd) => {
		const which = fd.get('which');
		return (which === 'active' || which === 'public') && tags.has(formString(fd, 'tag'));
	});
	await refuses('/admin/monitors?/delete', formBody({ tag, confirm: tag }), (fd) => {
		const tag = formString(fd, 'tag');
		return tags.has(tag) && formString(fd, 'confirm').trim() === tag;
	});
	await refusesOversizedAndNonForms('/admin/monitors?/toggle', ['tag', 'which']);
	await refusesOversizedAndNonForms('/admin/monitors?/delete', ['tag', 'confirm']);
	expect(await adminState(api)).toBe(before);
});

test('run now: ?/run refuses bad hosts with a message, probes nothing and changes nothing', async () => {
	test.setTimeout(120_000);
	const before = await adminState(api);
	for (const url of ['/admin/monitors/new?/run', '/admin/monitors/local-echo/edit?/run']) {
		// Only forms whose hosts the server refuses are sent: a valid host would be probed.
		await refuses(url, monitorFormBody as fc.Arbitrary<Pairs>, async (fd) => (await checkRunHosts(readMonitorForm(fd))).ok, 25);
		await refusesOversizedAndNonForms(url, ['host_host', 'eval']);
	}
	expect(await adminState(api)).toBe(before);
});

test('login, setup link and logout: bad bodies get 4xx with a message; no session is made or ended', async () => {
	test.setTimeout(120_000);
	const before = await adminState(api);
	// Sign-in from a fresh client. Only bodies refused before any password check are sent: a real
	// failed attempt is recorded for throttling (by design), and enough of them would lock the address.
	const fresh = await request.newContext({ baseURL: BASE });
	let sent = 0;
	await fc.assert(
		fc.asyncProperty(
			formBody({ email: text(EMAIL, 'someone@x.y', `${EMAIL}\u0000`), password: text(PASSWORD, 'wrong password') }),
			fc.boolean(),
			async (pairs, urlencoded) => {
				const fd = formData(pairs);
				const email = formString(fd, 'email');
				// eslint-disable-next-line no-control-regex -- the login form refuses control characters: this is the same test
				fc.pre(!(email.trim() !== '' && !/[\u0000-\u001f\u007f]/.test(email) && formString(fd, 'password') !== ''));
				sent++;
				const r = await postForm(fresh, '/admin/login', pairs, urlencoded);
				expect(r.headers()['set-cookie'] ?? '', 'no session cookie').not.toMatch(/session/i);
				await expectFormRefused(`login ${JSON.stringify(pairs).slice(0, 200)}`, r);
			}
		),
		{ numRuns: RUNS, seed: SEED }
	);
	expect(sent).toBeGreaterThan(RUNS / 2);
	for (const body of [
		[
			['email', 'x'.repeat(MB)],
			['password', 'p']
		],
		[
			['email', EMAIL],
			['password', 'p'.repeat(MB)]
		]
	] as Pairs[]) {
		await expectFormRefused('login 1 MB', await postForm(fresh, '/admin/login', body));
	}
	await expectFormRefused(
		'login JSON',
		await postNotForm(fresh, '/admin/login', 'application/json', JSON.stringify({ email: EMAIL, password: PASSWORD }))
	);
	const notSignedIn = await fresh.get('/admin/settings', { maxRedirects: 0 });
	expect(notSignedIn.status(), 'the fresh client is still signed out').toBe(303);

	// The setup link: used (an admin exists), and random ones never existed. Each says so; none makes an admin.
	const used = new URL(await setupLink()).pathname;
	// ("." and ".." would be resolved away by the URL, reaching another route.)
	const token = fc
		.oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.constantFrom('a'.repeat(3000), '%00', '\u0000'))
		.filter((t) => t !== '.' && t !== '..');
	const setupUrl = fc.oneof(
		fc.constant(used),
		token.map((t) => `/admin/setup/${encodeURIComponent(t)}`)
	);
	await fc.assert(
		fc.asyncProperty(
			setupUrl,
			formBody({
				email: text('new@porthole.test'),
				name: text('New'),
				password: text('long enough password'),
				confirm: text('long enough password')
			}),
			async (url, pairs) => {
				const r = await postForm(fresh, url, pairs);
				expect(r.headers()['set-cookie'] ?? '', 'no session cookie').not.toMatch(/session/i);
				await expectFormRefused(`setup ${url.slice(0, 80)} ${JSON.stringify(pairs).slice(0, 120)}`, r);
			}
		),
		{ numRuns: 20, seed: SEED }
	);
	await expectFormRefused('setup JSON', await postNotForm(fresh, used, 'application/json', '{}'));
	await fresh.dispose();

	// Sign-out reads no fields, so any form signs out (text/plain too: HTML forms may use that enctype);
	// only bodies that are not forms are bad input here.
	for (const [type, body] of [
		['application/json', '{}'],
		['application/xml', '<x/>'],
		['application/octet-stream', 'x'.repeat(MB)]
	]) {
		await expectFormRefused(`logout ${type}`, await postNotForm(api, '/admin/logout', type, body));
	}
	expect(await pageData(api, '/admin/settings'), 'still signed in').toContain(EMAIL);
	expect(await adminState(api)).toBe(before);
});
