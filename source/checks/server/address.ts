import type {Family, Listener} from '../../tree/facts.js';
import {hostPort, isLoopback} from '../outcomes.js';

/** Lower case, scope id removed, "::ffff:1.2.3.4" kept as is. */
export function plainAddress(address: string): string {
	return address.toLowerCase().replace(/%.*/, '');
}

/** "::ffff:127.0.0.1" → "127.0.0.1"; other addresses unchanged. */
export function unmapped(address: string): string {
	return plainAddress(address).replace(/^::ffff:((?:\d+\.){3}\d+)$/, '$1');
}

export function familyOf(address: string): Family {
	return unmapped(address).includes(':') ? 6 : 4;
}

/** Full 8-group form of an IPv6 address ("::1" → "0:0:0:0:0:0:0:1"), or undefined. */
export function expandIpv6(address: string): string | undefined {
	let text = plainAddress(address);
	const v4 = /((?:\d+\.){3}\d+)$/.exec(text);
	if (v4) {
		const bytes = v4[1]!.split('.').map(Number);
		text = `${text.slice(0, -v4[1]!.length)}${((bytes[0]! << 8) | bytes[1]!).toString(16)}:${((bytes[2]! << 8) | bytes[3]!).toString(16)}`;
	}

	const halves = text.split('::');
	if (halves.length > 2) {
		return undefined;
	}

	const head = halves[0] ? halves[0].split(':') : [];
	const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
	const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
	const groups = [...head, ...Array.from({length: fill}, () => '0'), ...tail];
	if (groups.length !== 8 || groups.some(g => !/^[\da-f]{1,4}$/.test(g))) {
		return undefined;
	}

	return groups.map(g => Number.parseInt(g, 16).toString(16)).join(':');
}

export function isWildcard(address: string): boolean {
	const plain = plainAddress(address);
	return plain === '0.0.0.0' || plain === '::' || plain === '*';
}

/** Same address, ignoring case, scope ids and the v4-mapped form. */
export function sameAddress(a: string, b: string): boolean {
	const left = unmapped(a);
	const right = unmapped(b);
	if (left === right) {
		return true;
	}

	// Other IPv6 spellings ("0:0::1" vs "::1").
	const expanded = expandIpv6(left);
	return expanded !== undefined && expanded === expandIpv6(right);
}

/**
Would a connection to `address` reach this listener? "0.0.0.0" takes every IPv4 address; "::" every
IPv6 address, and IPv4 too unless V6ONLY (unknown V6ONLY: the sysctl default); "::ffff:a.b.c.d"
takes IPv4 a.b.c.d.
*/
export function accepts(
	listener: Listener,
	address: string,
	bindv6only?: boolean,
): boolean {
	const targetFamily = familyOf(address);
	const plain = plainAddress(listener.address);
	if (plain === '0.0.0.0') {
		return targetFamily === 4;
	}

	if (plain === '::') {
		return targetFamily === 6 || !(listener.v6only ?? bindv6only ?? false);
	}

	return sameAddress(listener.address, address);
}

export function isLoopbackListener(listener: Listener): boolean {
	return isLoopback(unmapped(listener.address));
}

/** "127.0.0.1:5432 (postgres pid 812, user postgres)" for evidence; `short`: "127.0.0.1:5432 postgres". */
export function describeListener(
	listener: Listener,
	options: {short?: boolean} = {},
): string {
	const where = hostPort(listener.address, listener.port);
	const v6 =
		plainAddress(listener.address) === '::' && listener.v6only !== undefined
			? listener.v6only
				? ' IPv6 only (v6only)'
				: ' IPv4 and IPv6'
			: '';
	const owner = listener.process;
	if (options.short) {
		return `${where}${v6}${owner ? ` ${owner.name}` : ''}`;
	}

	const who = owner
		? ` (${owner.name} pid ${owner.pid}${owner.user ? `, user ${owner.user}` : ''})`
		: listener.uid === undefined
			? ' (owner hidden: not root)'
			: ` (owner hidden; socket uid ${listener.uid})`;
	return `${where}${v6}${who}`;
}

/** Ports "one or two digits away": same number of digits, differing in at most two places, or one digit added/removed. */
export function digitDistance(a: number, b: number): number {
	const x = String(a);
	const y = String(b);
	const rows = x.length + 1;
	const cols = y.length + 1;
	const d: number[] = Array.from({length: rows * cols}, () => 0);
	for (let i = 0; i < rows; i++) {
		d[i * cols] = i;
	}

	for (let j = 0; j < cols; j++) {
		d[j] = j;
	}

	for (let i = 1; i < rows; i++) {
		for (let j = 1; j < cols; j++) {
			const cost = x[i - 1] === y[j - 1] ? 0 : 1;
			d[i * cols + j] = Math.min(
				d[(i - 1) * cols + j]! + 1,
				d[i * cols + j - 1]! + 1,
				d[(i - 1) * cols + j - 1]! + cost,
			);
		}
	}

	return d[rows * cols - 1]!;
}
