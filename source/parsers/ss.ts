/**
`ss -Htlnpe` (and `ss -tlnp`, `ss -Htln`): TCP listeners with their owners. Pure, total: lines it
cannot read go to `unparsed`.

How ss prints the local address (iproute2 `inet_addr_print()`):
- `0.0.0.0:80` IPv4 wildcard, `127.0.0.1:5432` one IPv4 address;
- `*:9000` the IPv6 wildcard with IPV6_V6ONLY off (dual-stack); `[::]:22` the IPv6 wildcard with V6ONLY on;
- `[::1]:5173`, `[::ffff:127.0.0.1]:9090` (v4-mapped), `[fe80::1]%eth0:7001` / `127.0.0.53%lo:53` (scoped).
Old iproute2 printed `*:80` for the IPv4 wildcard too: the peer column (`0.0.0.0:*`) tells them apart.
*/
import type {Family, Listener, ListenerProcess} from '../tree/facts.js';
import {ListenerTable, type ListenerRows} from './listeners.js';

export type SsParse = {
	readonly listeners: Listener[];
	readonly unparsed: string[];
};

/**
One process of a `users:((...),(...))` list. ss prints the process name raw, without escaping
(a name `na"me` shows as `("na"me",pid=1,fd=3)`), so a name ends only where `",pid=N,fd=N)` is
followed by the next entry or the end of the list.
*/
const userEntry = /\("(.*?)",pid=(\d+),fd=\d+\)(?=,\(|\)(?:\s|$))/y;

/** "users:((\"nginx\",pid=5013,fd=4),(\"nginx\",pid=5010,fd=4))" → processes, and where the list ends. */
function readSsUsers(text: string): {
	processes: ListenerProcess[];
	start: number;
	end: number;
} {
	const start = text.indexOf('users:((');
	const processes: ListenerProcess[] = [];
	if (start === -1) {
		return {processes, start: text.length, end: text.length};
	}

	let at = start + 'users:('.length;
	for (;;) {
		userEntry.lastIndex = at;
		const match = userEntry.exec(text);
		if (!match) {
			break;
		}

		const pid = Number(match[2]);
		if (!processes.some(p => p.pid === pid)) {
			processes.push({name: match[1]!, pid});
		}

		at = userEntry.lastIndex + 1;
		if (text[userEntry.lastIndex] === ')') {
			break;
		}
	}

	return {
		processes: processes.toSorted((a, b) => a.pid - b.pid),
		start,
		end: at,
	};
}

/** "users:((\"nginx\",pid=5013,fd=4),(\"nginx\",pid=5010,fd=4))" → processes. */
export function parseSsUsers(text: string): ListenerProcess[] {
	return readSsUsers(text).processes;
}

/** Split "ADDRESS:PORT" as ss prints it into an address (brackets removed, scope kept) and a port. */
export function splitSsAddress(
	text: string,
): {address: string; port: string} | undefined {
	const match = /^(.*):([\d*]+)$/.exec(text);
	if (!match) {
		return undefined;
	}

	let address = match[1]!;
	const bracket = /^\[([^\]]*)](%\S+)?$/.exec(address);
	if (bracket) {
		address = bracket[1]! + (bracket[2] ?? '');
	}

	return {address, port: match[2]!};
}

function familyOf(address: string): Family {
	return address.replace(/%.*/, '').includes(':') ? 6 : 4;
}

/** "*" and "::" as ss prints them: which wildcard, and whether V6ONLY is set. */
function wildcard(
	address: string,
	local: string,
	peer: string,
	v6only: boolean | undefined,
): {address: string; v6only: boolean | undefined} {
	if (address === '*') {
		// Old iproute2: "*" was the IPv4 wildcard (the peer column tells).
		return peer.startsWith('0.0.0.0:')
			? {address: '0.0.0.0', v6only}
			: {address: '::', v6only: v6only ?? false};
	}

	// New iproute2 brackets "::" only when the socket is V6ONLY.
	return address === '::' && local.startsWith('[::]:')
		? {address, v6only: v6only ?? true}
		: {address, v6only};
}

