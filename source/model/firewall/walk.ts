/**
The firewall evaluator: which rule decides one TCP SYN to a local address, across iptables
(nf_tables or legacy backend) and native nftables tables, in hook and priority order. Pure.

Every match is three-valued: yes, no, or unknown (a match this evaluator does not understand, or
a field it cannot know, like the client's source port). A rule that matches except for unknown
matches is tried both ways: if both ways end the same, that is the answer; if not, the verdict
is "uncertain" and names the rule. Never a guess.
*/
import {
	describeRef,
	hookOrder,
	type BaseChain,
	type Decision,
	type RuleRef,
	type Step,
} from './rules.js';

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

/** A rule that does not match, or that matches and goes on: the walk passes over it. */
const passes = (step: Step) =>
	step.match === 'no' || step.action.kind === 'continue';

/**
One step of the walk from a position: a decision, or the next position (and the step when its match
is unknown). Rules passed over in a row are one position (not a copy of the stack each), but cost
one step of the budget each, as they did one advance each.
*/
function advance(
	ordered: readonly BaseChain[],
	position: Position,
	budget: {steps: number},
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

	const skippedTo = (index: number): Position => ({
		base,
		stack: [...stack.slice(0, -1), {chain: frame.chain, index}],
		trail,
	});
	if (passes(step)) {
		return {next: skippedTo(passOver(chain.steps, frame.index + 1, budget))};
	}

	const skipped = skippedTo(frame.index + 1);
	const applied = apply(baseChain, position, step);
	if (step.match === 'yes') {
		return 'verdict' in applied ? applied : {next: applied};
	}

	return {next: skipped, fork: {step, applied}};
}

/** The index of the first rule from `index` on that the walk does not pass over (each passed costs a step). */
function passOver(
	steps: readonly Step[],
	index: number,
	budget: {steps: number},
): number {
	let next = index;
	while (budget.steps > 0 && next < steps.length && passes(steps[next]!)) {
		budget.steps--;
		next++;
	}

	return next;
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
export function decide(
	baseChains: readonly BaseChain[],
	/** Steps before giving up as "uncertain" (tests set a small one). */
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

type Fork = {
	readonly step: {readonly ref: RuleRef; readonly because?: string};
	readonly taken: Decision;
	readonly trail: Position['trail'];
};

/** Unknown matches, last first: the same ending either way is an answer; otherwise uncertain, naming the rule. */
function settleForks(forks: readonly Fork[], ending: Decision): Decision {
	let decision = ending;
	for (const fork of forks.toReversed()) {
		decision = sameDecision(fork.taken, decision)
			? decision
			: {
					verdict: 'uncertain',
					by: fork.step.ref,
					because: fork.step.because ?? 'a match could not be decided',
					trail: fork.trail,
				};
	}

	return decision;
}

function outOfSteps(
	ordered: readonly BaseChain[],
	position: Position,
): Decision {
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

/** Taken branches walked inside one another at most this deep (a jump that loops through unknown matches). */
const maxForkDepth = 500;

/** The walk on from a rule taken whose match is unknown (its own walk, one level deeper). */
function takenWay(
	ordered: readonly BaseChain[],
	applied: Position | Decision,
	budget: {steps: number; depth?: number},
): Decision {
	if ('verdict' in applied) {
		return applied;
	}

	const depth = budget.depth ?? 0;
	if (depth >= maxForkDepth) {
		return outOfSteps(ordered, applied);
	}

	budget.depth = depth + 1;
	try {
		return walk(ordered, applied, budget);
	} finally {
		budget.depth = depth;
	}
}

/**
The walk from `start`. A step whose match is unknown is tried both ways: the rule taken (walked
apart) and passed over (this loop goes on), settled at the end: a loop, not a call per rule passed
over, so 10,000 such rules in a row do not exhaust the call stack.
*/
function walk(
	ordered: readonly BaseChain[],
	start: Position,
	budget: {steps: number; depth?: number},
): Decision {
	const forks: Fork[] = [];
	let position = start;
	for (;;) {
		budget.steps--;
		if (budget.steps < 0) {
			return settleForks(forks, outOfSteps(ordered, position));
		}

		const result = advance(ordered, position, budget);
		if ('verdict' in result) {
			return settleForks(forks, result);
		}

		if (result.fork) {
			const {step, applied} = result.fork;
			forks.push({
				step,
				taken: takenWay(ordered, applied, budget),
				trail: position.trail,
			});
		}

		position = result.next;
	}
}
