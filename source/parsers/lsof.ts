/**
`lsof -nP -iTCP -sTCP:LISTEN`: one row per process and descriptor, so a socket shared by nginx's
master and workers appears once per process. lsof prints a v4-mapped IPv6 socket as its IPv4
address (TYPE IPv6), and both wildcards as `*` (TYPE tells the family; V6ONLY is not shown).
*/
import type {Listener, ListenerProcess} from '../tree/facts.js';

export type LsofParse = {
	readonly listeners: Listener[];
	readonly unparsed: string[];
};

const row =
	/^(\S+)\s+(\d+)\s+(\S+)\s+\S+\s+(IPv[46])\s+(\S+)\s+\S+\s+TCP\s+(\S+)\s+\(LISTEN\)$/;

export function parseLsofListeners(stdout: string): LsofParse {
	const bySocket = new Map<
		string,
		{listener: Listener; processes: ListenerProcess[]}
	>();
	const unparsed: string[] = [];
	for (const raw of stdout.split('\n')) {
		const line = raw.trim();
		if (!line || line.startsWith('COMMAND')) {
			continue;
		}

		const match = row.exec(line);
		const name = match?.[6];
		const split = name ? /^(.*):(\d+)$/.exec(name) : undefined;
		if (!match || !split) {
			unparsed.push(raw);
			continue;
		}

		const family = match[4] === 'IPv6' ? 6 : 4;
		let address = split[1]!.replace(/^\[(.*)]$/, '$1');
		if (address === '*') {
			address = family === 6 ? '::' : '0.0.0.0';
		} else if (family === 6 && !address.includes(':')) {
			address = `::ffff:${address}`;
		}

		const port = Number(split[2]);
		const key = `${match[5]}|${address}|${port}`;
		const process: ListenerProcess = {
			name: match[1]!.replaceAll('\\x20', ' '),
			pid: Number(match[2]),
			user: match[3]!,
		};
		const entry = bySocket.get(key) ?? {
			listener: {address, port, family, line},
			processes: [],
		};
		if (!entry.processes.some(p => p.pid === process.pid)) {
			entry.processes.push(process);
		}

		bySocket.set(key, entry);
	}

	const listeners = [...bySocket.values()].map(({listener, processes}) => {
		const sorted = processes.toSorted((a, b) => a.pid - b.pid);
		return {
			...listener,
			...(sorted[0] ? {process: sorted[0], processes: sorted} : {}),
		};
	});
	return {listeners, unparsed};
}
