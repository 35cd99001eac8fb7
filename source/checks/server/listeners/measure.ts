/** Read every TCP listener: ss, else /proc/net/tcp*, else lsof; a source whose output cannot be read is replaced by the next. */
import type {Listener, ListenerProcess} from '../../../tree/facts.js';
import {parseLsofListeners} from '../../../parsers/lsof.js';
import {
	parseProcNetTcp,
	parseSocketLinks,
	procNetTcpUnparsed,
} from '../../../parsers/proc-net-tcp.js';
import {listenerList, type ListenerTable} from '../../../parsers/listeners.js';
import {scanSsListeners} from '../../../parsers/ss.js';
import {shellQuote} from '../../../text/sanitize.js';
import type {CheckContext, Io} from '../../types.js';

/** What one source gave: its listeners, and what could not be read of it. */
export type ListenerSource = {
	readonly source: 'ss' | 'proc' | 'lsof';
	readonly command: string;
	readonly listeners: ListenerTable;
	/** Lines of its output that could not be read (binary junk, another format). */
	readonly unparsed: number;
	readonly notes: readonly string[];
};

export type ListenerObservations = {
	readonly platform: string;
	readonly uid: number | undefined;
	/** Sources that failed (not installed, timed out), in the order tried. */
	readonly problems: readonly string[];
	/** Sources whose output could be read only in part (lines of junk): less certainty. */
	readonly damaged: readonly string[];
	readonly inventory?: ListenerSource;
	readonly bindv6only?: boolean;
};

type Read = ListenerSource | {readonly problem: string};

/** Uid → user name, from /etc/passwd. */
export async function readUsers(io: Io): Promise<Map<number, string>> {
	const passwd = await io.readFile('/etc/passwd');
	const users = new Map<number, string>();
	for (const line of passwd.ok ? passwd.text.split('\n') : []) {
		const [name, , uid] = line.split(':');
		if (name && uid && /^\d+$/.test(uid)) {
			users.set(Number(uid), name);
		}
	}

	return users;
}

async function processUser(
	io: Io,
	pid: number,
	users: ReadonlyMap<number, string>,
): Promise<string | undefined> {
	const status = await io.readFile(`/proc/${pid}/status`);
	const uid = status.ok ? /^Uid:\s+(\d+)/m.exec(status.text)?.[1] : undefined;
	return uid === undefined
		? undefined
		: (users.get(Number(uid)) ?? `uid ${uid}`);
}

/**
Add the user of each owner process (/proc/PID/status), in the order read, for the first 500 owners
(the listeners after the 500th new owner are left as they are). The users are read now; a listener
gets its user when it is built.
*/
async function withUsers(
	io: Io,
	listeners: ListenerTable,
	users: ReadonlyMap<number, string>,
): Promise<ListenerTable> {
	const cache = new Map<number, string | undefined>();
	const pids = listeners.ownerPids;
	let until = listeners.count;
	for (let index = 0; index < listeners.count; index++) {
		const pid = pids[index]!;
		if (pid === -1) {
			continue;
		}

		if (cache.size >= 500) {
			until = index;
			break;
		}

		if (!cache.has(pid)) {
			cache.set(pid, await processUser(io, pid, users));
		}
	}

	return listeners.map((listener, index) => {
		const owner = listener.process;
		if (!owner || owner.user !== undefined || index >= until) {
			return listener;
		}

		const user = cache.get(owner.pid);
		const process: ListenerProcess = {...owner, ...(user ? {user} : {})};
		return {
			...listener,
			process,
			processes: [process, ...(listener.processes ?? []).slice(1)],
		};
	});
}

async function readBindv6only(io: Io): Promise<boolean | undefined> {
	const file = await io.readFile('/proc/sys/net/ipv6/bindv6only');
	return file.ok ? file.text.trim() === '1' : undefined;
}

async function fromSs(context: CheckContext): Promise<Read> {
	context.onCommand('ss -Htlnpe');
	const result = await context.io.run(
		{file: 'ss', args: ['-Htlnpe'], timeoutMs: 8000},
		{signal: context.signal},
	);
	if (result.notFound) {
		return {problem: 'ss is not installed (package iproute2)'};
	}

	if (result.timedOut || result.exitCode !== 0) {
		return {
			problem: `ss -Htlnpe ${result.timedOut ? 'timed out' : `failed: ${result.stderr.trim().split('\n')[0] ?? ''}`}`,
		};
	}

	const parsed = scanSsListeners(result.stdout);
	// Ss -e prints uid: only for sockets of non-root users.
	const listeners = parsed.listeners.map(l =>
		l.uid === undefined && l.inode !== undefined ? {...l, uid: 0} : l,
	);
	return {
		source: 'ss',
		command: result.command,
		listeners,
		unparsed: parsed.unparsed,
		notes: [],
	};
}

const socketLinkArgs = [
	'/proc',
	'-mindepth',
	'3',
	'-maxdepth',
	'3',
	'-path',
	'/proc/[0-9]*/fd/*',
	'-lname',
	'socket:*',
	'-printf',
	'%p %l\\n',
];

