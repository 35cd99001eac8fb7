import {describe, expect, test} from 'vitest';
import {
	factsOf,
	plan,
	reduce,
	startSession,
} from '../../source/engine/session.js';
import {rankFindings} from '../../source/engine/rank.js';
import {causes} from '../../source/tree/causes.js';
import type {CheckResult, QuestionNode, Tree} from '../../source/tree/types.js';
import {finish, node, target} from '../helpers/nodes.js';

const question: QuestionNode = {
	kind: 'question',
	key: 'container',
	prompt: 'In a container?',
	why: 'because',
	help: 'container=yes|no',
	choices: [
		{value: 'yes', label: 'Yes'},
		{value: 'no', label: 'No'},
	],
	after: ['a'],
	when: facts => facts.probe?.outcome === 'refused',
	auto: facts =>
		facts.environment?.inContainer.value
			? {value: 'yes', evidence: '/.dockerenv exists'}
			: undefined,
};

const tree: Tree = {
	checks: [
		node('a'),
		node('b', ['a']),
		node('c', ['a'], {
			uses: ['container'],
			when: (_facts, answers) =>
				answers.container === 'yes' ? true : 'not in a container',
		}),
		node('d', ['c']),
	],
	questions: [question],
	causes,
};

const refused: CheckResult = {
	status: 'problem',
	detail: 'refused',
	facts: {
		probe: {outcome: 'refused', address: '127.0.0.1', ms: 1, addresses: []},
	},
};

