import type {Family, NetnsListener} from '../tree/facts.js';

const listenState = '0A';

/** Bytes of one 32-bit word as the kernel prints it (host order, little-endian here) → network order. */
function wordBytes(hex: string): number[] {
	const bytes: number[] = [];
	for (let index = 6; index >= 0; index -= 2) {
		bytes.push(Number.parseInt(hex.slice(index, index + 2), 16));
	}

	return bytes;
}

/** Shortest IPv6 text (RFC 5952), with the IPv4-mapped form kept readable. */
function formatIpv6(bytes: readonly number[]): string {
	const groups: number[] = [];
	for (let index = 0; index < 16; index += 2) {
		groups.push(((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0));
	}

	if (groups.slice(0, 5).every(group => group === 0) && groups[5] === 0xff_ff) {
		return `::ffff:${bytes.slice(12).join('.')}`;
	}

	let bestStart = -1;
	let bestLength = 0;
	for (let start = 0; start < 8; start++) {
		let length = 0;
		while (start + length < 8 && groups[start + length] === 0) {
			length++;
		}

		if (length > bestLength && length > 1) {
			bestStart = start;
			bestLength = length;
		}
	}

	const hex = groups.map(group => group.toString(16));
	if (bestStart === -1) {
		return hex.join(':');
	}

	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function decodeAddress(hex: string, family: Family): string | undefined {
	if (family === 4) {
		return hex.length === 8 ? wordBytes(hex).join('.') : undefined;
	}

	if (hex.length !== 32) {
		return undefined;
	}

	const bytes: number[] = [];
	for (let word = 0; word < 4; word++) {
		bytes.push(...wordBytes(hex.slice(word * 8, word * 8 + 8)));
	}

	return formatIpv6(bytes);
}

/**
The listening sockets in /proc/PID/net/tcp (family 4) or tcp6 (family 6): the view from inside
that process's network namespace. Total: header and odd lines are ignored.
*/
export function parseProcNetTcpListeners(
	text: string,
	family: Family,
): NetnsListener[] {
	const listeners: NetnsListener[] = [];
	for (const line of text.split('\n')) {
		const fields = line.trim().split(/\s+/);
		const [, local, , state] = fields;
		if (!local || state?.toUpperCase() !== listenState) {
			continue;
		}

		const [addressHex, portHex] = local.split(':');
		if (
			!addressHex ||
			!portHex ||
			!/^[\da-f]+$/i.test(addressHex) ||
			!/^[\da-f]{4}$/i.test(portHex)
		) {
			continue;
		}

		const address = decodeAddress(addressHex, family);
		if (address === undefined) {
			continue;
		}

		const port = Number.parseInt(portHex, 16);
		if (!listeners.some(l => l.address === address && l.port === port)) {
			listeners.push({address, port, family});
		}
	}

	return listeners;
}

/** 127.0.0.0/8, ::1 and ::ffff:127.x: reachable only from inside the same namespace. */
export function isLoopback(address: string): boolean {
	return (
		address.startsWith('127.') ||
		address === '::1' ||
		address.startsWith('::ffff:127.')
	);
}

/** 0.0.0.0 and :: accept on every address of the namespace. */
export function isWildcard(address: string): boolean {
	return address === '0.0.0.0' || address === '::' || address === '';
}

/** "127.0.0.1:8080", "[::]:8080". */
export function formatListener(listener: NetnsListener): string {
	return listener.family === 6
		? `[${listener.address}]:${listener.port}`
		: `${listener.address}:${listener.port}`;
}
