/**
The one driver and the ranking rules, on small trees with in-memory step implementations (no Io:
the engine knows none). Each test can fail: it asserts the exact step results and order.
*/
import {describe, expect, test, vi} from 'vitest';
import {
	createDriver,
	drive,
	enforcedLimitMs,
	undeclared,
	type StepRun,
} from '../../source/engine/driver.js';
import {rankFindings} from '../../source/engine/rank.js';
import {
	reduce,
	startSession,
	type EngineEvent,
	type Session,
} from '../../source/engine/session.js';
import {causes} from '../../source/tree/causes.js';
import type {
	CheckResult,
	Finding,
	Outcome,
	Tree,
} from '../../source/tree/types.js';
import {node, target} from '../helpers/nodes.js';

const finding = (
	id: Finding['id'],
	confidence: Finding['confidence'],
): Finding => ({id, confidence, summary: id, evidence: [], fixes: []});

const probeResult = (outcome: Outcome): CheckResult => ({
	status: 'passed',
	detail: outcome,
	facts: {probe: {outcome, address: '10.0.0.5', ms: 1, addresses: []}},
});

/** A tree whose check "probe" writes the probe, and "remote"/"bind"/"firewall" conclude. */
const tree: Tree = {
	checks: [
		node('probe', [], {writes: ['probe']}),
		node('remote', ['probe'], {writes: []}),
		node('bind', ['probe'], {writes: []}),
		node('firewall', ['probe'], {writes: ['firewall']}),
	],
	questions: [],
	causes,
};

/** "firewall" awaits "probe": it starts at once, and its judge waits for the probe. */
const awaiting: Tree = {
	...tree,
	checks: [
		node('probe', [], {writes: ['probe']}),
		node('firewall', [], {writes: [], awaits: ['probe']}),
	],
};

const done =
	(result: CheckResult): StepRun =>
	async () =>
		result;

async function walk(
	runs: Record<string, StepRun>,
	timeoutMs = 1000,
): Promise<Session> {
	return drive(startSession(tree, target, {interactive: false}), {
		runs,
		timeoutMs,
	});
}

const problem = (...findings: Finding[]): CheckResult => ({
	status: 'problem',
	detail: 'found',
	findings,
});

