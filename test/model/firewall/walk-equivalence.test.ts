/**
The walk passes over a run of rules that do not match (or match and go on) as one position, each
still costing one step of the budget. Pinned here: on random base chains (every match and action,
jumps and gotos to real, missing and enclosing chains, loops) and random budgets (so that the
budget runs out anywhere, also in the middle of a run), the decision is the one of the walk before
(test/helpers/reference-walk.ts). Budgets stay small: the walk before recursed once per rule with an
unknown match, deeper than the stack with the default budget; this one loops (last tests).
*/
import fc from 'fast-check';
import {expect, test} from 'vitest';
import {
	decide,
	type BaseChain,
	type Hook,
} from '../../../source/model/firewall/index.js';
import type {
	Action,
	Chain,
	Step,
	Tri,
} from '../../../source/model/firewall/rules.js';
import {referenceDecide} from '../../helpers/reference-walk.js';
import {runs, seed} from '../../helpers/fuzz.js';

const names = ['INPUT', 'a', 'b', 'c'];

const action: fc.Arbitrary<Action> = fc.oneof(
	{weight: 6, arbitrary: fc.constant<Action>({kind: 'continue'})},
	fc.constant<Action>({kind: 'accept'}),
	fc.constant<Action>({kind: 'drop'}),
	fc.constant<Action>({
		kind: 'reject',
		rejectWith: 'tcp-reset',
		clientSees: 'refused',
	}),
	fc.constant<Action>({kind: 'return'}),
	fc.constant<Action>({kind: 'unknown', text: '-j QUEUE'}),
	fc.constant<Action>({kind: 'nat', to: {kind: 'redirect', port: 8080}}),
	fc
		.tuple(
			fc.constantFrom('jump' as const, 'goto' as const),
			fc.constantFrom(...names, 'missing'),
		)
		.map(([kind, chain]): Action => ({kind, chain})),
);

const match: fc.Arbitrary<Tri> = fc.oneof(
	{weight: 8, arbitrary: fc.constant<Tri>('no')},
	fc.constant<Tri>('yes'),
	fc.constant<Tri>('unknown'),
);

function chainOf(
	table: string,
	name: string,
	list: ReadonlyArray<[Tri, Action]>,
	policy: 'accept' | 'drop' | undefined,
): Chain {
	const where = {source: 'iptables', family: 'ip', table, chain: name} as const;
	const steps = list.map(([tri, act], index): Step => ({
		ref: {...where, number: index + 1, text: `rule ${index + 1}`},
		match: tri,
		...(tri === 'unknown' ? {because: `unknown ${index + 1}`} : {}),
		action: act,
	}));
	return {
		name,
		steps,
		...(policy && name === 'INPUT'
			? {
					policy: {
						verdict: policy,
						ref: {...where, policy: true, text: policy.toUpperCase()},
					},
				}
			: {}),
	};
}

const baseChain: fc.Arbitrary<BaseChain> = fc
	.record({
		table: fc.constantFrom('raw', 'filter', 'nat'),
		hook: fc.constantFrom<Hook>('output', 'prerouting', 'input'),
		priority: fc.integer({min: -300, max: 100}),
		policy: fc.constantFrom('accept' as const, 'drop' as const),
		chains: fc.tuple(
			...names.map(() => fc.array(fc.tuple(match, action), {maxLength: 12})),
		),
	})
	.map(({table, hook, priority, policy, chains}) => ({
		source: 'iptables',
		family: 'ip',
		table,
		chain: 'INPUT',
		hook,
		priority,
		chains: new Map(
			names.map((name, index) => [
				name,
				chainOf(table, name, chains[index]!, policy),
			]),
		),
	}));

test(`property: the same decision as the walk before, whatever the budget (${runs} cases, seed ${seed})`, () => {
	fc.assert(
		fc.property(
			fc.array(baseChain, {minLength: 1, maxLength: 3}),
			fc.integer({min: 0, max: 300}),
			(bases, budget) => {
				expect(decide(bases, budget)).toEqual(referenceDecide(bases, budget));
			},
		),
		{numRuns: runs, seed},
	);
});

/** Filter INPUT holding `list` (and a chain "a" that jumps to itself through an unknown match). */
const inputChain = (
	list: ReadonlyArray<[Tri, Action]>,
	policy: 'accept' | 'drop' = 'accept',
): BaseChain => ({
	source: 'iptables',
	family: 'ip',
	table: 'filter',
	chain: 'INPUT',
	hook: 'input',
	priority: 0,
	chains: new Map([
		['INPUT', chainOf('filter', 'INPUT', list, policy)],
		[
			'a',
			chainOf(
				'filter',
				'a',
				[['unknown', {kind: 'jump', chain: 'a'}]],
				undefined,
			),
		],
	]),
});

test('a long run of rules that do not match, cut by the budget in its middle', () => {
	const list = Array.from({length: 1000}, (): [Tri, Action] => [
		'no',
		{kind: 'drop'},
	]);
	const base = inputChain(list, 'drop');
	for (const budget of [0, 1, 2, 500, 1000, 1001, 1002, 1003, 200_000]) {
		expect(decide([base], budget)).toEqual(referenceDecide([base], budget));
	}
});

/** INPUT: 10,000 rules in a row whose match is unknown, each with `action`. */
const unknownInRow = (action: Action) =>
	inputChain(
		Array.from({length: 10_000}, (): [Tri, Action] => ['unknown', action]),
	);

test('10,000 rules in a row whose match is unknown: an answer with the default budget, not a stack overflow', () => {
	const drops = unknownInRow({kind: 'drop'});
	// Taken: drop; passed over: the accept policy. Not the same ending: uncertain, naming the first.
	expect(decide([drops])).toMatchObject({
		verdict: 'uncertain',
		by: {number: 1},
		because: 'unknown 1',
	});
	// Agreeing endings either way: the answer itself.
	const accepts = unknownInRow({kind: 'accept'});
	expect(decide([accepts])).toMatchObject({verdict: 'accept'});
});

test('a chain that jumps to itself through an unknown match: uncertain with the default budget, not a stack overflow', () => {
	const looping = inputChain([['yes', {kind: 'jump', chain: 'a'}]]);
	expect(decide([looping])).toMatchObject({verdict: 'uncertain'});
});
