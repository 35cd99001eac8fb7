import type {
	Listener,
	ListenerFacts,
	ListenerProcess,
} from '../../tree/facts.js';
import {parseLsofListeners} from '../../parsers/lsof.js';
import {parseProcNetTcp, parseSocketLinks} from '../../parsers/proc-net-tcp.js';
import {parseSsListeners} from '../../parsers/ss.js';
import type {CheckContext, CheckResult, CheckRun, Io} from '../types.js';
import {describeListener} from './address.js';

/** Uid → user name, from /etc/passwd. */
export async function readUsers(io: Io): Promise<Map<number, string>> {
	const passwd = await io.readFile('/etc/passwd');
	const users = new Map<number, string>();
	if (passwd.ok) {
		for (const line of passwd.text.split('\n')) {
			const [name, , uid] = line.split(':');
			if (name && uid && /^\d+$/.test(uid)) {
				users.set(Number(uid), name);
			}
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

/** Add the user of each owner process (/proc/PID/status), or of the socket (its uid). */
async function withUsers(
	io: Io,
	listeners: readonly Listener[],
	users: ReadonlyMap<number, string>,
): Promise<Listener[]> {
	const cache = new Map<number, string | undefined>();
	const userOf = async (pid: number) => {
		if (!cache.has(pid)) {
			cache.set(pid, await processUser(io, pid, users));
		}

		return cache.get(pid);
	};

	const result: Listener[] = [];
	for (const listener of listeners) {
		if (listener.process && !listener.process.user && cache.size < 500) {
			const user = await userOf(listener.process.pid);
			const process: ListenerProcess = {
				...listener.process,
				...(user ? {user} : {}),
			};
			result.push({
				...listener,
				process,
				processes: [process, ...(listener.processes ?? []).slice(1)],
			});
		} else {
			result.push(listener);
		}
	}

	return result;
}

async function readBindv6only(io: Io): Promise<boolean | undefined> {
	const file = await io.readFile('/proc/sys/net/ipv6/bindv6only');
	return file.ok ? file.text.trim() === '1' : undefined;
}

type Inventory =
	{facts: ListenerFacts; notes: string[]} | {problem: string; notes: string[]};

async function fromSs(context: CheckContext): Promise<Inventory> {
	const {io} = context;
	context.onCommand('ss -Htlnpe');
	const result = await io.run(
		{file: 'ss', args: ['-Htlnpe'], timeoutMs: 8000},
		{signal: context.signal},
	);
	if (result.notFound) {
		return {problem: 'ss is not installed (package iproute2)', notes: []};
	}

	if (result.timedOut || result.exitCode !== 0) {
		return {
			problem: `ss -Htlnpe ${result.timedOut ? 'timed out' : `failed: ${result.stderr.trim().split('\n')[0] ?? ''}`}`,
			notes: [],
		};
	}

	const parsed = parseSsListeners(result.stdout);
	// Ss -e prints uid: only for sockets of non-root users.
	const listeners = parsed.listeners.map(l =>
		l.uid === undefined && l.inode !== undefined ? {...l, uid: 0} : l,
	);
	return {
		facts: {
			source: 'ss',
			command: result.command,
			listeners,
			processesVisible: io.uid === 0 || listeners.every(l => l.process),
		},
		notes:
			parsed.unparsed.length > 0
				? [`${parsed.unparsed.length} lines of ss output could not be read`]
				: [],
	};
}

async function fromProc(
	context: CheckContext,
	users: ReadonlyMap<number, string>,
): Promise<Inventory> {
	const {io} = context;
	context.onCommand('read /proc/net/tcp /proc/net/tcp6');
	const v4 = await io.readFile('/proc/net/tcp');
	const v6 = await io.readFile('/proc/net/tcp6');
	if (!v4.ok && !v6.ok) {
		return {problem: `/proc/net/tcp cannot be read (${v4.code})`, notes: []};
	}

	const sockets = [
		...(v4.ok ? parseProcNetTcp(v4.text, {listenOnly: true}) : []),
		...(v6.ok ? parseProcNetTcp(v6.text, {listenOnly: true}) : []),
	];
	const notes: string[] = [];
	// Inode → pid through the /proc/PID/fd links (only our own processes unless root).
	const args = [
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
	context.onCommand(`find ${args.join(' ')}`);
	const links = await io.run(
		{file: 'find', args, timeoutMs: 8000},
		{signal: context.signal},
	);
	const byInode = links.notFound
		? new Map<number, number[]>()
		: parseSocketLinks(links.stdout);
	if (links.notFound) {
		notes.push(
			'find is not installed: the sockets cannot be matched to processes',
		);
	}

	const names = new Map<number, string>();
	const listeners: Listener[] = [];
	for (const socket of sockets) {
		const pids = (byInode.get(socket.inode) ?? []).toSorted((a, b) => a - b);
		const processes: ListenerProcess[] = [];
		for (const pid of pids.slice(0, 8)) {
			if (!names.has(pid)) {
				const comm = await io.readFile(`/proc/${pid}/comm`);
				names.set(pid, comm.ok ? comm.text.trim() : '?');
			}

			processes.push({
				name: names.get(pid)!,
				pid,
				...(users.get(socket.uid) ? {user: users.get(socket.uid)} : {}),
			});
		}

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
		facts: {
			source: 'proc',
			command: 'cat /proc/net/tcp /proc/net/tcp6',
			listeners,
			processesVisible: io.uid === 0 || listeners.every(l => l.process),
		},
		notes,
	};
}

async function fromLsof(context: CheckContext): Promise<Inventory> {
	const {io} = context;
	context.onCommand('lsof -nP -iTCP -sTCP:LISTEN');
	const result = await io.run(
		{file: 'lsof', args: ['-nP', '-iTCP', '-sTCP:LISTEN'], timeoutMs: 15_000},
		{signal: context.signal},
	);
	if (result.notFound) {
		return {problem: 'lsof is not installed', notes: []};
	}

	if (result.timedOut) {
		return {problem: 'lsof timed out', notes: []};
	}

	const parsed = parseLsofListeners(result.stdout);
	return {
		facts: {
			source: 'lsof',
			command: result.command,
			listeners: parsed.listeners,
			processesVisible: io.uid === 0,
		},
		notes: [],
	};
}

/** Every TCP listener of this host (this network namespace): ss, else /proc/net/tcp*, else lsof. */
export const listeners: CheckRun = async context => {
	const {io, target} = context;
	if (io.platform !== 'linux') {
		return {
			status: 'unknown',
			detail: `listeners are read the Linux way (ss, /proc/net/tcp); on ${io.platform} run it by hand`,
			command:
				io.platform === 'darwin'
					? 'lsof -nP -iTCP -sTCP:LISTEN'
					: 'netstat -ano -p tcp',
		};
	}

	const users = await readUsers(io);
	const problems: string[] = [];
	let inventory: Inventory = await fromSs(context);
	if ('problem' in inventory) {
		problems.push(inventory.problem);
		inventory = await fromProc(context, users);
	}

	if ('problem' in inventory) {
		problems.push(inventory.problem);
		inventory = await fromLsof(context);
	}

	if ('problem' in inventory) {
		problems.push(inventory.problem);
		return {
			status: 'unknown',
			detail: `the listeners could not be read: ${problems.join('; ')}. Check by hand: sudo ss -ltnp`,
			command: 'sudo ss -ltnp',
		};
	}

	const bindv6only = await readBindv6only(io);
	const listenerList = await withUsers(io, inventory.facts.listeners, users);
	const facts: ListenerFacts = {
		...inventory.facts,
		listeners: listenerList,
		...(bindv6only === undefined ? {} : {bindv6only}),
	};
	const onPort = listenerList.filter(l => l.port === target.port);
	const output = [
		...(problems.length > 0
			? [`(${problems.join('; ')}: used ${facts.source} instead)`]
			: []),
		...onPort.map(l => describeListener(l)),
		...(onPort.length === 0 ? [`nothing listens on port ${target.port}`] : []),
		`${listenerList.length} TCP listener${listenerList.length === 1 ? '' : 's'} in all${bindv6only === undefined ? '' : `; net.ipv6.bindv6only=${bindv6only ? 1 : 0}`}`,
		...inventory.notes,
		...(facts.processesVisible
			? []
			: [
					"not root: the owners of other users' sockets are hidden. To see them: sudo ss -ltnp",
				]),
	];
	const result: CheckResult = {
		status: 'passed',
		detail:
			onPort.length === 0
				? `nothing listens on port ${target.port} (${listenerList.length} listeners in all)`
				: `port ${target.port}: ${onPort.map(l => describeListener(l, {short: true})).join(', ')}`,
		command: facts.command,
		output,
		facts: {listeners: facts},
	};
	return result;
};
