import {readFileSync} from 'node:fs';
import {expect, test} from 'vitest';
import {
	findUfwRule,
	ufwCoversPort,
} from '../../../source/model/firewall/ufw.js';
import {parseUfwStatus} from '../../../source/parsers/ufw.js';

const {rules} = parseUfwStatus(
	readFileSync(
		new URL('../../fixtures/ufw/status-numbered.txt', import.meta.url),
		'utf8',
	),
);

test('the first ufw rule that denies or rejects the port, by family and source', () => {
	expect(
		findUfwRule(rules, {
			port: 8080,
			verdict: 'drop',
			client: undefined,
			family: 4,
		})?.number,
	).toBe(2);
	expect(
		findUfwRule(rules, {
			port: 8080,
			verdict: 'drop',
			client: undefined,
			family: 6,
		})?.number,
	).toBe(9);
	expect(
		findUfwRule(rules, {
			port: 8081,
			verdict: 'reject',
			client: '192.168.1.5',
			family: 4,
		})?.number,
	).toBe(3);
	expect(
		findUfwRule(rules, {
			port: 2222,
			verdict: 'reject',
			client: '192.168.1.5',
			family: 4,
		})?.number,
	).toBe(4);
	// "deny from 192.0.2.7" covers every port, for that source only.
	expect(
		findUfwRule(rules, {
			port: 9999,
			verdict: 'drop',
			client: '192.0.2.7',
			family: 4,
		})?.number,
	).toBe(7);
	expect(
		findUfwRule(rules, {
			port: 9999,
			verdict: 'drop',
			client: '192.0.2.8',
			family: 4,
		}),
	).toBeUndefined();
	// An allow for this client comes first: no ufw rule to blame, the policy decides.
	expect(
		findUfwRule(rules, {
			port: 22,
			verdict: 'drop',
			client: '192.0.2.7',
			family: 4,
		}),
	).toBeUndefined();
	// The verdict must match the action: DENY drops, REJECT and LIMIT reject.
	expect(
		findUfwRule(rules, {
			port: 8080,
			verdict: 'reject',
			client: undefined,
			family: 4,
		}),
	).toBeUndefined();
});

test('ufwCoversPort', () => {
	expect(ufwCoversPort('8080/tcp', 8080)).toBe(true);
	expect(ufwCoversPort('8080/tcp (v6)', 8080)).toBe(true);
	expect(ufwCoversPort('8080/udp', 8080)).toBe(false);
	expect(ufwCoversPort('6000:6007/tcp', 6003)).toBe(true);
	expect(ufwCoversPort('80,443/tcp', 443)).toBe(true);
	expect(ufwCoversPort('80,443/tcp', 8080)).toBe(false);
	expect(ufwCoversPort('Anywhere', 1)).toBe(true);
	expect(ufwCoversPort('OpenSSH', 22)).toBeUndefined();
});