describe('engine', () => {
	test('starts with the checks that have no prerequisites', () => {
		const session = startSession(tree, target, {interactive: true});
		expect(plan(session).start.map(n => n.id)).toEqual(['a']);
		expect(plan(session).done).toBe(false);
	});

	test('a question is asked only after its checks, when relevant and not answerable automatically', () => {
		let session = startSession(tree, target, {interactive: true});
		session = finish(session, 'a', refused);
		const next = plan(session);
		expect(next.ask?.key).toBe('container');
		expect(next.start.map(n => n.id)).toEqual(['b']);
		session = reduce(session, {
			type: 'answered',
			key: 'container',
			value: 'yes',
		});
		expect(plan(session).ask).toBeUndefined();
		expect(plan(session).start.map(n => n.id)).toEqual(['b', 'c']);
	});

	test('a question the facts answer is answered automatically, with the evidence', () => {
		let session = startSession(tree, target, {interactive: true});
		session = finish(session, 'a', {
			...refused,
			facts: {
				...refused.facts,
				environment: {
					platform: 'linux',
					isRoot: true,
					systemd: false,
					inContainer: {value: true, evidence: 'e'},
				},
			},
		});
		expect(plan(session).ask).toBeUndefined();
		expect(session.answers.container).toEqual({
			value: 'yes',
			by: 'auto',
			evidence: '/.dockerenv exists',
		});
	});

	test('non-interactive sessions record the question as unanswered and skip what needs it', () => {
		let session = startSession(tree, target, {interactive: false});
		session = finish(session, 'a', refused);
		expect(session.answers.container).toEqual({
			value: undefined,
			by: 'unanswered',
		});
		expect(session.steps['c']?.result).toEqual({
			status: 'skipped',
			detail: 'not in a container',
		});
		expect(plan(session).start.map(n => n.id)).toEqual(['b', 'd']);
	});

	test('--answer presets answer ahead of time', () => {
		let session = startSession(tree, target, {
			interactive: false,
			answers: {container: 'yes'},
		});
		session = finish(session, 'a', refused);
		expect(session.answers.container).toEqual({value: 'yes', by: 'flag'});
		expect(plan(session).start.map(n => n.id)).toEqual(['b', 'c']);
	});

	test('back undoes the last answer and the checks that used it; the walk recomputes', () => {
		let session = startSession(tree, target, {interactive: true});
		session = finish(session, 'a', refused);
		session = reduce(session, {
			type: 'answered',
			key: 'container',
			value: 'no',
		});
		expect(session.steps['c']?.result?.status).toBe('skipped');
		session = finish(session, 'd', {status: 'passed', detail: 'ok'});
		session = reduce(session, {type: 'back'});
		expect(session.steps['c']).toBeUndefined();
		expect(session.steps['d']).toBeUndefined();
		expect(session.steps['a']).toBeDefined();
		expect(plan(session).ask?.key).toBe('container');
		session = reduce(session, {
			type: 'answered',
			key: 'container',
			value: 'yes',
		});
		expect(plan(session).start.map(n => n.id)).toContain('c');
	});

	test("rerun starts over, keeps the user's answers and ignores results of the old run", () => {
		let session = startSession(tree, target, {interactive: true});
		session = reduce(session, {type: 'started', id: 'a', generation: 0});
		session = reduce(session, {type: 'rerun'});
		session = reduce(session, {
			type: 'finished',
			id: 'a',
			result: refused,
			generation: 0,
		});
		expect(session.steps['a']).toBeUndefined();
		expect(plan(session).start.map(n => n.id)).toEqual(['a']);
		session = finish(session, 'a', refused);
		session = reduce(session, {
			type: 'answered',
			key: 'container',
			value: 'yes',
		});
		session = reduce(session, {type: 'rerun'});
		expect(session.answers.container?.value).toBe('yes');
	});

	test('running steps keep the last five output lines', () => {
		let session = startSession(tree, target, {interactive: true});
		session = reduce(session, {type: 'started', id: 'a', generation: 0});
		for (let i = 1; i <= 7; i++) {
			session = reduce(session, {
				type: 'line',
				id: 'a',
				line: `line ${i}`,
				generation: 0,
			});
		}

		expect(session.steps['a']?.lines).toEqual([
			'line 3',
			'line 4',
			'line 5',
			'line 6',
			'line 7',
		]);
	});

	test('facts merge in tree order', () => {
		let session = startSession(tree, target, {interactive: false});
		session = finish(session, 'a', refused);
		expect(factsOf(session).probe?.outcome).toBe('refused');
		expect(factsOf(session).target).toEqual(target);
	});

	test("findings rank by confidence, then by the check's own order; one id merges evidence", () => {
		let session = startSession(tree, target, {interactive: false});
		session = finish(session, 'a', {
			...refused,
			findings: [
				{
					id: 'no-listener',
					confidence: 'likely',
					summary: 's1',
					evidence: ['e1'],
					fixes: [{command: 'x', why: 'y'}],
				},
				{
					id: 'wrong-port',
					confidence: 'possible',
					summary: 's2',
					evidence: [],
					fixes: [],
				},
			],
		});
		session = finish(session, 'b', {
			status: 'problem',
			detail: 'd',
			findings: [
				{
					id: 'no-listener',
					confidence: 'confirmed',
					summary: 's3',
					evidence: ['e2'],
					fixes: [{command: 'z', why: 'y'}],
				},
				{
					id: 'firewall-reject',
					confidence: 'confirmed',
					summary: 's4',
					evidence: [],
					fixes: [],
				},
			],
		});
		const ranked = rankFindings(session);
		// Check b listed no-listener before firewall-reject, both confirmed: its order stands.
		expect(ranked.map(f => [f.id, f.confidence])).toEqual([
			['no-listener', 'confirmed'],
			['firewall-reject', 'confirmed'],
			['wrong-port', 'possible'],
		]);
		expect(ranked[0]?.summary).toBe('s3');
		expect(ranked[0]?.evidence).toEqual(['e2', 'e1']);
		expect(ranked[0]?.fixes.map(f => f.command)).toEqual(['z', 'x']);
	});

	test('between findings of equal confidence, the later (closer) check speaks first', () => {
		let session = startSession(tree, target, {interactive: false});
		session = finish(session, 'a', {
			...refused,
			findings: [
				{
					id: 'address-family-mismatch',
					confidence: 'confirmed',
					summary: 'from the probes',
					evidence: ['p'],
					fixes: [{command: 'client', why: 'w'}],
				},
			],
		});
		session = finish(session, 'b', {
			status: 'problem',
			detail: 'd',
			findings: [
				{
					id: 'address-family-mismatch',
					confidence: 'confirmed',
					summary: 'from the listener',
					evidence: ['l'],
					fixes: [{command: 'server', why: 'w'}],
				},
			],
		});
		const [finding] = rankFindings(session);
		expect(finding?.summary).toBe('from the listener');
		expect(finding?.evidence).toEqual(['l', 'p']);
		expect(finding?.fixes.map(f => f.command)).toEqual(['server', 'client']);
	});
});