/** Inode → pids through the /proc/PID/fd links (only our own processes unless root). */
async function socketOwners(
	context: CheckContext,
): Promise<Map<number, number[]> | undefined> {
	context.onCommand(shellQuote(['find', ...socketLinkArgs]));
	const links = await context.io.run(
		{file: 'find', args: socketLinkArgs, timeoutMs: 8000},
		{signal: context.signal},
	);
	return links.notFound ? undefined : parseSocketLinks(links.stdout);
}

async function ownersOf(
	io: Io,
	pids: readonly number[],
	names: Map<number, string>,
	user: string | undefined,
): Promise<ListenerProcess[]> {
	const processes: ListenerProcess[] = [];
	for (const pid of pids.toSorted((a, b) => a - b).slice(0, 8)) {
		if (!names.has(pid)) {
			const comm = await io.readFile(`/proc/${pid}/comm`);
			names.set(pid, comm.ok ? comm.text.trim() : '?');
		}

		processes.push({name: names.get(pid)!, pid, ...(user ? {user} : {})});
	}

	return processes;
}

async function fromProc(
	context: CheckContext,
	users: ReadonlyMap<number, string>,
): Promise<Read> {
	const {io} = context;
	context.onCommand('read /proc/net/tcp /proc/net/tcp6');
	const v4 = await io.readFile('/proc/net/tcp');
	const v6 = await io.readFile('/proc/net/tcp6');
	if (!v4.ok && !v6.ok) {
		return {problem: `/proc/net/tcp cannot be read (${v4.code})`};
	}

	const texts = [v4, v6].flatMap(file => (file.ok ? [file.text] : []));
	const sockets = texts.flatMap(text =>
		parseProcNetTcp(text, {listenOnly: true}),
	);
	const byInode = await socketOwners(context);
	const names = new Map<number, string>();
	const listeners: Listener[] = [];
	for (const socket of sockets) {
		const processes = await ownersOf(
			io,
			byInode?.get(socket.inode) ?? [],
			names,
			users.get(socket.uid),
		);
		listeners.push({
			address: socket.address,
			port: socket.port,
			family: socket.family,
			...(processes[0] ? {process: processes[0], processes} : {}),
			inode: socket.inode,
			uid: socket.uid,
			line: socket.line,
		});
	}

	return {
		source: 'proc',
		command: 'cat /proc/net/tcp /proc/net/tcp6',
		listeners: listenerList(listeners),
		unparsed: texts.reduce((sum, text) => sum + procNetTcpUnparsed(text), 0),
		notes: byInode
			? []
			: ['find is not installed: the sockets cannot be matched to processes'],
	};
}

async function fromLsof(context: CheckContext): Promise<Read> {
	context.onCommand('lsof -nP -iTCP -sTCP:LISTEN');
	const result = await context.io.run(
		{file: 'lsof', args: ['-nP', '-iTCP', '-sTCP:LISTEN'], timeoutMs: 15_000},
		{signal: context.signal},
	);
	if (result.notFound) {
		return {problem: 'lsof is not installed'};
	}

	if (result.timedOut) {
		return {problem: 'lsof timed out'};
	}

	const parsed = parseLsofListeners(result.stdout);
	return {
		source: 'lsof',
		command: result.command,
		listeners: listenerList(parsed.listeners),
		unparsed: parsed.unparsed.length,
		notes: [],
	};
}

function problemOf(read: ListenerSource): string {
	return `${read.command}: ${read.unparsed} line${read.unparsed === 1 ? '' : 's'} of its output could not be read`;
}

/**
Ss, then /proc/net/tcp*, then lsof. A source that fails, or prints lines that cannot be read
(binary junk), gives way to the next; when every source has unreadable lines, the least damaged is
used and the problems are kept, so "nothing listens" is never more certain than what was read.
*/
export async function measureListeners(
	context: CheckContext,
): Promise<ListenerObservations> {
	const {io} = context;
	if (io.platform !== 'linux') {
		return {platform: io.platform, uid: io.uid, problems: [], damaged: []};
	}

	// /etc/passwd and bindv6only are read while ss runs (neither read ever rejects).
	const usersRead = readUsers(io);
	const bindv6onlyRead = readBindv6only(io);
	const problems: string[] = [];
	const damaged: string[] = [];
	const partial: ListenerSource[] = [];
	for (const read of [
		() => fromSs(context),
		async () => fromProc(context, await usersRead),
		() => fromLsof(context),
	]) {
		const result = await read();
		if ('problem' in result) {
			problems.push(result.problem);
		} else if (result.unparsed > 0) {
			damaged.push(problemOf(result));
			partial.push(result);
		} else {
			partial.unshift(result);
			break;
		}
	}

	const chosen = partial.toSorted((a, b) => a.unparsed - b.unparsed)[0];
	if (!chosen) {
		return {platform: io.platform, uid: io.uid, problems, damaged};
	}

	const [users, bindv6only] = await Promise.all([usersRead, bindv6onlyRead]);
	return {
		platform: io.platform,
		uid: io.uid,
		problems,
		damaged,
		inventory: {
			...chosen,
			listeners: await withUsers(io, chosen.listeners, users),
		},
		...(bindv6only === undefined ? {} : {bindv6only}),
	};
}