describe('the driver', () => {
	test('runs every check the plan names, in dependency order, to the end', async () => {
		const started: string[] = [];
		const run =
			(id: string, result: CheckResult): StepRun =>
			async () => {
				started.push(id);
				return result;
			};

		const session = await walk({
			probe: run('probe', probeResult('refused')),
			remote: run('remote', {status: 'passed', detail: 'ok'}),
			bind: run('bind', {status: 'passed', detail: 'ok'}),
			firewall: run('firewall', {status: 'passed', detail: 'ok'}),
		});
		expect(started[0]).toBe('probe');
		expect(started.toSorted()).toEqual(['bind', 'firewall', 'probe', 'remote']);
		expect(
			Object.values(session.steps).map(step => [step.id, step.state]),
		).toEqual([
			['probe', 'done'],
			['remote', 'done'],
			['bind', 'done'],
			['firewall', 'done'],
		]);
	});

	test('a throw, a missing implementation: unknown with the reason', async () => {
		const session = await walk({
			probe: done(probeResult('refused')),
			async remote() {
				throw new Error('ss crashed');
			},
			bind: done({status: 'passed', detail: 'ok'}),
		});
		expect(session.steps['remote']?.result).toEqual({
			status: 'unknown',
			detail: 'could not tell: ss crashed',
		});
		expect(session.steps['firewall']?.result).toEqual({
			status: 'unknown',
			detail: 'could not tell: no implementation for check firewall',
		});
	});

	test('a finding of a cause the check does not declare makes the step unknown', async () => {
		const session = await walk({
			probe: done(probeResult('refused')),
			// The registry lets "firewall" conclude firewall-reject, filtered and no-listener (NAT), not wrong-port.
			firewall: done(problem(finding('wrong-port', 'confirmed'))),
			remote: done({status: 'passed', detail: 'ok'}),
			bind: done(problem(finding('no-listener', 'confirmed'))),
		});
		expect(session.steps['firewall']?.result?.status).toBe('unknown');
		expect(session.steps['firewall']?.result?.detail).toBe(
			'could not tell: check firewall concluded "wrong-port", which the cause registry does not let it conclude (tree/causes.ts concludedBy)',
		);
		expect(session.steps['bind']?.result?.status).toBe('problem');
	});

	test('a fact the check does not declare it writes makes the step unknown', () => {
		const result: CheckResult = {
			status: 'passed',
			detail: 'ok',
			facts: {listeners: {source: 'ss', command: 'ss', listeners: []}},
		} as unknown as CheckResult;
		expect(undeclared(tree.checks[3]!, result, causes)).toBe(
			'check firewall wrote facts it does not declare: listeners',
		);
		expect(
			undeclared(tree.checks[3]!, {status: 'passed', detail: 'ok'}, causes),
		).toBeUndefined();
	});

	test('a check that outruns its enforced limit is aborted and ends unknown', async () => {
		vi.useFakeTimers();
		try {
			let aborted = false;
			const walking = drive(
				startSession({...tree, checks: [tree.checks[0]!]}, target, {
					interactive: false,
				}),
				{
					timeoutMs: 1000,
					runs: {
						async probe({signal}) {
							return new Promise(() => {
								signal.addEventListener('abort', () => {
									aborted = true;
								});
							});
						},
					},
				},
			);
			await vi.advanceTimersByTimeAsync(enforcedLimitMs(tree.checks[0]!, 1000));
			const session = await walking;
			expect(aborted).toBe(true);
			expect(session.steps['probe']?.result).toEqual({
				status: 'unknown',
				detail: 'could not tell: did not finish within 11 s',
			});
		} finally {
			vi.useRealTimers();
		}
	});

	test('the enforced limit is the node part plus the probe timeout plus room for commands', () => {
		expect(enforcedLimitMs(node('x', [], {timeoutMs: 2000}), 3000)).toBe(
			15_000,
		);
	});

	test('a check that awaits another starts beside it, and its judge reads the facts once that one is done', async () => {
		// "firewall" awaits "probe": it starts at once (its commands run while the probe is out)
		// and `settled()` resolves only when the probe is done, with the probe's facts.
		const order: string[] = [];
		let release: (() => void) | undefined;
		const session = await drive(
			startSession(awaiting, target, {interactive: false}),
			{
				timeoutMs: 1000,
				runs: {
					async probe() {
						order.push('probe started');
						await new Promise<void>(resolve => {
							release = resolve;
						});
						order.push('probe finished');
						return probeResult('refused');
					},
					async firewall({facts, settled}) {
						order.push(
							`firewall measured (probe known: ${Boolean(facts.probe)})`,
						);
						release?.();
						const later = await settled();
						order.push(`firewall judged (probe: ${later.probe?.outcome})`);
						return {status: 'passed', detail: 'ok'};
					},
				},
			},
		);
		expect(order).toEqual([
			'probe started',
			'firewall measured (probe known: false)',
			'probe finished',
			'firewall judged (probe: refused)',
		]);
		expect(session.steps['firewall']?.result?.status).toBe('passed');
	});

	test('a check waiting for what it awaits is stopped with the rest (unknown, not hung)', async () => {
		const controller = new AbortController();
		const session = await drive(
			startSession(awaiting, target, {interactive: false}),
			{
				timeoutMs: 1000,
				signal: controller.signal,
				runs: {
					async probe({signal}) {
						return new Promise(resolve => {
							signal.addEventListener('abort', () => {
								resolve({status: 'unknown', detail: 'aborted'});
							});
						});
					},
					async firewall({settled}) {
						controller.abort();
						await settled();
						return {status: 'passed', detail: 'ok'};
					},
				},
			},
		);
		expect(session.steps['firewall']?.result).toEqual({
			status: 'unknown',
			detail: 'could not tell: stopped',
		});
	});

	test('sync aborts the launches of an older generation and drops their events', async () => {
		const driver = createDriver({
			timeoutMs: 1000,
			runs: {
				async probe({signal}) {
					return new Promise(resolve => {
						signal.addEventListener('abort', () => {
							resolve({status: 'unknown', detail: 'aborted'});
						});
					});
				},
			},
		});
		let session = startSession({...tree, checks: [tree.checks[0]!]}, target, {
			interactive: false,
		});
		const events: EngineEvent[] = [];
		const dispatch = (event: EngineEvent) => {
			events.push(event);
			session = reduce(session, event);
		};

		driver.sync(session, dispatch);
		const [first] = driver.pending();
		session = reduce(session, {type: 'rerun'});
		driver.sync(session, dispatch);
		await first;
		expect(
			events.map(e => [e.type, 'generation' in e && e.generation]),
		).toEqual([
			['started', 0],
			['started', 1],
		]);
		driver.stop();
	});
});

