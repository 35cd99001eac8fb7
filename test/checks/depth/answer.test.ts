/**
The reset-or-ICMP judge on recorded observations: the counter deltas below are those a real run
printed (`ip netns exec` a client namespace, `refused 10.209.1.1:PORT --json` against a peer
namespace: nothing on 7401, `REJECT` on 7402, `REJECT --reject-with tcp-reset` on 7403), and
the noisy and broken cases are built from them.
*/
import {describe, expect, test} from 'vitest';
import type {JudgeInput} from '../../../source/checks/define.js';
import {judgeAnswer, verdictOf} from '../../../source/checks/answer/judge.js';
import type {
	AnswerObservations,
	Repeat,
} from '../../../source/checks/answer/measure.js';

const input: JudgeInput = {
	target: {input: '10.209.1.1:7402', host: '10.209.1.1', port: 7402},
	facts: {},
	answers: {},
	timeoutMs: 3000,
	uid: 0,
};

const repeat = (icmp: number, extra: Partial<Repeat> = {}): Repeat => ({
	code: 'ECONNREFUSED',
	ms: 1,
	delta: {icmp, opens: 1, retransmits: 0},
	...extra,
});

const observations = (
	repeats: Repeat[],
	problem?: string,
): AnswerObservations => ({
	address: '10.209.1.1',
	family: 4,
	port: 7402,
	repeats,
	...(problem ? {problem} : {}),
});

describe('verdictOf', () => {
	test('one ICMP error per connect, three times: icmp, confirmed', () => {
		expect(verdictOf([repeat(1), repeat(1), repeat(1)])).toEqual({
			answer: 'icmp',
			confidence: 'confirmed',
		});
	});

	test('a SYN sent twice (the first ICMP arrived while the socket was busy, as over loopback) and two ICMP errors: still exact', () => {
		const twice = repeat(2, {delta: {icmp: 2, opens: 1, retransmits: 1}});
		expect(verdictOf([twice, twice, twice])).toEqual({
			answer: 'icmp',
			confidence: 'confirmed',
		});
	});

	test('ICMP every time but more than one per SYN, or another connection opened meanwhile: icmp, only likely (host-wide counters)', () => {
		expect(verdictOf([repeat(1), repeat(3), repeat(1)])).toEqual({
			answer: 'icmp',
			confidence: 'likely',
		});
		expect(
			verdictOf([
				repeat(1),
				repeat(1, {delta: {icmp: 1, opens: 2, retransmits: 0}}),
				repeat(1),
			]),
		).toEqual({answer: 'icmp', confidence: 'likely'});
	});

	test('no ICMP error at all: reset, confirmed (other traffic can add to the counter, never take from it)', () => {
		expect(verdictOf([repeat(0), repeat(0), repeat(0)])).toEqual({
			answer: 'reset',
			confidence: 'confirmed',
		});
	});

	test('one ICMP among resets: a refusal with none counted was a reset; the ICMP was other traffic: reset, likely', () => {
		expect(verdictOf([repeat(0), repeat(1), repeat(0)])).toEqual({
			answer: 'reset',
			confidence: 'likely',
		});
	});

	test('the answer changed (a timeout), nothing repeated, or a counter missing: unknown', () => {
		expect(verdictOf([repeat(1), repeat(0, {code: 'ETIMEDOUT'})])).toEqual({
			answer: 'unknown',
		});
		expect(verdictOf([])).toEqual({answer: 'unknown'});
		expect(verdictOf([{code: 'ECONNREFUSED', ms: 1, delta: {}}])).toEqual({
			answer: 'unknown',
		});
	});
});

describe('judgeAnswer', () => {
	test('ICMP: the fact for the remote step, the summary in the words of the issue, host-wide said', () => {
		const result = judgeAnswer(
			observations([repeat(1), repeat(1), repeat(1)]),
			input,
		);
		expect(result.status).toBe('passed');
		expect(result.detail).toBe(
			"3 probes, 3 more ICMP destination-unreachable: a firewall's REJECT (icmp-port-unreachable) answered, not a closed port (confirmed)",
		);
		expect(result.facts?.refusal).toMatchObject({
			address: '10.209.1.1',
			answer: 'icmp',
			confidence: 'confirmed',
		});
		expect(result.output?.[0]).toBe(
			'connect 10.209.1.1:7402 #1: ECONNREFUSED in 1 ms; ICMP destination-unreachable +1, connections opened +1, retransmits +0',
		);
		expect(result.output?.at(-1)).toMatch(/other traffic can add to them$/);
	});

	test('reset: says what sends one (a kernel with nothing listening, or a tcp-reset REJECT)', () => {
		const result = judgeAnswer(
			observations([repeat(0), repeat(0), repeat(0)]),
			input,
		);
		expect(result.detail).toBe(
			'3 probes, no ICMP error: a TCP reset came back (the kernel with nothing listening, or a REJECT --reject-with tcp-reset) (confirmed)',
		);
		expect(result.facts?.refusal?.answer).toBe('reset');
	});

	test('unreadable counters: unknown, never a verdict, with the capture to run by hand (quoted)', () => {
		const result = judgeAnswer(
			observations([], '/proc/net/snmp: EACCES'),
			input,
		);
		expect(result.status).toBe('unknown');
		expect(result.facts?.refusal).toMatchObject({answer: 'unknown'});
		expect(result.detail).toBe(
			"the ICMP counters could not be read (/proc/net/snmp: EACCES): a reset and an ICMP port-unreachable cannot be told apart; by hand: sudo tcpdump -ni any 'host 10.209.1.1 and (icmp or icmp6 or tcp[tcpflags] & tcp-rst != 0)'",
		);
	});
});
