/** Address arithmetic for rule matching: IPv4/IPv6 to bigint, prefixes and ranges. Pure. */

export type Parsed = {readonly family: 4 | 6; readonly value: bigint};

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
	let plain = text.toLowerCase().replace(/%.*/, '');
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

export function sameAddress(a: string, b: string): boolean | undefined {
	return inPrefix(a, b);
}
