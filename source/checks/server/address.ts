import type {Listener} from '../../tree/facts.js';
import {
	familyOf,
	hostPort,
	isLoopback,
	plainAddress,
	sameAddress,
	unmapped,
} from '../../net/address.js';

export {
	familyOf,
	isWildcard,
	plainAddress,
	sameAddress,
	unmapped,
} from '../../net/address.js';

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
	// The edit distance, one row of the table at a time.
	let previous = Array.from({length: y.length + 1}, (_, j) => j);
	for (let i = 1; i <= x.length; i++) {
		const row = [i];
		for (let j = 1; j <= y.length; j++) {
			const cost = x[i - 1] === y[j - 1] ? 0 : 1;
			row.push(
				Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost),
			);
		}

		previous = row;
	}

	return previous[y.length]!;
}