describe('ranking', () => {
	const ranked = async (
		outcome: Outcome,
		results: Record<string, CheckResult>,
	) => {
		const session = await walk({
			probe: done(probeResult(outcome)),
			remote: done(results['remote'] ?? {status: 'passed', detail: 'ok'}),
			bind: done(results['bind'] ?? {status: 'passed', detail: 'ok'}),
			firewall: done(results['firewall'] ?? {status: 'passed', detail: 'ok'}),
		});
		return rankFindings(session).map(f => [f.id, f.confidence]);
	};

	test('between equal confidences from different checks: the base rate (no-listener first)', async () => {
		expect(
			await ranked('refused', {
				firewall: problem(finding('firewall-reject', 'possible')),
				bind: problem(finding('loopback-only', 'possible')),
				remote: problem(finding('no-listener', 'possible')),
			}),
		).toEqual([
			['no-listener', 'possible'],
			['loopback-only', 'possible'],
			['firewall-reject', 'possible'],
		]);
	});

	test('within one check, its own order beats the base rate', async () => {
		expect(
			await ranked('refused', {
				remote: problem(
					finding('firewall-reject', 'likely'),
					finding('no-listener', 'likely'),
				),
			}),
		).toEqual([
			['firewall-reject', 'likely'],
			['no-listener', 'likely'],
		]);
	});

	test('a cause that refines another leads it between equal confidences', async () => {
		const session = await drive(
			startSession(
				{
					...tree,
					checks: [
						...tree.checks,
						node('service-state', ['probe'], {writes: []}),
					],
				},
				target,
				{interactive: false},
			),
			{
				timeoutMs: 1000,
				runs: {
					probe: done(probeResult('refused')),
					bind: done(problem(finding('no-listener', 'likely'))),
					'service-state': done(problem(finding('service-failed', 'likely'))),
				},
			},
		);
		expect(rankFindings(session).map(f => f.id)).toEqual([
			'service-failed',
			'no-listener',
		]);
	});

	test('confidence still comes first', async () => {
		expect(
			await ranked('refused', {
				remote: problem(finding('no-listener', 'possible')),
				firewall: problem(finding('firewall-reject', 'confirmed')),
			}),
		).toEqual([
			['firewall-reject', 'confirmed'],
			['no-listener', 'possible'],
		]);
	});

	test('a cause whose story contradicts the probe never leads, and is at most possible', async () => {
		// Every probe timed out: "the kernel answers with a reset" cannot be the story.
		expect(
			await ranked('timeout', {
				bind: problem(finding('no-listener', 'confirmed')),
				firewall: problem(finding('filtered', 'likely')),
			}),
		).toEqual([
			['filtered', 'likely'],
			['no-listener', 'possible'],
		]);
		// Refused: a DROP story (filtered) does not fit.
		expect(
			await ranked('refused', {
				firewall: problem(finding('filtered', 'confirmed')),
				remote: problem(finding('no-listener', 'possible')),
			}),
		).toEqual([
			['no-listener', 'possible'],
			['filtered', 'possible'],
		]);
	});
});
