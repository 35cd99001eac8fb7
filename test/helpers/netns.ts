/**
Real network namespaces for tests (root only): each is a private host with its own loopback,
listeners, firewall and /etc/hosts + /etc/resolv.conf (through /etc/netns/NAME, which
`ip netns exec` mounts over /etc). Traffic stays inside; 10.x addresses exist only here.
Everything created is removed by `cleanup()`, by the process exit hook, and by the global teardown.
*/
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {rmSync} from 'node:fs';
import {execa} from 'execa';
import {writeNamespaceFiles} from '../../source/labs/netns-files.js';

export const prefix = 'rft';
const created = new Set<string>();
let counter = 0;

/** A subnet of its own per namespace pair: 10.201.N.0/24, N unique per process and call. */
function subnet(): number {
	counter += 1;
	return ((process.pid * 7 + counter) % 250) + 1;
}

async function ip(...args: string[]) {
	await execa('ip', args, {timeout: 10_000});
}

export type Netns = {
	readonly name: string;
	/** Its own non-loopback address (10.201.N.2) when created with `address: true`. */
	readonly address?: string;
	/** The other end of the link: a second namespace at 10.201.N.1 (a remote client or server). */
	readonly peer?: {readonly name: string; readonly address: string};
	/** Run a command inside (argument array, timeout). */
	readonly exec: (
		file: string,
		args: readonly string[],
		options?: {
			env?: Record<string, string | undefined>;
			timeout?: number;
			input?: string;
		},
	) => ReturnType<typeof execa>;
	/** Run a command inside the peer namespace. */
	readonly execPeer: (
		file: string,
		args: readonly string[],
	) => ReturnType<typeof execa>;
	/** A TCP listener (node) bound to host:port inside; resolves once it listens. */
	readonly listen: (
		host: string,
		port: number,
		options?: {inPeer?: boolean; v6only?: boolean},
	) => Promise<ChildProcess>;
	readonly cleanup: () => Promise<void>;
};

const listenerScript = `
const net = require('node:net');
const [host, port, v6only] = process.argv.slice(1);
// Like a real server: accept and wait for the client (closing at once looks like docker-proxy).
const server = net.createServer(socket => { socket.on('error', () => {}); setTimeout(() => socket.destroy(), 10000).unref(); });
server.listen({host, port: Number(port), ipv6Only: v6only === '1'}, () => process.stdout.write('ready\\n'));
setTimeout(() => process.exit(0), 300000).unref();
process.on('SIGTERM', () => process.exit(0));
`;

export async function createNetns(
	options: {readonly address?: boolean; readonly hosts?: string} = {},
): Promise<Netns> {
	const n = subnet();
	const name = `${prefix}-${process.pid}-${counter}`;
	const peerName = `${name}-p`;
	const children: ChildProcess[] = [];
	created.add(name);
	await ip('netns', 'add', name);
	await ip('-n', name, 'link', 'set', 'lo', 'up');
	// Never let a test query an outside resolver: DNS inside goes to loopback, where nothing answers.
	writeNamespaceFiles(name, options.hosts);
	let address: string | undefined;
	let peer: Netns['peer'];
	if (options.address) {
		created.add(peerName);
		await ip('netns', 'add', peerName);
		await ip('-n', peerName, 'link', 'set', 'lo', 'up');
		writeNamespaceFiles(peerName, false);
		const veth = `rv${n}x${counter}`.slice(0, 12);
		await ip(
			'link',
			'add',
			`${veth}a`,
			'netns',
			name,
			'type',
			'veth',
			'peer',
			'name',
			`${veth}b`,
			'netns',
			peerName,
		);
		address = `10.201.${n}.2`;
		peer = {name: peerName, address: `10.201.${n}.1`};
		await ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', `${veth}a`);
		await ip(
			'-n',
			peerName,
			'addr',
			'add',
			`${peer.address}/24`,
			'dev',
			`${veth}b`,
		);
		await ip('-n', name, 'link', 'set', `${veth}a`, 'up');
		await ip('-n', peerName, 'link', 'set', `${veth}b`, 'up');
	}

	const run =
		(ns: string) =>
		(
			file: string,
			args: readonly string[],
			runOptions: {
				env?: Record<string, string | undefined>;
				timeout?: number;
				input?: string;
			} = {},
		) =>
			execa('ip', ['netns', 'exec', ns, file, ...args], {
				reject: false,
				timeout: runOptions.timeout ?? 60_000,
				env: runOptions.env,
				...(runOptions.input === undefined
					? {stdin: 'ignore' as const}
					: {input: runOptions.input}),
			});

	return {
		name,
		address,
		peer,
		exec: run(name),
		execPeer: run(peerName),
		async listen(host, port, listenOptions = {}) {
			const ns = listenOptions.inPeer ? peerName : name;
			const child = spawn(
				'ip',
				[
					'netns',
					'exec',
					ns,
					process.execPath,
					'-e',
					listenerScript,
					host,
					String(port),
					listenOptions.v6only ? '1' : '0',
				],
				{
					stdio: ['ignore', 'pipe', 'inherit'],
				},
			);
			children.push(child);
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => {
					reject(new Error(`listener ${host}:${port} did not start`));
				}, 10_000);
				child.stdout.once('data', () => {
					clearTimeout(timer);
					resolve();
				});
				child.once('exit', code => {
					clearTimeout(timer);
					reject(new Error(`listener ${host}:${port} exited with ${code}`));
				});
			});
			return child;
		},
		async cleanup() {
			for (const child of children) {
				child.kill('SIGKILL');
			}

			for (const ns of [name, peerName]) {
				if (created.has(ns)) {
					removeNamespace(ns);
				}
			}
		},
	};
}

/** Delete a namespace (killing what still runs in it) and its /etc/netns folder. Synchronous, so exit hooks can use it. */
export function removeNamespace(ns: string): void {
	try {
		const pids = execFileSync('ip', ['netns', 'pids', ns], {
			encoding: 'utf8',
			timeout: 5000,
		})
			.split('\n')
			.filter(Boolean);
		for (const pid of pids) {
			try {
				process.kill(Number(pid), 'SIGKILL');
			} catch {}
		}
	} catch {}

	try {
		execFileSync('ip', ['netns', 'delete', ns], {
			stdio: 'ignore',
			timeout: 5000,
		});
	} catch {}

	rmSync(`/etc/netns/${ns}`, {recursive: true, force: true});
	created.delete(ns);
}

process.on('exit', () => {
	for (const ns of created) {
		removeNamespace(ns);
	}
});
