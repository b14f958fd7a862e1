// Porthole's production server (`npm start`): adapter-node's handler, the
// whole SvelteKit app, behind a plain node:http server that first offers each
// request to the app's fast path for badges and /api/v2 JSON
// (src/lib/server/public/fast.ts). This is adapter-node's documented "custom
// server"; `node build` still runs adapter-node's own server with the same
// app, only slower on those reads.
//
// Settings come from the app's config (src/lib/server/config.ts): HOST, PORT
// and SHUTDOWN_TIMEOUT, with adapter-node's meanings and defaults.
import http from 'node:http';
// Importing the handler starts the app (hooks.server.ts init), which registers the fast path.
import { handler } from './build/handler.js';

const hooks = globalThis[Symbol.for('porthole.server-hooks')];
if (!hooks) throw new Error('build/handler.js started without registering the fast path (hooks.server.ts init)');
const { publicReads, listen } = hooks;

const server = http.createServer((req, res) => publicReads(req, res, () => handler(req, res)));

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
});
