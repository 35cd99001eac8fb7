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

/** "users:((\"nginx\",pid=5013,fd=4),(\"nginx\",pid=5010,fd=4))" → processes. */
export function parseSsUsers(text: string): ListenerProcess[] {
	const processes: ListenerProcess[] = [];
	for (const match of text.matchAll(
		/\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=\d+\)/g,
	)) {
		const pid = Number(match[2]);
		if (!processes.some(p => p.pid === pid)) {
			processes.push({name: match[1]!, pid});
		}
	}

	return processes.toSorted((a, b) => a.pid - b.pid);
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

export function parseSsListeners(stdout: string): SsParse {
	const listeners: Listener[] = [];
	const unparsed: string[] = [];
	for (const raw of stdout.split('\n')) {
		const line = raw.trim();
		if (!line || /^(State|Netid)\s/.test(line)) {
			continue;
		}

		// State Recv-Q Send-Q Local Peer [extras]; a Netid column comes first with -a/-A.
		const fields = line.split(/\s+/);
		const offset = fields[0] === 'tcp' ? 1 : 0;
		const state = fields[offset];
		const local = fields[offset + 3];
		const peer = fields[offset + 4];
		if (state !== 'LISTEN' || !local || !peer) {
			if (state !== 'LISTEN') {
				unparsed.push(raw);
			}

			continue;
		}

		const split = splitSsAddress(local);
		const port = Number(split?.port);
		if (!split || !Number.isInteger(port)) {
			unparsed.push(raw);
			continue;
		}

		const extras = fields.slice(offset + 5).join(' ');
		const v6onlyMatch = /\bv6only:([01])\b/.exec(extras);
		let {address} = split;
		let v6only: boolean | undefined = v6onlyMatch
			? v6onlyMatch[1] === '1'
			: undefined;
		if (address === '*') {
			if (peer.startsWith('0.0.0.0:')) {
				// Old iproute2: "*" was the IPv4 wildcard.
				address = '0.0.0.0';
			} else {
				address = '::';
				v6only ??= false;
			}
		} else if (address === '::' && local.startsWith('[::]:')) {
			// New iproute2 brackets "::" only when the socket is V6ONLY.
			v6only ??= true;
		}

		const family = familyOf(address);
		const processes = parseSsUsers(extras);
		const uid = /\buid:(\d+)\b/.exec(extras);
		const inode = /\bino:(\d+)\b/.exec(extras);
		const listener: Listener = {
			address,
			port,
			family,
			...(family === 6 && v6only !== undefined ? {v6only} : {}),
			...(processes[0] ? {process: processes[0], processes} : {}),
			...(inode ? {inode: Number(inode[1])} : {}),
			...(uid ? {uid: Number(uid[1])} : {}),
			line: line.replace(/\s+<->$/, ''),
		};
		listeners.push(listener);
	}

	return {listeners, unparsed};
}
