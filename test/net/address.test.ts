import net from 'node:net';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {
	familyOf,
	hostPort,
	isIP,
	isIPv6,
	isLoopback,
	isWildcard,
	normalizeAddress,
	sameAddress,
} from '../../source/net/address.js';

const runs = 10_000;
const seed = Number(process.env['FC_SEED'] ?? 20_261_201);

/** Random spellings of one IPv6 address (8 groups): leading zeros, case, "::" on any zero run, brackets, a v4 tail. */
const spellings = (groups: readonly number[]) =>
	fc
		.record({
			pad: fc.array(fc.integer({min: 0, max: 3}), {minLength: 8, maxLength: 8}),
			upper: fc.boolean(),
			compress: fc.boolean(),
			brackets: fc.boolean(),
			v4tail: fc.boolean(),
		})
		.map(({pad, upper, compress, brackets, v4tail}) => {
			let hex = groups.map((g, i) => g.toString(16).padStart(pad[i]!, '0'));
			if (v4tail) {
				const [a, b] = [groups[6]!, groups[7]!];
				hex = [...hex.slice(0, 6), `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`];
			}

			let text = hex.join(':');
			if (compress) {
				const zero = hex.findIndex(
					(g, i) =>
						Number.parseInt(g, 16) === 0 &&
						i < hex.length - 1 &&
						/^0+$/.test(g),
				);
				if (zero !== -1) {
					let end = zero;
					while (end < hex.length && /^0+$/.test(hex[end]!)) {
						end++;
					}

					text = `${hex.slice(0, zero).join(':')}::${hex.slice(end).join(':')}`;
				}
			}

			text = upper ? text.toUpperCase() : text;
			return brackets ? `[${text}]` : text;
		});

describe('normalizeAddress: one address, many spellings', () => {
	test.each([
		['::ffff:7f00:1', '127.0.0.1'],
		['[::ffff:7f00:1]', '127.0.0.1'],
		['0:0:0:0:0:0:0:1', '::1'],
		['::0001', '::1'],
		['0:0:0:0:0:ffff:127.0.0.1', '127.0.0.1'],
		['FE80::1%eth0', 'fe80::1'],
		['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
		['0.0.0.0', '0.0.0.0'],
		['0:0:0:0:0:0:0:0', '::'],
		['localhost', 'localhost'],
	])('%s is %s', (spelling, canonical) => {
		expect(normalizeAddress(spelling)).toBe(canonical);
	});

	test('loopback and wildcard, whatever the spelling', () => {
		for (const a of [
			'[::ffff:7f00:1]',
			'[0:0:0:0:0:0:0:1]',
			'[::0001]',
			'0:0:0:0:0:ffff:127.0.0.1',
			'127.0.0.2',
		]) {
			expect(isLoopback(a)).toBe(true);
		}

		for (const a of ['0:0:0:0:0:0:0:0', '[::]', '*', '0.0.0.0']) {
			expect(isWildcard(a)).toBe(true);
		}

		expect(isLoopback('10.0.0.1')).toBe(false);
		expect(isLoopback('::2')).toBe(false);
		expect(familyOf('::ffff:10.0.0.1')).toBe(4);
		expect(hostPort('::1', 80)).toBe('[::1]:80');
	});

	test(`property: every spelling of an IPv6 address normalises to one string (${runs} cases, seed ${seed})`, () => {
		const groups = fc.array(
			fc.oneof(fc.constant(0), fc.integer({min: 0, max: 0xff_ff})),
			{minLength: 8, maxLength: 8},
		);
		fc.assert(
			fc.property(
				groups.chain(g => fc.tuple(fc.constant(g), spellings(g), spellings(g))),
				([, a, b]) => {
					expect(normalizeAddress(a)).toBe(normalizeAddress(b));
					expect(sameAddress(a, b)).toBe(true);
					// Idempotent: the canonical form is its own canonical form.
					expect(normalizeAddress(normalizeAddress(a))).toBe(
						normalizeAddress(a),
					);
				},
			),
			{numRuns: runs, seed},
		);
	});

	test(`property: different addresses never normalise to one string (${runs} cases, seed ${seed})`, () => {
		const group = fc.integer({min: 0, max: 0xff_ff});
		const address = fc.array(group, {minLength: 8, maxLength: 8});
		fc.assert(
			fc.property(address, address, (a, b) => {
				fc.pre(a.join(',') !== b.join(','));
				const text = (g: number[]) => g.map(x => x.toString(16)).join(':');
				expect(sameAddress(text(a), text(b))).toBe(false);
			}),
			{numRuns: runs, seed},
		);
	});
});

describe("isIP and isIPv6 (Node's, without compiling its IPv6 expression for text with fewer than two colons)", () => {
	test('agree with node:net on arbitrary text, on address-like text and on every spelling of an IPv6 address', () => {
		const addressLike = fc
			.array(fc.constantFrom(...'0123456789abcdefABCDEF:.%[]z'), {
				maxLength: 45,
			})
			.map(chars => chars.join(''));
		const v6 = fc
			.array(fc.integer({min: 0, max: 0xff_ff}), {minLength: 8, maxLength: 8})
			.chain(groups => spellings(groups))
			.map(text => text.replaceAll(/^\[|]$/g, ''));
		fc.assert(
			fc.property(fc.oneof(fc.string(), addressLike, v6), text => {
				expect(isIPv6(text)).toBe(net.isIPv6(text));
				expect(isIP(text)).toBe(net.isIP(text));
			}),
			{numRuns: runs, seed},
		);
		for (const text of [
			'::',
			'::1',
			'1::',
			'fe80::1%eth0',
			'::ffff:127.0.0.1',
			'127.0.0.1',
			'1:2',
			'',
		]) {
			expect([text, isIP(text)]).toEqual([text, net.isIP(text)]);
		}
	});
});
