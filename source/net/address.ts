/**
Every address helper, in one place: parsing (IPv4/IPv6 to bigint), the one canonical spelling
(`normalizeAddress`: "::ffff:7f00:1", "[0:0::1]", "::0001" all become one string), comparisons,
loopback and wildcard tests, prefixes and ranges, and display (`hostPort`). Pure.
*/

import net from 'node:net';

export type Parsed = {readonly family: 4 | 6; readonly value: bigint};

/**
Node's `net.isIPv6`, asked only of text holding two colons or more (every IPv6 address does): its
expression costs 2-3 ms to compile on first use, which an IPv4 or a host name never needs.
*/
export function isIPv6(text: string): boolean {
	return text.indexOf(':') !== text.lastIndexOf(':') && net.isIPv6(text);
}

/** Node's `net.isIP` (4, 6 or 0), through `isIPv6`. */
export function isIP(text: string): 0 | 4 | 6 {
	if (net.isIPv4(text)) {
		return 4;
	}

	return isIPv6(text) ? 6 : 0;
}

function parseV4(text: string): bigint | undefined {
	const parts = text.split('.');
	if (
		parts.length !== 4 ||
		parts.some(p => !/^\d{1,3}$/.test(p) || Number(p) > 255)
	) {
		return undefined;
	}

	return parts.reduce((sum, part) => (sum << 8n) + BigInt(part), 0n);
}

function parseV6(text: string): bigint | undefined {
	let plain = plainAddress(text);
	const v4 = /((?:\d+\.){3}\d+)$/.exec(plain);
	if (v4) {
		const value = parseV4(v4[1]!);
		if (value === undefined) {
			return undefined;
		}

		plain = `${plain.slice(0, -v4[1]!.length)}${(value >> 16n).toString(16)}:${(value & 0xff_ffn).toString(16)}`;
	}

	const halves = plain.split('::');
	if (halves.length > 2) {
		return undefined;
	}

	const head = halves[0] ? halves[0].split(':') : [];
	const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
	if ([...head, ...rest].some(g => !/^[\da-f]{1,4}$/.test(g))) {
		return undefined;
	}

	const missing = 8 - head.length - rest.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) {
		return undefined;
	}

	const groups = [
		...head,
		...Array.from({length: halves.length === 2 ? missing : 0}, () => '0'),
		...rest,
	];
	return groups.reduce((sum, group) => (sum << 16n) + BigInt(`0x${group}`), 0n);
}

export function parseAddress(text: string): Parsed | undefined {
	if (text.includes(':')) {
		// "[::1]" and "fe80::1%eth0" are addresses too.
		const value = parseV6(text);
		return value === undefined ? undefined : {family: 6, value};
	}

	const value = parseV4(text);
	return value === undefined ? undefined : {family: 4, value};
}

function bits(family: 4 | 6): bigint {
	return family === 4 ? 32n : 128n;
}

/** Is `address` inside `prefix` ("10.0.0.0/8", "fd00::/8", a plain address, or "1.2.3.4/255.0.0.0")? undefined when either cannot be read. */
export function inPrefix(address: string, prefix: string): boolean | undefined {
	const a = parseAddress(address);
	const [base = '', length] = prefix.split('/');
	const p = parseAddress(base);
	if (!a || !p) {
		return undefined;
	}

	if (a.family !== p.family) {
		return false;
	}

	const total = bits(a.family);
	let mask: bigint;
	if (length === undefined) {
		mask = (1n << total) - 1n;
	} else if (/^\d+$/.test(length)) {
		const n = BigInt(length);
		if (n > total) {
			return undefined;
		}

		mask = ((1n << n) - 1n) << (total - n);
	} else {
		const m = parseAddress(length);
		if (m?.family !== a.family) {
			return undefined;
		}

		mask = m.value;
	}

	return (a.value & mask) === (p.value & mask);
}

/** Is `address` within [low, high] (inclusive)? */
export function inRange(
	address: string,
	low: string,
	high: string,
): boolean | undefined {
	const a = parseAddress(address);
	const l = parseAddress(low);
	const h = parseAddress(high);
	if (!a || !l || !h) {
		return undefined;
	}

	if (a.family !== l.family || a.family !== h.family) {
		return false;
	}

	return a.value >= l.value && a.value <= h.value;
}

/** Lower case, brackets and scope id removed; the v4-mapped form kept as spelled. */
export function plainAddress(address: string): string {
	return address
		.trim()
		.toLowerCase()
		.replace(/^\[(.*)]$/, '$1')
		.replace(/%.*/, '');
}

function formatV4(value: bigint): string {
	return [24n, 16n, 8n, 0n]
		.map(shift => String((value >> shift) & 0xffn))
		.join('.');
}

function formatV6(value: bigint): string {
	const groups = Array.from({length: 8}, (_, i) =>
		Number((value >> BigInt((7 - i) * 16)) & 0xff_ffn),
	);
	// RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::".
	let best = {start: -1, length: 0};
	for (let i = 0; i < 8;) {
		let j = i;
		while (j < 8 && groups[j] === 0) {
			j++;
		}

		if (j - i > best.length && j - i >= 2) {
			best = {start: i, length: j - i};
		}

		i = j === i ? i + 1 : j;
	}

	const hex = groups.map(group => group.toString(16));
	if (best.start < 0) {
		return hex.join(':');
	}

	const head = hex.slice(0, best.start).join(':');
	const tail = hex.slice(best.start + best.length).join(':');
	return `${head}::${tail}`;
}

const mappedPrefix = 0xff_ffn << 32n;

/**
The one spelling of an address: IPv4 dotted quad; IPv6 in RFC 5952 form; a v4-mapped IPv6
address ("::ffff:127.0.0.1", "::ffff:7f00:1") as its IPv4 address. Not an address: `plainAddress`.
*/
export function normalizeAddress(address: string): string {
	const plain = plainAddress(address);
	const parsed = parseAddress(plain);
	if (!parsed) {
		return plain;
	}

	if (parsed.family === 4) {
		return formatV4(parsed.value);
	}

	if (parsed.value >> 32n === mappedPrefix >> 32n) {
		return formatV4(parsed.value & 0xff_ff_ff_ffn);
	}

	return formatV6(parsed.value);
}

/** Alias kept for readers of listener code: the IPv4 form of a v4-mapped address. */
export const unmapped = normalizeAddress;

/** Same address, whatever the spelling (case, scope id, brackets, zero groups, v4-mapped). */
export function sameAddress(a: string, b: string): boolean {
	return normalizeAddress(a) === normalizeAddress(b);
}

export function familyOf(address: string): 4 | 6 {
	return normalizeAddress(address).includes(':') ? 6 : 4;
}

/** Is this address on loopback (127.0.0.0/8, ::1, and their other spellings)? */
export function isLoopback(address: string): boolean {
	const canonical = normalizeAddress(address);
	return canonical.startsWith('127.') || canonical === '::1';
}

/** 0.0.0.0, :: (any spelling), and the "*" or empty address of ss and /proc. */
export function isWildcard(address: string): boolean {
	const plain = plainAddress(address);
	if (plain === '*' || plain === '') {
		return true;
	}

	const canonical = normalizeAddress(plain);
	return canonical === '0.0.0.0' || canonical === '::';
}

/** "[::1]:80" or "127.0.0.1:80". */
export function hostPort(address: string, port: number): string {
	return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
