/**
`inPrefix` (net/address.ts) for the firewall walk, which asks it once per rule: a dotted-quad IPv4
address against a dotted-quad prefix ("10.1.2.3", "10.0.0.0/8") is compared as 32-bit numbers,
without splitting, regular expressions or bigints; anything else (IPv6, masks written as
addresses, text that is not an address) goes to `inPrefix` itself. Same answers (pinned by
test/model/firewall/prefix.test.ts). Pure.
*/
import {inPrefix as slowInPrefix} from '../../net/address.js';

const dot = 46;
const zero = 48;
const nine = 57;

/** Four parts of one to three digits, each at most 255 (what parseAddress reads as IPv4), as a number. */
function quad(text: string, start: number, end: number): number | undefined {
	let value = 0;
	let part = 0;
	let digits = 0;
	let dots = 0;
	for (let index = start; index < end; index++) {
		const code = text.codePointAt(index)!;
		if (code === dot) {
			if (digits === 0 || part > 255 || ++dots > 3) {
				return undefined;
			}

			value = value * 256 + part;
			part = 0;
			digits = 0;
		} else if (code >= zero && code <= nine && ++digits <= 3) {
			part = part * 10 + code - zero;
		} else {
			return undefined;
		}
	}

	return dots === 3 && digits > 0 && part <= 255
		? value * 256 + part
		: undefined;
}

/** The prefix length after the slash: digits only (at most 9 of them here). */
function prefixLength(text: string, start: number): number | undefined {
	if (start >= text.length || text.length - start > 9) {
		return undefined;
	}

	let length = 0;
	for (let index = start; index < text.length; index++) {
		const code = text.codePointAt(index)!;
		if (code < zero || code > nine) {
			return undefined;
		}

		length = length * 10 + code - zero;
	}

	return length;
}

function fastInPrefix(
	address: string,
	prefix: string,
): boolean | undefined | 'slow' {
	const value = quad(address, 0, address.length);
	if (value === undefined) {
		return 'slow';
	}

	const slash = prefix.indexOf('/');
	const base = quad(prefix, 0, slash === -1 ? prefix.length : slash);
	if (base === undefined) {
		return 'slow';
	}

	if (slash === -1) {
		return value === base;
	}

	const length = prefixLength(prefix, slash + 1);
	if (length === undefined) {
		return 'slow';
	}

	if (length > 32) {
		return undefined;
	}

	// Top `length` bits: compare the quotients by 2^(32 - length).
	const unit = 2 ** (32 - length);
	return Math.floor(value / unit) === Math.floor(base / unit);
}

/** Is `address` inside `prefix`? As `inPrefix` of net/address.ts answers. */
export function inPrefix(address: string, prefix: string): boolean | undefined {
	const fast = fastInPrefix(address, prefix);
	return fast === 'slow' ? slowInPrefix(address, prefix) : fast;
}
