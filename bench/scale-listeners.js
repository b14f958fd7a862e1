// Child process for bench/scale.ts: a handful of TCP listeners on 127.0.0.1,
// kept out of the benchmarked process so their accept work does not count
// against the probe loop's CPU. Plain Node (no TypeScript): spawned with
// `node bench/scale-listeners.js <count>` and an IPC channel.
//
// Messages to the parent: { ports: number[] } once listening; { accepts, cpu }
// in answer to 'stats'. Exits when the parent goes away (IPC disconnect).
import net from 'node:net';

const count = Number(process.argv[2] ?? 8);
if (!Number.isInteger(count) || count < 1 || count > 64) {
	console.error(`scale-listeners: count must be 1-64, got ${process.argv[2]}`);
	process.exit(2);
}
if (!process.send) {
	console.error('scale-listeners: needs an IPC channel (spawn it from bench/scale.ts)');
	process.exit(2);
}

let accepts = 0;
const servers = [];
for (let i = 0; i < count; i++) {
	const server = net.createServer((socket) => {
		accepts++;
		// The probe only asks whether the port accepts; it hangs up at once.
		socket.on('error', () => {});
		socket.destroy();
	});
	servers.push(
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen({ host: '127.0.0.1', port: 0, backlog: 511 }, () => resolve(server.address().port));
		})
	);
}

const ports = await Promise.all(servers);
process.send({ ports });
process.on('message', (msg) => {
	if (msg === 'stats') process.send({ accepts, cpu: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
