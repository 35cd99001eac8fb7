/** The firewall walk's fast `inPrefix` answers as net/address.ts's own, on every kind of text. */
import fc from 'fast-check';
import {expect, test} from 'vitest';
import {inPrefix as slowInPrefix} from '../../../source/net/address.js';
import {inPrefix} from '../../../source/model/firewall/prefix.js';
import {runs, seed} from '../../helpers/fuzz.js';

const cases: ReadonlyArray<[string, string]> = [
	['10.1.2.3', '10.1.2.3'],
	['10.1.2.3', '10.1.2.4'],
	['10.1.2.3', '10.0.0.0/8'],
	['10.1.2.3', '10.0.0.0/08'],
	['10.1.2.3', '11.0.0.0/8'],
	['10.1.2.3', '0.0.0.0/0'],
	['10.1.2.3', '10.1.2.3/32'],
	['10.1.2.3', '10.1.2.2/31'],
	['10.1.2.3', '10.1.2.3/33'],
	['10.1.2.3', '10.1.2.3/'],
	['10.1.2.3', '10.1.2.3/8/9'],
	['10.1.2.3', '10.0.0.0/255.0.0.0'],
	['10.1.2.3', '/8'],
	['010.001.002.003', '10.1.2.3'],
	['10.1.2.256', '10.1.2.0/24'],
	['10.1.2', '10.1.2.0/24'],
	['10.1.2.3.4', '10.1.2.0/24'],
	['1234.1.2.3', '10.1.2.0/24'],
	['10..2.3', '10.0.0.0/8'],
	[' 10.1.2.3', '10.0.0.0/8'],
	['10.1.2.3', '::ffff:10.1.2.3'],
	['::1', '::1/128'],
	['fe80::1%eth0', 'fe80::/10'],
	['127.0.0.1', 'fd00::/8'],
	['lo', 'lo'],
	['eth0.100', 'eth0.100'],
	['255.255.255.255', '255.255.255.255/32'],
	['255.255.255.255', '255.255.255.254/31'],
	['128.0.0.0', '128.0.0.0/1'],
	['127.0.0.1', '128.0.0.0/1'],
	['10.1.2.3', '10.1.2.3/000000032'],
	['10.1.2.3', '10.1.2.3/0000000032'],
	['10.1.2.3', '10.1.2.3/99999999999999999999'],
];

test.each(cases)('inPrefix(%s, %s)', (address, prefix) => {
	expect(inPrefix(address, prefix)).toBe(slowInPrefix(address, prefix));
});

const octet = fc.oneof(
	fc.integer({min: 0, max: 300}).map(String),
	fc.constantFrom('', '0', '00', '000', '0000', '1a', '-1', ' 1'),
);
const quad = fc
	.array(octet, {minLength: 2, maxLength: 6})
	.map(parts => parts.join('.'));
const prefix = fc.oneof(
	quad,
	fc
		.tuple(
			quad,
			fc.oneof(
				fc.integer({min: 0, max: 40}).map(String),
				quad,
				fc.string({maxLength: 4}),
			),
		)
		.map(([base, length]) => `${base}/${length}`),
	fc.string({maxLength: 20}),
	fc.constantFrom('::1', '::/0', 'fe80::/10', '::ffff:0:0/96'),
);

test(`property: the same answer as net/address.ts (${runs} cases, seed ${seed})`, () => {
	fc.assert(
		fc.property(
			fc.oneof(
				quad,
				fc.string({maxLength: 20}),
				fc.constantFrom('::1', '::ffff:10.1.2.3'),
			),
			prefix,
			(address, prefixText) => {
				expect(inPrefix(address, prefixText)).toBe(
					slowInPrefix(address, prefixText),
				);
			},
		),
		{numRuns: runs * 5, seed},
	);
});
