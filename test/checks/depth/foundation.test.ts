/**
The foundation steps issue 12 changed, on recorded facts (no I/O is reached): the remote step's
order follows what came back (reset or ICMP), and a local timeout is not "filtered" likely from
the outcome step alone.
*/
import {describe, expect, test} from 'vitest';
import {outcome} from '../../../source/checks/outcome.js';
import {remote} from '../../../source/checks/remote.js';
import type {CheckContext} from '../../../source/checks/types.js';
import type {Facts, RefusalFacts} from '../../../source/tree/facts.js';
import type {Outcome} from '../../../source/tree/types.js';
import {createFakeIo} from '../../helpers/fake-io.js';

const address = '10.209.1.1';

function context(facts: Facts): CheckContext {
	return {
		target: {input: `${address}:7402`, host: address, port: 7402},
		facts,
		answers: {},
		io: createFakeIo(),
		signal: new AbortController().signal,
		timeoutMs: 1000,
		onCommand() {},
		onLine() {},
	};
}

function facts(
	outcomeNow: Outcome,
	isLocal: boolean,
	refusal?: RefusalFacts,
): Facts {
	return {
		probe: {
			outcome: outcomeNow,
			address,
			ms: 3,
			addresses: [
				{
					address,
					family: 4,
					source: 'literal',
					outcome: outcomeNow,
					ms: 3,
					code: outcomeNow === 'timeout' ? 'ETIMEDOUT' : 'ECONNREFUSED',
				},
			],
		},
		local: {
			addresses: isLocal ? [address] : ['127.0.0.1'],
			isLocal,
			localTargets: isLocal ? [address] : [],
			hostname: 'client',
		},
		...(refusal ? {refusal} : {}),
	};
}

const ranked = async (refusal?: RefusalFacts) =>
	(await remote(context(facts('refused', false, refusal)))).findings?.map(f => [
		f.id,
		f.confidence,
	]);

describe('remote: ranked by what came back', () => {
	test('not measured, or a reset: the most common cause first, all possible', async () => {
		const order = [
			['no-listener', 'possible'],
			['loopback-only', 'possible'],
			['firewall-reject', 'possible'],
		];
		expect(await ranked()).toEqual(order);
		expect(
			await ranked({
				address,
				answer: 'reset',
				confidence: 'confirmed',
				evidence: [],
			}),
		).toEqual(order);
		expect(await ranked({address, answer: 'unknown', evidence: ['x']})).toEqual(
			order,
		);
	});

	test('ICMP: firewall-reject first, with the measured confidence; the measurement is in the evidence', async () => {
		const refusal: RefusalFacts = {
			address,
			answer: 'icmp',
			confidence: 'likely',
			evidence: ['3 probes, 3 more ICMP destination-unreachable'],
		};
		expect(await ranked(refusal)).toEqual([
			['firewall-reject', 'likely'],
			['no-listener', 'possible'],
			['loopback-only', 'possible'],
		]);
		const result = await remote(context(facts('refused', false, refusal)));
		expect(result.findings![0]!.evidence).toContain(
			'3 probes, 3 more ICMP destination-unreachable',
		);
	});

	test('ICMP measured on another address than the one dialed first: not used', async () => {
		expect(
			await ranked({
				address: '10.209.1.9',
				answer: 'icmp',
				confidence: 'confirmed',
				evidence: [],
			}),
		).toEqual([
			['no-listener', 'possible'],
			['loopback-only', 'possible'],
			['firewall-reject', 'possible'],
		]);
	});
});

describe('outcome: a timeout', () => {
	test('another host: filtered likely', async () => {
		const result = await outcome(context(facts('timeout', false)));
		expect(result.findings?.map(f => [f.id, f.confidence])).toEqual([
			['filtered', 'likely'],
		]);
	});

	test('this host: only possible (a DROP rule, or a listener that does not accept; the later steps tell)', async () => {
		const result = await outcome(context(facts('timeout', true)));
		expect(result.findings?.map(f => [f.id, f.confidence])).toEqual([
			['filtered', 'possible'],
		]);
		expect(result.detail).toBe(
			`no answer from ${address}:7402: packets are dropped, or the listener does not accept`,
		);
	});
});
