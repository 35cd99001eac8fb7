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
