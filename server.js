// Porthole's production server (`npm start`): adapter-node's handler, the
// whole SvelteKit app, behind a plain node:http server that first offers each
// request to the app's fast path for badges and /api/v2 JSON
// (src/lib/server/public/fast.ts, answering from the same table as the
// routes, src/lib/server/public/reads.ts). This is adapter-node's documented
// "custom server"; `node build` still runs adapter-node's own server with the
// same app, only slower on those reads.
//
// Settings come from the app's config (src/lib/server/config.ts): HOST, PORT
// and SHUTDOWN_TIMEOUT, with adapter-node's meanings and defaults.
import http from 'node:http';

// Without ORIGIN, adapter-node builds each request's URL from the Host header
// and assumes https (it cannot know what a proxy in front spoke). This server
// speaks plain http, so that guess made every form post fail SvelteKit's
// origin check ("Cross-site POST form submissions are forbidden": the browser
// sends http://host, the app expected https://host) and would have marked the
// session cookie Secure on http. So when neither ORIGIN nor PROTOCOL_HEADER is
// set, tell adapter-node the truth through a header only this server sets
// (any client value is overwritten): the origin is then whatever host the
// browser used, over http, and the origin check stays on. Behind a reverse
// proxy or https, set ORIGIN to the public URL (README, Configuration).
const PLAIN_HTTP_HEADER = 'x-porthole-server-protocol';
const plainHttp = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (plainHttp) process.env.PROTOCOL_HEADER = PLAIN_HTTP_HEADER;

// Importing the handler starts the app (hooks.server.ts init), which registers
// the fast path; adapter-node reads PROTOCOL_HEADER as it loads, hence after the line above.
const { handler } = await import('./build/handler.js');

// Handed over through a global: this file and the built handler are separate
// module graphs, and the app the fast path answers from exists only once the
// handler's init has run (public/fast.ts, exposeToServer).
const hooks = globalThis[Symbol.for('porthole.server-hooks')];
if (!hooks) throw new Error('build/handler.js started without registering the fast path (hooks.server.ts init)');
const { publicReads, listen } = hooks;

const server = http.createServer((req, res) => {
	if (plainHttp) req.headers[PLAIN_HTTP_HEADER] = 'http';
	publicReads(req, res, () => handler(req, res));
});

let closing = null;
server.on('request', (req) => {
	// While shutting down, close each keep-alive connection as soon as it is idle.
	req.on('close', () => closing && server.closeIdleConnections());
});

// As adapter-node's server: stop accepting, let open requests finish (at most
// SHUTDOWN_TIMEOUT s), then 'sveltekit:shutdown' stops the app (probe loop, database).
function shutdown(reason) {
	if (closing) return;
	server.closeIdleConnections();
	server.close((err) => {
		if (err) return;
		clearTimeout(closing);
		process.emit('sveltekit:shutdown', reason);
	});
	closing = setTimeout(() => server.closeAllConnections(), listen.shutdownTimeoutSeconds * 1000);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

server.listen({ host: listen.host, port: listen.port }, () => {
	const a = server.address();
	console.log(`Listening on http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
	if (plainHttp) {
		// A wildcard address is not something to type into a browser.
		const any = a.address === '0.0.0.0' || a.address === '::';
		const host = any ? 'localhost' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
		console.log(`Open http://${host}:${a.port} in a browser (or this machine's name or address, over http).`);
		console.log(
			'Behind a reverse proxy or on https, set ORIGIN to the public URL (e.g. ORIGIN=https://status.example.com): it is the origin form posts are checked against, the base of links and badges, and what makes the session cookie Secure.'
		);
	} else {
		console.log(`Public URL: ${process.env.ORIGIN ?? '(from the proxy headers)'}`);
	}
});
