/**
/proc/net/tcp and /proc/net/tcp6: the kernel's socket tables, readable without root and without
ss. Addresses are 32-bit words in host byte order (little-endian on x86 and arm64), ports big-endian
hex; state 0A is LISTEN. IPV6_V6ONLY is not shown here (net.ipv6.bindv6only is the default).
*/
import type {Family} from '../tree/facts.js';

export type ProcSocket = {
	readonly address: string;
	readonly port: number;
	readonly family: Family;
	/** Hex state: 0A = LISTEN. */
	readonly state: string;
	readonly uid: number;
	readonly inode: number;
	readonly line: string;
};

function wordBytes(hex: string): number[] {
	// One 32-bit word, printed as a host-order (little-endian) number: reverse its bytes.
	const bytes = [];
	for (let index = 6; index >= 0; index -= 2) {
		bytes.push(Number.parseInt(hex.slice(index, index + 2), 16));
	}

	return bytes;
}

/** Compressed IPv6 text (RFC 5952), with the v4-mapped form ::ffff:a.b.c.d. */
export function formatIpv6(bytes: readonly number[]): string {
	const groups: number[] = [];
	for (let index = 0; index < 16; index += 2) {
		groups.push(((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0));
	}

	if (groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xff_ff) {
		return `::ffff:${bytes.slice(12).join('.')}`;
	}

	let bestStart = -1;
	let bestLength = 0;
	for (let index = 0; index < 8; index++) {
		if (groups[index] !== 0) {
			continue;
		}

		let end = index;
		while (end < 8 && groups[end] === 0) {
			end++;
		}

		if (end - index > bestLength && end - index > 1) {
			bestStart = index;
			bestLength = end - index;
		}

		index = end;
	}

	const hex = groups.map(g => g.toString(16));
	if (bestStart === -1) {
		return hex.join(':');
	}

	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** "0100007F" → "127.0.0.1"; 32 hex digits → IPv6 text. */
export function decodeProcAddress(hex: string): string | undefined {
	if (/^[\dA-Fa-f]{8}$/.test(hex)) {
		return wordBytes(hex).join('.');
	}

	if (/^[\dA-Fa-f]{32}$/.test(hex)) {
		const bytes: number[] = [];
		for (let word = 0; word < 4; word++) {
			bytes.push(...wordBytes(hex.slice(word * 8, word * 8 + 8)));
		}

		return formatIpv6(bytes);
	}

	return undefined;
}

/** Every socket of one table (pass `listenOnly` to keep state 0A). */
export function parseProcNetTcp(
	text: string,
	options: {readonly listenOnly?: boolean} = {},
): ProcSocket[] {
	const sockets: ProcSocket[] = [];
	for (const raw of text.split('\n')) {
		const fields = raw.trim().split(/\s+/);
		// Sl local rem st tx:rx tr:when retrnsmt uid timeout inode (uid and inode may be cut off:
		// such a socket keeps its address, port and state, with uid -1 and inode 0).
		if (fields.length < 4 || !/^\d+:$/.test(fields[0]!)) {
			continue;
		}

		const [addressHex, portHex] = fields[1]!.split(':');
		const state = fields[3]!.toUpperCase();
		if (options.listenOnly && state !== '0A') {
			continue;
		}

		const address = decodeProcAddress(addressHex ?? '');
		const port = Number.parseInt(portHex ?? '', 16);
		if (address === undefined || !Number.isInteger(port)) {
			continue;
		}

		sockets.push({
			address,
			port,
			family: (addressHex ?? '').length === 32 ? 6 : 4,
			state,
			uid: fields[7] === undefined ? -1 : Number(fields[7]),
			inode: fields[9] === undefined ? 0 : Number(fields[9]),
			line: raw.trim(),
		});
	}

	return sockets;
}

/** `find /proc -path '/proc/[0-9]*\/fd/*' -lname 'socket:*' -printf '%p %l\n'` → inode → pids. */
export function parseSocketLinks(text: string): Map<number, number[]> {
	const byInode = new Map<number, number[]>();
	for (const match of text.matchAll(
		/^\/proc\/(\d+)\/fd\/\d+ socket:\[(\d+)]$/gm,
	)) {
		const inode = Number(match[2]);
		const pid = Number(match[1]);
		const pids = byInode.get(inode) ?? [];
		if (!pids.includes(pid)) {
			pids.push(pid);
		}

		byInode.set(inode, pids);
	}

	return byInode;
}

/** Lines of a /proc/net/tcp table that are neither its header nor a socket (a table that could not be read). */
export function procNetTcpUnparsed(text: string): number {
	const rows = text
		.split('\n')
		.filter(line => line.trim() && !/^\s*sl\s/.test(line)).length;
	return rows - parseProcNetTcp(text).length;
}
