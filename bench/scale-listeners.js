// Child process for bench/scale.ts and bench/soak.ts: a handful of TCP
// listeners on 127.0.0.1, kept out of the benchmarked process so their accept
// work does not count against the probe loop's CPU. Plain Node (no
// TypeScript): spawned with `node bench/scale-listeners.js <count> [flapMs]`
// and an IPC channel.
//
// With flapMs, the listeners are flapping services: every flapMs they all
// close (connects are refused) or reopen on the same ports, and each change is
// recorded with its time so the parent can tell what status a check should
// have seen.
//
// Messages to the parent: { ports: number[] } once listening; { accepts, cpu,
// toggles } in answer to 'stats'. Exits when the parent goes away (IPC disconnect).
import net from 'node:net';

const count = Number(process.argv[2] ?? 8);
const flapMs = process.argv[3] === undefined ? 0 : Number(process.argv[3]);
if (!Number.isInteger(count) || count < 1 || count > 64) {
	console.error(`scale-listeners: count must be 1-64, got ${process.argv[2]}`);
	process.exit(2);
}
if (!Number.isInteger(flapMs) || flapMs < 0) {
	console.error(`scale-listeners: flapMs must be a whole number of ms, got ${process.argv[3]}`);
	process.exit(2);
}
if (!process.send) {
	console.error('scale-listeners: needs an IPC channel (spawn it from bench/scale.ts or bench/soak.ts)');
	process.exit(2);
}

let accepts = 0;
const servers = [];
const listen = (server, port) =>
	new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen({ host: '127.0.0.1', port, backlog: 511 }, () => {
			server.off('error', reject);
			resolve(server.address().port);
		});
	});
for (let i = 0; i < count; i++) {
	servers.push(
		net.createServer((socket) => {
			accepts++;
			// The probe only asks whether the port accepts; it hangs up at once.
			socket.on('error', () => {});
			socket.destroy();
		})
	);
}

const ports = await Promise.all(servers.map((s) => listen(s, 0)));
/** Each change as [start, at]: closing or reopening began at start and was complete at at. */
/** @type {{ start: number, at: number, open: boolean }[]} */
const toggles = [{ start: Date.now(), at: Date.now(), open: true }];

if (flapMs > 0) {
	let open = true;
	const flap = async () => {
		const start = Date.now();
		if (open) {
			await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
		} else {
			// Same ports again. Should one have been taken meanwhile, say so: the
			// parent then sees DOWN where it expects UP and reports a mismatch.
			await Promise.all(
				servers.map((s, i) => listen(s, ports[i]).catch((e) => console.error(`scale-listeners: reopen ${ports[i]}: ${e.message}`)))
			);
		}
		open = !open;
		// A check probing between start and at may have seen either state: the parent leaves it out.
		toggles.push({ start, at: Date.now(), open });
	};
	setInterval(() => void flap(), flapMs);
}

process.send({ ports });
process.on('message', (msg) => {
	if (msg === 'stats') process.send({ accepts, cpu: process.cpuUsage(), toggles });
});
process.on('disconnect', () => process.exit(0));
