/** The outcome step on recorded probe observations: each connect errno keeps its own meaning (issue 15, item 7). */
import {describe, expect, test} from 'vitest';
import {outcome} from '../../source/checks/outcome.js';
import {connectMeaning, outcomeOf} from '../../source/checks/outcomes.js';
import type {CheckContext} from '../../source/checks/types.js';
import type {Facts} from '../../source/tree/facts.js';
import {createFakeIo} from '../helpers/fake-io.js';

function context(code: string): CheckContext {
	const address = '192.0.2.7';
	const facts: Facts = {
		probe: {
			outcome: outcomeOf(code),
			address,
			ms: 3,
			addresses: [
				{
					address,
					family: 4,
					source: 'literal',
					outcome: outcomeOf(code),
					ms: 3,
					code,
				},
			],
		},
		local: {isLocal: false},
	} as unknown as Facts;
	return {
		target: {input: `${address}:5432`, host: address, port: 5432},
		facts,
		answers: {},
		io: createFakeIo(),
		signal: new AbortController().signal,
		timeoutMs: 3000,
		onCommand() {},
		onLine() {},
	};
}

describe('connect errors', () => {
	test.each(['EPERM', 'EACCES', 'EINVAL', 'EADDRNOTAVAIL', 'EWEIRD', 'EPROTO'])(
		'%s is never a timeout, and never filtered',
		async code => {
			expect(outcomeOf(code)).not.toBe('timeout');
			const result = await outcome(context(code));
			expect(result.findings ?? []).toEqual([]);
			expect(result.detail).toContain(connectMeaning(code));
			expect(result.detail).not.toMatch(/packets are dropped|timed out/i);
		},
	);

	test('an unknown code says "could not connect: CODE" and could not tell, with the command to run by hand', async () => {
		const result = await outcome(context('EWEIRD'));
		expect(result.status).toBe('unknown');
		expect(result.detail).toContain('could not connect: EWEIRD');
		expect(result.detail).toContain('nc -vz 192.0.2.7 5432');
	});

	test("EPERM names this host's own firewall and where to look", async () => {
		const result = await outcome(context('EPERM'));
		expect(result.status).toBe('problem');
		expect(result.detail).toMatch(/own firewall refused to send the SYN/);
		expect(result.output).toContain(
			'to look: sudo iptables -S OUTPUT; sudo nft list ruleset',
		);
	});

	test('only a wait with no answer is a timeout (filtered, likely)', async () => {
		expect(outcomeOf('ETIMEDOUT')).toBe('timeout');
		const result = await outcome(context('ETIMEDOUT'));
		expect(result.findings?.[0]).toMatchObject({
			id: 'filtered',
			confidence: 'likely',
		});
	});

	test('a route error is host-unreachable with its own words', async () => {
		const result = await outcome(context('ENETUNREACH'));
		expect(result.findings?.[0]?.id).toBe('host-unreachable');
		expect(result.detail).toContain('there is no route to that network');
	});

	test('accepted and at once reset is refused with its own story, not "nothing listens"', async () => {
		expect(outcomeOf('ECONNRESET')).toBe('refused');
		const result = await outcome(context('ECONNRESET'));
		expect(result.detail).toMatch(
			/accepted the connection and at once reset it/,
		);
	});
});