/** One LISTEN line: State Recv-Q Send-Q Local Peer [extras]; a Netid column comes first with -a/-A. For a listener Recv-Q is its accept queue and Send-Q its backlog. */
function parseSsLine(line: string): Listener | undefined {
	const fields = line.split(/\s+/);
	const offset = fields[0] === 'tcp' ? 1 : 0;
	const local = fields[offset + 3];
	const peer = fields[offset + 4];
	const split = local ? splitSsAddress(local) : undefined;
	const port = Number(split?.port);
	if (
		fields[offset] !== 'LISTEN' ||
		!peer ||
		!split ||
		!Number.isInteger(port)
	) {
		return undefined;
	}

	// The extras as printed (a process name may hold spaces): after the peer column.
	const extras = line.slice(
		line.indexOf(peer, line.indexOf(local!) + local!.length) + peer.length,
	);
	const users = readSsUsers(extras);
	// Uid, inode and v6only are read outside the users list: a process name cannot fake them.
	const rest = extras.slice(0, users.start) + ' ' + extras.slice(users.end);
	const v6onlyMatch = /\bv6only:([01])\b/.exec(rest);
	const {address, v6only} = wildcard(
		split.address,
		local!,
		peer,
		v6onlyMatch ? v6onlyMatch[1] === '1' : undefined,
	);
	const family = familyOf(address);
	const {processes} = users;
	const uid = /\buid:(\d+)\b/.exec(rest);
	const inode = /\bino:(\d+)\b/.exec(rest);
	const [recvQ, sendQ] = [fields[offset + 1], fields[offset + 2]];
	const queues =
		recvQ && sendQ && /^\d+$/.test(recvQ) && /^\d+$/.test(sendQ)
			? {acceptQueue: Number(recvQ), backlog: Number(sendQ)}
			: {};
	return {
		address,
		port,
		family,
		...(family === 6 && v6only !== undefined ? {v6only} : {}),
		...(processes[0] ? {process: processes[0], processes} : {}),
		...(inode ? {inode: Number(inode[1])} : {}),
		...(uid ? {uid: Number(uid[1])} : {}),
		...queues,
		line: line.replace(/\s+<->$/, ''),
	};
}

export function parseSsListeners(stdout: string): SsParse {
	const listeners: Listener[] = [];
	const unparsed: string[] = [];
	for (const raw of stdout.split('\n')) {
		const line = raw.trim();
		if (!line || /^(State|Netid)\s/.test(line)) {
			continue;
		}

		const listener = parseSsLine(line);
		if (listener) {
			listeners.push(listener);
		} else {
			unparsed.push(raw);
		}
	}

	return {listeners, unparsed};
}

/** One process entry of a plain users list: a NAME without quotes or line breaks (so `userEntry` reads the same entry). */
const plainEntry = (pid: string) =>
	String.raw`\("[^"\n\r\u2028\u2029]*",pid=${pid},fd=\d+\)`;

/**
A plain LISTEN line, up to its peer column: numeric queues (so the local address is the first place
its text occurs, as `parseSsLine` finds it), a local address of printable ASCII ending in `:PORT`
(1 to 5 digits, captured), a peer column.
*/
const plainLine = String.raw`LISTEN +\d+ +\d+ +[!-~]*:(\d{1,5}) +[!-~]+`;

/** A plain line with its users list right after the peer column, closed and followed by a space or the end: the port, the first pid, the other entries; then the rest of the line. */
const quickOwned = new RegExp(
	String.raw`${plainLine} +users:\(${plainEntry(String.raw`(\d{1,9})`)}((?:,${plainEntry(String.raw`\d{1,9}`)})*)\)(?=\s|$)[^\n]*`,
	'y',
);

/** A plain line, anything after its peer column: the port. */
const quickBare = new RegExp(String.raw`${plainLine}(?=[ \n]|$)`, 'y');

