import {parseProcNetTcp} from '../../parsers/proc-net-tcp.js';
import type {ServiceModule} from '../../services/index.js';
import type {CheckContext, Io} from '../types.js';

export type Running = {pid: number; name: string};

/** The inodes of the listening sockets of a network namespace, as one sorted string (undefined when unreadable or none). */
async function listenInodes(
	io: Io,
	folder: string,
): Promise<string | undefined> {
	const inodes: number[] = [];
	for (const name of ['tcp', 'tcp6']) {
		const file = await io.readFile(`${folder}/${name}`);
		if (file.ok) {
			inodes.push(
				...parseProcNetTcp(file.text, {listenOnly: true}).map(s => s.inode),
			);
		}
	}

	return inodes.length > 0
		? inodes.toSorted((a, b) => a - b).join(',')
		: undefined;
}

/** Processes by name, from /proc/PID/comm (world-readable). */
export async function processList(io: Io): Promise<Running[]> {
	const entries = (await io.readDir('/proc')) ?? [];
	const pids = entries.filter(entry => /^\d+$/.test(entry)).slice(0, 5000);
	const result: Running[] = [];
	for (const pid of pids) {
		const comm = await io.readFile(`/proc/${pid}/comm`);
		if (comm.ok) {
			result.push({pid: Number(pid), name: comm.text.trim()});
		}
	}

	return result;
}

/**
Keep the processes of the expected services that share this network namespace: a postgres in a
container (another namespace) cannot listen here. `find -printf %l` reads the /proc/PID/ns/net links.
*/
export async function sameNetns(
	context: CheckContext,
	processes: readonly Running[],
	expected: ReadonlyArray<Pick<ServiceModule, 'processes'>>,
): Promise<Running[]> {
	const wanted = processes
		.filter(p => expected.some(s => s.processes.includes(p.name)))
		.slice(0, 50);
	if (wanted.length === 0) {
		return [];
	}

	const args = [
		'/proc/self/ns/net',
		...wanted.map(p => `/proc/${p.pid}/ns/net`),
		'-maxdepth',
		'0',
		'-printf',
		'%p %l\\n',
	];
	const found = await context.io.run(
		{file: 'find', args, timeoutMs: 5000},
		{signal: context.signal},
	);
	const links = new Map<string, string>();
	for (const match of found.stdout.matchAll(
		/^\/proc\/(\w+)\/ns\/net (\S+)$/gm,
	)) {
		links.set(match[1]!, match[2]!);
	}

	const own = links.get('self');
	// Not root: the links of other users' processes cannot be read, but /proc/PID/net/tcp* can:
	// the same listening sockets (inodes) means the same network namespace.
	const ownSockets = await listenInodes(context.io, '/proc/net');
	const result: Running[] = [];
	for (const candidate of wanted) {
		const link = links.get(String(candidate.pid));
		if (own && link) {
			if (link === own) {
				result.push(candidate);
			}

			continue;
		}

		// No link to print: gone, or dead since the process list was read (a zombie has no links).
		const stat = await context.io.readFile(`/proc/${candidate.pid}/stat`);
		if (!stat.ok || /\)\s+[ZX]\s/.test(stat.text)) {
			continue;
		}

		const theirs = await listenInodes(context.io, `/proc/${candidate.pid}/net`);
		if (
			ownSockets === undefined ||
			theirs === undefined ||
			ownSockets === theirs
		) {
			result.push(candidate);
		}
	}

	return result;
}
