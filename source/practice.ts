/**
The practice case: a small server on this host, broken in a known way, so a first-time user (or
a student) sees the whole walk on a real refusal. It is started only when the user picks it, runs
inside this process, and closes when the app exits.
*/
import net from 'node:net';
import type {Target} from './tree/facts.js';

export type Practice = {
	readonly target: Target;
	/** What was set up, in plain words, shown before the walk. */
	readonly description: string;
	readonly close: () => Promise<void>;
};

async function listen(host: string, port = 0): Promise<net.Server> {
	return new Promise((resolve, reject) => {
		const server = net.createServer(socket => {
			// A client that resets (as the probe does) must not crash the app.
			socket.on('error', () => {});
			socket.end('refused practice server: you reached me\n');
			// Never keep a connection open: closing the server must not wait for one.
			socket.setTimeout(1000, () => {
				socket.destroy();
			});
		});
		server.once('error', reject);
		server.listen({host, port, ipv6Only: host.includes(':')}, () => {
			server.off('error', reject);
			server.unref();
			resolve(server);
		});
	});
}

async function close(server: net.Server): Promise<void> {
	return new Promise(resolve => {
		server.close(() => {
			resolve();
		});
	});
}

/** Can this host bind the IPv6 loopback (::1)? */
async function hasIpv6Loopback(): Promise<boolean> {
	try {
		await close(await listen('::1'));
		return true;
	} catch {
		return false;
	}
}

/**
Start the practice server. Where ::1 exists: listen on 127.0.0.1 only and dial [::1]:PORT (the
"ECONNREFUSED ::1" that Node 17+ users meet with "localhost"). Otherwise: listen on 127.0.0.2 and
dial 127.0.0.1 (a service bound to another address).
*/
export async function startPractice(): Promise<Practice> {
	if (await hasIpv6Loopback()) {
		const server = await listen('127.0.0.1');
		const {port} = server.address() as net.AddressInfo;
		return {
			target: {input: `[::1]:${port}`, host: '::1', port},
			description: `A practice server now listens on 127.0.0.1:${port} only (IPv4). The client dials [::1]:${port}, the IPv6 loopback, as Node 17+ does first for "localhost": it fails with "connect ECONNREFUSED ::1:${port}". Follow the walk to find out why.`,
			close: async () => close(server),
		};
	}

	const server = await listen('127.0.0.2');
	const {port} = server.address() as net.AddressInfo;
	return {
		target: {input: `127.0.0.1:${port}`, host: '127.0.0.1', port},
		description: `A practice server now listens on 127.0.0.2:${port} only. The client dials 127.0.0.1:${port} and is refused. Follow the walk to find out why.`,
		close: async () => close(server),
	};
}