/** The lowest pid of the other entries of a plain users list (`,("NAME",pid=N,fd=N)...`). */
function lowestPid(first: number, others: string): number {
	let lowest = first;
	for (const [, pid] of others.matchAll(/",pid=(\d+),/g)) {
		lowest = Math.min(lowest, Number(pid));
	}

	return lowest;
}

/** Where the line from `start` ends (its line break, or the end of the text). */
function lineEnd(text: string, start: number): number {
	const end = text.indexOf('\n', start);
	return end === -1 ? text.length : end;
}

/**
Reads the plain LISTEN lines of ss output quickly (one native regular expression a line): each
one's port and owner pid. A line it does not read (odd spaces, a quote in a process name, another
layout) is left to the careful parse.
*/
class QuickScan {
	/** What `line` read: the port, the owner pid (-1: none shown), where the line ends. */
	port = 0;
	owner = -1;
	end = 0;
	readonly #text: string;
	/** Where "users:((" next occurs (searched once per occurrence, not once per line). */
	#users = -2;

	constructor(text: string) {
		this.#text = text;
	}

	/** Whether the line from `start` is a plain LISTEN line; if so, `port` and `owner` are its. `end` is where it ends. */
	line(start: number): boolean {
		quickOwned.lastIndex = start;
		const owned = quickOwned.exec(this.#text);
		if (owned) {
			const first = Number(owned[2]);
			this.port = Number(owned[1]);
			this.owner = owned[3] ? lowestPid(first, owned[3]) : first;
			this.end = quickOwned.lastIndex;
			return true;
		}

		const end = lineEnd(this.#text, start);
		this.end = end;
		quickBare.lastIndex = start;
		const bare = quickBare.exec(this.#text);
		// No users list anywhere after the peer column: no owner shown.
		if (!bare || this.#usersBefore(quickBare.lastIndex, end)) {
			return false;
		}

		this.port = Number(bare[1]);
		this.owner = -1;
		return true;
	}

	/** Whether "users:((" occurs between `from` and `end`. */
	#usersBefore(from: number, end: number): boolean {
		if (this.#users !== -1 && this.#users < from) {
			this.#users = this.#text.indexOf('users:((', from);
		}

		return this.#users !== -1 && this.#users < end;
	}
}

/**
`ss -Htlnpe` output as a listener inventory: one quick scan finds each line's port and owner; a
listener is built in full (the careful parse above) only when asked for. A line the quick scan does
not read is parsed in full at once, so the inventory is the same as `parseSsListeners`'s.
*/
export function scanSsListeners(stdout: string): {
	readonly listeners: ListenerTable;
	readonly unparsed: number;
	/** How many lines the quick scan left to the careful parse. */
	readonly careful: number;
} {
	const scan = new QuickScan(stdout);
	const starts: number[] = [];
	const ports: number[] = [];
	const owners: number[] = [];
	const parsed = new Map<number, Listener>();
	let unparsed = 0;
	let careful = 0;
	for (let start = 0; start < stdout.length; start = scan.end + 1) {
		if (scan.line(start)) {
			starts.push(start);
			ports.push(scan.port);
			owners.push(scan.owner);
			continue;
		}

		careful++;
		const line = stdout.slice(start, scan.end).trim();
		const header = !line || /^(State|Netid)\s/.test(line);
		const listener = header ? undefined : parseSsLine(line);
		if (listener) {
			parsed.set(ports.length, listener);
			starts.push(start);
			ports.push(listener.port);
			owners.push(listener.process?.pid ?? -1);
		} else if (!header) {
			unparsed++;
		}
	}

	const rows: ListenerRows = {
		ports,
		ownerPids: owners,
		owned: index => owners[index]! !== -1,
		build(index) {
			const start = starts[index]!;
			return (
				parsed.get(index) ??
				parseSsLine(stdout.slice(start, lineEnd(stdout, start)).trim())!
			);
		},
		mayBeNamed: names => linesNamed(stdout, starts, names),
	};
	return {listeners: new ListenerTable(rows), unparsed, careful};
}

/** The row (by start, ascending) whose line holds `at`, or -1. */
function lineAt(text: string, starts: readonly number[], at: number): number {
	let low = 0;
	let high = starts.length - 1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		if (starts[middle]! <= at) {
			low = middle + 1;
		} else {
			high = middle - 1;
		}
	}

	// On that row's line: no line break between its start and `at`.
	return high >= 0 && text.lastIndexOf('\n', at) < starts[high]! ? high : -1;
}

/** The lines where `("NAME",pid=` occurs for one of the names: every line whose users list names one. */
function linesNamed(
	text: string,
	starts: readonly number[],
	names: readonly string[],
): number[] {
	const found = new Set<number>();
	for (const name of names) {
		const needle = `("${name}",pid=`;
		for (
			let at = text.indexOf(needle);
			at !== -1;
			at = text.indexOf(needle, at + 1)
		) {
			const line = lineAt(text, starts, at);
			if (line !== -1) {
				found.add(line);
			}
		}
	}

	return [...found].toSorted((a, b) => a - b);
}
