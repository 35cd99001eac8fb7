import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {parseUfwStatus} from '../../source/parsers/ufw.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/ufw/${name}`, import.meta.url), 'utf8');

describe('parseUfwStatus', () => {
	test('ufw status numbered (ufw 0.36.2)', () => {
		const status = parseUfwStatus(fixture('status-numbered.txt'));
		expect(status.active).toBe(true);
		expect(status.rules).toHaveLength(12);
		expect(status.rules[1]).toEqual({
			number: 2,
			to: '8080/tcp',
			action: 'DENY',
			direction: 'IN',
			from: 'Anywhere',
			v6: false,
			text: '8080/tcp DENY IN Anywhere',
		});
		expect(status.rules[4]).toMatchObject({
			number: 5,
			to: '5432/tcp',
			action: 'ALLOW',
			from: '10.0.0.0/8',
			comment: 'db from lan',
		});
		expect(status.rules[6]).toMatchObject({
			to: 'Anywhere',
			action: 'DENY',
			from: '192.0.2.7',
		});
		expect(status.rules[8]).toMatchObject({
			number: 9,
			to: '8080/tcp (v6)',
			from: 'Anywhere (v6)',
			v6: true,
		});
		expect(status.rules[9]?.number).toBe(10);
	});

	test('ufw status verbose: the defaults', () => {
		const status = parseUfwStatus(fixture('status-verbose.txt'));
		expect(status.defaults).toEqual({
			incoming: 'deny',
			outgoing: 'allow',
			routed: 'disabled',
		});
		// Without numbers there is nothing to refer to.
		expect(status.rules).toEqual([]);
	});

	test('inactive, and not root', () => {
		expect(parseUfwStatus(fixture('status-inactive.txt'))).toEqual({
			active: false,
			rules: [],
		});
		expect(parseUfwStatus(fixture('not-root.txt'))).toEqual({
			active: false,
			rules: [],
		});
	});
});
