import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {classifyLogLine, explainLog} from '../../source/parsers/journal.js';
import {inputs, runs, seed} from '../helpers/fuzz.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/journal/${name}`, import.meta.url), 'utf8');

// Real stderr of real services failing on this host (what journalctl -o cat would print: fixtures/journal/README.md).
describe('explainLog on real service output', () => {
	test('nginx: bind() Address already in use', () => {
		const {lines, reason} = explainLog(fixture('nginx-address-in-use.txt'));
		expect(reason).toBe('address-in-use');
		expect(lines.map(l => l.text)).toEqual([
			expect.stringContaining(
				'bind() to 127.0.0.1:3000 failed (98: Address already in use)',
			),
			expect.stringContaining('still could not bind()'),
		]);
	});

	test('nginx: Cannot assign requested address', () => {
		expect(explainLog(fixture('nginx-cannot-assign.txt')).reason).toBe(
			'cannot-assign',
		);
	});

	test('PostgreSQL: could not bind ... Address already in use, then FATAL', () => {
		const {lines, reason} = explainLog(fixture('postgres-address-in-use.txt'));
		expect(reason).toBe('address-in-use');
		expect(lines.map(l => l.reason)).toEqual(['address-in-use', 'fatal']);
		expect(lines.at(-1)?.text).toContain(
			'FATAL:  could not create any TCP/IP sockets',
		);
	});

	test('PostgreSQL: an address this host does not have', () => {
		expect(explainLog(fixture('postgres-cannot-assign.txt')).reason).toBe(
			'cannot-assign',
		);
	});

	test('node: EACCES on port 80 as a normal user', () => {
		const {reason, lines} = explainLog(fixture('node-permission-denied.txt'));
		expect(reason).toBe('permission-denied');
		expect(lines.map(l => l.text)).toContain(
			'Error: listen EACCES: permission denied 0.0.0.0:80',
		);
	});

	test('ordinary lines are not reasons', () => {
		expect(
			classifyLogLine(
				'2026-11-24 08:09:20.745 UTC [5012] LOG:  listening on IPv4 address "127.0.0.1", port 5432',
			),
		).toBeUndefined();
		expect(explainLog('').lines).toEqual([]);
	});
});

describe('fuzz', () => {
	test(`property: random and damaged log text never throws, at most 8 lines kept (${runs} cases, seed ${seed})`, () => {
		const captures = [
			fixture('nginx-address-in-use.txt'),
			fixture('postgres-cannot-assign.txt'),
		];
		fc.assert(
			fc.property(inputs(captures), text => {
				expect(explainLog(text).lines.length).toBeLessThanOrEqual(8);
			}),
			{numRuns: runs, seed},
		);
	});
});
