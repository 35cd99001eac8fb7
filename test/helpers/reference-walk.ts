/**
The firewall walk as it was before rules passed over in a row became one position
(source/model/firewall/walk.ts at 2cff56b, with the step budget as a parameter): the reference
that test/model/firewall/walk-equivalence.test.ts compares the walk with.
*/
import {
	describeRef,
	hookOrder,
	type BaseChain,
	type Decision,
	type RuleRef,
	type Step,
} from '../../source/model/firewall/rules.js';

type Frame = {readonly chain: string; readonly index: number};

type Position = {
	readonly base: number;
	readonly stack: readonly Frame[];
	readonly trail: readonly string[];
};

function sameDecision(a: Decision, b: Decision): boolean {
	if (a.verdict !== b.verdict) {
		return false;
	}

	if (a.verdict === 'accept') {
		return true;
	}

	return (
		describeRef(a.by) ===
		describeRef((b as Exclude<Decision, {verdict: 'accept'}>).by)
	);
}

function label(ref: RuleRef): string {
	return ref.source === 'nft'
		? `${ref.table} ${ref.chain} handle ${ref.handle ?? '?'}`
		: `${ref.source} ${ref.table} ${ref.chain} rule ${ref.number ?? '?'}`;
}

/** One step of the walk from a position: a decision, or the next position (and the step when its match is unknown). */
function advance(
	ordered: readonly BaseChain[],
	position: Position,
):
	| Decision
	| {
			readonly next: Position;
			readonly fork?: {
				readonly step: Step;
				readonly applied: Decision | Position;
			};
	  } {
	const {base, stack, trail} = position;
	const baseChain = ordered[base];
	if (!baseChain) {
		return {verdict: 'accept', trail};
	}

	const frame = stack.at(-1);
	if (!frame) {
		return {next: {base, stack: [{chain: baseChain.chain, index: 0}], trail}};
	}

	const chain = baseChain.chains.get(frame.chain);
	const step = chain?.steps[frame.index];
	if (!step) {
		// End of the chain: back to the caller, or the base chain's policy.
		if (stack.length > 1) {
			return {next: {base, stack: returnFrom(stack), trail}};
		}

		const policy = baseChain.chains.get(baseChain.chain)?.policy;
		if (policy?.verdict === 'drop') {
			return {verdict: 'drop', by: policy.ref, trail};
		}

		const name =
			baseChain.source === 'nft' ? `nft ${baseChain.family}` : baseChain.source;
		return {
			next: {
				base: base + 1,
				stack: [],
				trail: [
					...trail,
					`${name} ${baseChain.table} ${baseChain.chain}: policy accept`,
				],
			},
		};
	}

	const skipped: Position = {
		base,
		stack: [
			...stack.slice(0, -1),
			{chain: frame.chain, index: frame.index + 1},
		],
		trail,
	};
	if (step.match === 'no' || step.action.kind === 'continue') {
		return {next: skipped};
	}

	const applied = apply(baseChain, position, step);
	if (step.match === 'yes') {
		return 'verdict' in applied ? applied : {next: applied};
	}

	return {next: skipped, fork: {step, applied}};
}

/** Leave the current chain: back to the caller's next rule. */
function returnFrom(stack: readonly Frame[]): Frame[] {
	const callers = stack.slice(0, -1);
	const caller = callers.at(-1);
	return caller
		? [...callers.slice(0, -1), {chain: caller.chain, index: caller.index + 1}]
		: [];
}

/** What a matching step does. */
function apply(
	baseChain: BaseChain,
	position: Position,
	step: Step,
): Decision | Position {
	const {base, stack, trail} = position;
	const {action} = step;
	switch (action.kind) {
		case 'accept': {
			return {
				base: base + 1,
				stack: [],
				trail: [...trail, `${label(step.ref)}: accept`],
			};
		}

		case 'drop': {
			return {verdict: 'drop', by: step.ref, trail};
		}

		case 'reject': {
			return {
				verdict: 'reject',
				by: step.ref,
				rejectWith: action.rejectWith,
				clientSees: action.clientSees,
				trail,
			};
		}

		case 'return': {
			// RETURN in a base chain goes to its policy.
			return stack.length > 1
				? {base, stack: returnFrom(stack), trail}
				: {
						base,
						stack: [{chain: baseChain.chain, index: Number.MAX_SAFE_INTEGER}],
						trail,
					};
		}

		case 'jump':
		case 'goto': {
			if (!baseChain.chains.has(action.chain)) {
				return {
					verdict: 'uncertain',
					by: step.ref,
					because: `${action.kind} to chain ${action.chain}, which is not in the ruleset`,
					trail,
				};
			}

			const entered = [
				...trail,
				`${label(step.ref)}: ${action.kind} ${action.chain}`,
			];
			const frame = {chain: action.chain, index: 0};
			return {
				base,
				stack:
					action.kind === 'jump'
						? [...stack, frame]
						: [...stack.slice(0, -1), frame],
				trail: entered,
			};
		}

		case 'continue': {
			return position;
		}

		case 'nat': {
			return {
				verdict: 'nat',
				by: step.ref,
				to: action.to,
				base: {hook: baseChain.hook, priority: baseChain.priority},
				trail,
			};
		}

		case 'unknown': {
			return {
				verdict: 'uncertain',
				by: step.ref,
				because: `${action.text}: not followed`,
				trail,
			};
		}
	}
}

/**
Walk the base chains in hook and priority order: the first drop or reject decides; an accept ends
its base chain only (the next one still sees the packet); the policy ends a base chain when no
rule decided. A step whose match is unknown is tried both ways.
*/
export function referenceDecide(
	baseChains: readonly BaseChain[],
	steps = 200_000,
): Decision {
	const ordered = baseChains.toSorted(
		(a, b) =>
			hookOrder.indexOf(a.hook) - hookOrder.indexOf(b.hook) ||
			a.priority - b.priority,
	);
	const budget = {steps};
	return walk(ordered, {base: 0, stack: [], trail: []}, budget);
}

function walk(
	ordered: readonly BaseChain[],
	start: Position,
	budget: {steps: number},
): Decision {
	let position = start;
	for (;;) {
		budget.steps--;
		if (budget.steps < 0) {
			const baseChain = ordered[position.base];
			return {
				verdict: 'uncertain',
				by: {
					source: baseChain?.source ?? 'nft',
					family: baseChain?.family ?? '',
					table: baseChain?.table ?? '',
					chain: position.stack.at(-1)?.chain ?? '',
					text: '(too many rules whose match cannot be decided)',
				},
				because: 'too many rules whose match cannot be decided',
				trail: position.trail,
			};
		}

		const result = advance(ordered, position);
		if ('verdict' in result) {
			return result;
		}

		if (result.fork) {
			// Unknown match: the same ending either way is an answer; otherwise uncertain, naming the rule.
			const {step, applied} = result.fork;
			const taken =
				'verdict' in applied ? applied : walk(ordered, applied, budget);
			const skipped = walk(ordered, result.next, budget);
			return sameDecision(taken, skipped)
				? skipped
				: {
						verdict: 'uncertain',
						by: step.ref,
						because: step.because ?? 'a match could not be decided',
						trail: position.trail,
					};
		}

		position = result.next;
	}
}
