/**
Text from the server's commands into the values the `Io` interface returns: `ip -j addr` (or
`ip -o addr`), `env`, `getent ahosts`, the connect probe's stderr, `curl -i`, `uname -s`. The text
is hostile: nothing here runs or interprets it, and every value is checked before use. Pure.
*/
import {parseAddress} from '../net/address.js';
import type {
	HttpResult,
	LookupAddress,
	NetworkInterface,
} from '../checks/types.js';

type IpJsonAddress = {
	readonly family?: unknown;
	readonly local?: unknown;
	readonly prefixlen?: unknown;
};
type IpJsonLink = {
	readonly ifname?: unknown;
	readonly flags?: unknown;
	readonly addr_info?: unknown;
};

function jsonInterface(link: IpJsonLink): NetworkInterface[] {
	if (typeof link.ifname !== 'string' || !Array.isArray(link.addr_info)) {
		return [];
	}

	const name = link.ifname;
	const internal = Array.isArray(link.flags) && link.flags.includes('LOOPBACK');
	return (link.addr_info as IpJsonAddress[]).flatMap(info => {
		const family = info.family === 'inet6' ? 6 : info.family === 'inet' ? 4 : 0;
		if (
			family === 0 ||
			typeof info.local !== 'string' ||
			parseAddress(info.local)?.family !== family
		) {
			return [];
		}

		return [
			{
				name,
				address: info.local,
				family,
				internal,
				...(typeof info.prefixlen === 'number'
					? {cidr: `${info.local}/${info.prefixlen}`}
					: {}),
			},
		];
	});
}

/** `ip -j addr` (iproute2 4.14 and later). undefined when it is not that JSON. */
export function parseIpJson(text: string): NetworkInterface[] | undefined {
	try {
		const links = JSON.parse(text) as unknown;
		return Array.isArray(links)
			? (links as IpJsonLink[]).flatMap(link => jsonInterface(link))
			: undefined;
	} catch {
		return undefined;
	}
}

/** `ip -o addr` lines: "2: eth0    inet 10.0.0.2/24 brd ... scope global eth0\ ...". */
export function parseIpOneline(text: string): NetworkInterface[] {
	const out: NetworkInterface[] = [];
	for (const match of text.matchAll(
		/^\d+:\s+(\S+)\s+(inet6?)\s+([\da-f.:]+)\/(\d+)/gim,
	)) {
		const family = match[2] === 'inet6' ? 6 : 4;
		const address = match[3]!;
		if (parseAddress(address)?.family === family) {
			out.push({
				name: match[1]!,
				address,
				family,
				internal: match[1] === 'lo',
				cidr: `${address}/${match[4]}`,
			});
		}
	}

	return out;
}

/** `env` output (NAME=value per line; a value with a newline keeps only its first line). */
export function parseEnv(text: string): Record<string, string> {
	const env: Record<string, string> = {};
	for (const line of text.split('\n')) {
		const match = /^([A-Za-z_]\w*)=(.*)$/.exec(line);
		if (match) {
			env[match[1]!] = match[2]!;
		}
	}

	return env;
}

/** `getent ahosts HOST`: "ADDRESS STREAM name" lines, in the system's order, each address once. */
export function parseGetent(text: string): LookupAddress[] {
	const seen = new Set<string>();
	const out: LookupAddress[] = [];
	for (const line of text.split('\n')) {
		const [address = '', kind] = line.trim().split(/\s+/);
		const parsed = parseAddress(address);
		if (
			parsed &&
			(kind === 'STREAM' || kind === undefined) &&
			!seen.has(address)
		) {
			seen.add(address);
			out.push({address, family: parsed.family});
		}
	}

	return out;
}

const errnoPatterns: ReadonlyArray<readonly [string, RegExp]> = [
	['ECONNREFUSED', /connection refused/i],
	['EHOSTUNREACH', /no route to host/i],
	['ENETUNREACH', /network is unreachable/i],
	['ETIMEDOUT', /timed out/i],
	['EADDRNOTAVAIL', /cannot assign requested address/i],
	['ECONNRESET', /connection reset/i],
];

/** The errno a failed connect printed (bash's /dev/tcp or nc), else EIO. */
export function connectErrno(stderr: string): string {
	return (
		errnoPatterns.find(([, pattern]) => pattern.test(stderr))?.[0] ?? 'EIO'
	);
}

/** The connect time bash measured ("ms START END" from $EPOCHREALTIME), in whole ms. */
export function connectMs(stdout: string): number | undefined {
	const match = /^ms (\d+)[.,](\d+) (\d+)[.,](\d+)$/m.exec(stdout);
	if (!match) {
		return undefined;
	}

	const start = Number(`${match[1]}.${match[2]}`);
	const end = Number(`${match[3]}.${match[4]}`);
	return end >= start ? Math.round((end - start) * 1000) : undefined;
}

/** `curl -sS -i` output: the last response's status line, headers (lower-case) and body. */
export function parseCurl(text: string): HttpResult {
	// Several responses (100 Continue, a proxy's CONNECT): keep the last header block.
	const blocks = text.split(/\r?\n\r?\n/);
	let index = 0;
	while (
		index + 1 < blocks.length &&
		/^HTTP\/[\d.]+ \d{3}/.test(blocks[index + 1] ?? '')
	) {
		index += 1;
	}

	const head = blocks[index] ?? '';
	const status = /^HTTP\/[\d.]+ (\d{3})/.exec(head);
	if (!status) {
		return {ok: false, code: 'EPROTO'};
	}

	const headers: Record<string, string> = {};
	for (const line of head.split(/\r?\n/).slice(1)) {
		const colon = line.indexOf(':');
		if (colon > 0) {
			const name = line.slice(0, colon).trim().toLowerCase();
			const value = line.slice(colon + 1).trim();
			headers[name] = headers[name] ? `${headers[name]}, ${value}` : value;
		}
	}

	return {
		ok: true,
		status: Number(status[1]),
		headers,
		body: blocks
			.slice(index + 1)
			.join('\n\n')
			.slice(0, 65_536),
	};
}

/** Curl's exit status as the errno a Node request would have given. */
export function curlErrno(
	exitCode: number | undefined,
	stderr: string,
): string {
	if (exitCode === 28) {
		return 'ETIMEDOUT';
	}

	// 6: could not resolve; else what curl printed (EIO when it does not say).
	return exitCode === 6 ? 'ENOTFOUND' : connectErrno(stderr);
}

/** `uname -s` as Node names platforms. */
export function platformOf(uname: string): string {
	const name = uname.trim().toLowerCase();
	const known: Record<string, string> = {
		linux: 'linux',
		darwin: 'darwin',
		freebsd: 'freebsd',
		openbsd: 'openbsd',
		netbsd: 'netbsd',
		sunos: 'sunos',
		aix: 'aix',
	};
	return known[name] ?? (name || 'unknown');
}
