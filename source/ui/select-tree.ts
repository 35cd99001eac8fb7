/**
Selectors: project the engine session onto the generic tree (tree-rows.ts) through the shape data
(tree/shape.ts). The trunk is the path every walk takes; each branch is one line when it was ruled
out (saying why) and opens on the steps that ran when it was taken. Steps that did not apply inside
a taken branch cost no line.
*/
import {enforcedLimitMs} from '../engine/driver.js';
import {plan, type Session, type StepState} from '../engine/session.js';
import {
	shape as defaultShape,
	unplacedChecks,
	type Branch,
	type BranchItem,
	type TreeShape,
} from '../tree/shape.js';
import type {CheckNode, QuestionNode} from '../tree/types.js';
import type {TreeMark, TreeNode} from './tree-rows.js';

/**
The time limit the driver really enforces for a check.
TODO(core): replace the body with engine's `enforcedLimitMs(node, timeoutMs)` when it lands.
*/
/** The time limit the driver enforces (shown as the step's limit). */
export const limitMs = enforcedLimitMs;

export const seconds = (ms: number) =>
	ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;

export type TreeContext = {
	readonly session: Session;
	readonly timeoutMs: number;
	/** When each running step started (ms), and the current time, for elapsed times. */
	readonly startedAt: Readonly<Record<string, number>>;
	readonly now: number;
	/** The highlighted choice of the question being asked. */
	readonly choice: number;
	/** Steps whose result was kept from the last run (their inputs did not change). */
	readonly kept?: readonly string[];
	readonly shape?: TreeShape;
	/** Nodes the UI adds under a taken branch, by branch id (the "look at the server over SSH?" fork). */
	readonly extras?: Readonly<Record<string, readonly TreeNode[]>>;
};

export const checkKey = (id: string) => `check:${id}`;
export const questionKey = (key: string) => `question:${key}`;
export const branchKey = (id: string) => `branch:${id}`;

const answeredBy: Readonly<Record<string, string>> = {
	flag: 'given with --answer',
	user: 'your answer',
	auto: 'found by the tool',
	unanswered: 'not answered',
};

function checkNodeOf(
	context: TreeContext,
	node: CheckNode,
	label: string,
): TreeNode {
	const step: StepState | undefined = context.session.steps[node.id];
	const key = checkKey(node.id);
	if (!step) {
		return {key, mark: 'waiting', label, verdict: 'waiting'};
	}

	if (step.state === 'running') {
		const started = context.startedAt[node.id] ?? context.now;
		const elapsed = Math.max(0, context.now - started);
		return {
			key,
			mark: 'running',
			label,
			verdict: `${seconds(elapsed)} of ${seconds(limitMs(node, context.timeoutMs))} limit: ${node.title}`,
		};
	}

	const result = step.result!;
	const kept = context.kept?.includes(node.id)
		? 'kept from the last run: '
		: '';
	return {key, mark: result.status, label, verdict: kept + result.detail};
}

function questionNodeOf(
	context: TreeContext,
	question: QuestionNode,
): TreeNode | undefined {
	const key = questionKey(question.key);
	const record = context.session.answers[question.key];
	if (record) {
		const label =
			question.choices.find(choice => choice.value === record.value)?.label ??
			record.value ??
			'(none)';
		return {
			key,
			mark: record.by === 'unanswered' ? 'unknown' : 'answer',
			label: `${question.key}?`,
			verdict: `${label} (${answeredBy[record.by] ?? record.by}): ${question.prompt}`,
		};
	}

	if (plan(context.session).ask?.key === question.key) {
		return {
			key,
			mark: 'ask',
			label: `${question.key}?`,
			verdict: question.prompt,
			note: `Why I ask: ${question.why}`,
			choices: question.choices.map(choice => choice.label),
			chosen: context.choice,
		};
	}

	return undefined;
}

type ItemView = {
	readonly node: TreeNode | undefined;
	readonly status: 'skipped' | 'passed' | 'active' | 'waiting';
	/** The reason it was skipped, or the verdict of a step that passed. */
	readonly detail?: string;
};

function itemView(context: TreeContext, item: BranchItem): ItemView {
	const {session} = context;
	if (item.kind === 'question') {
		const question = session.tree.questions.find(q => q.key === item.key);
		const node = question ? questionNodeOf(context, question) : undefined;
		if (!node) {
			return {node, status: 'skipped', detail: 'not asked'};
		}

		const record = session.answers[item.key];
		const settled = record?.by === 'auto' || record?.by === 'unanswered';
		return {node, status: settled ? 'passed' : 'active'};
	}

	const check = session.tree.checks.find(node => node.id === item.id);
	if (!check) {
		return {node: undefined, status: 'skipped'};
	}

	const node = checkNodeOf(context, check, check.id);
	const result = session.steps[check.id]?.result;
	if (node.mark === 'waiting') {
		return {node, status: 'waiting'};
	}

	if (result?.status === 'skipped') {
		return {node, status: 'skipped', detail: result.detail};
	}

	if (result?.status === 'passed') {
		return {node, status: 'passed', detail: result.detail};
	}

	return {node, status: 'active'};
}

const severity: Readonly<Record<string, number>> = {
	problem: 5,
	unknown: 4,
	ask: 3,
	running: 2,
	waiting: 1,
	passed: 0,
	answer: 0,
	skipped: -1,
};

function worst(nodes: readonly TreeNode[]): TreeMark {
	let mark: TreeMark = 'passed';
	for (const node of nodes) {
		if ((severity[node.mark] ?? 0) > (severity[mark] ?? 0)) {
			mark = node.mark;
		}
	}

	return mark;
}

function branchNodeOf(context: TreeContext, branch: Branch): TreeNode {
	const key = branchKey(branch.id);
	const items = branch.items.map(item => itemView(context, item));
	const all = items.flatMap(item => (item.node ? [item.node] : []));
	const active = items.some(item => item.status === 'active');
	if (active) {
		const shown = items.flatMap(item =>
			item.node && item.status !== 'skipped' ? [item.node] : [],
		);
		const mark = worst(shown);
		return {
			key,
			mark: mark === 'answer' ? 'passed' : mark,
			label: branch.label,
			verdict: `taken: ${branch.when}`,
			children: shown,
			onPath: true,
		};
	}

	if (items.some(item => item.status === 'waiting')) {
		return {
			key,
			mark: 'waiting',
			label: branch.label,
			verdict: 'not reached yet',
			children: all,
			open: false,
		};
	}

	const ran = items.findLast(item => item.status === 'passed');
	const reason =
		ran?.detail ?? items.find(item => item.detail)?.detail ?? 'does not apply';
	return {
		key,
		mark: 'skipped',
		label: branch.label,
		verdict: `ruled out: ${reason}`,
		children: all,
		open: false,
	};
}

/** A taken branch grows the nodes the UI adds to it (after its own steps). */
function withExtras(
	node: TreeNode,
	context: TreeContext,
	branch: Branch,
): TreeNode {
	const extra = context.extras?.[branch.id] ?? [];
	return extra.length > 0 && node.onPath
		? {
				...node,
				mark:
					worst([node, ...extra]) === 'answer'
						? 'passed'
						: worst([node, ...extra]),
				children: [...(node.children ?? []), ...extra],
			}
		: node;
}

/** The tree selector's input from the app's state (the screen and the scrollback print use the same). */
export function treeContext(
	state: Omit<TreeContext, 'session' | 'shape' | 'extras'>,
	session: Session,
	extras?: TreeContext['extras'],
): TreeContext {
	return {
		...(extras ? {extras} : {}),
		session,
		timeoutMs: state.timeoutMs,
		startedAt: state.startedAt,
		now: state.now,
		choice: state.choice,
		kept: state.kept,
	};
}

/** The whole tree of this walk: the target, the trunk, then each branch in the shape's order. */
export function walkTree(context: TreeContext): TreeNode {
	const {session} = context;
	const shape = context.shape ?? defaultShape;
	const byId = new Map(session.tree.checks.map(node => [node.id, node]));
	const trunk = shape.trunk.flatMap(step => {
		const node = byId.get(step.check);
		return node
			? [{...checkNodeOf(context, node, step.label), onPath: true}]
			: [];
	});
	// A branch none of whose steps this tree has (a smaller tree in tests) costs no line.
	const present = (item: BranchItem) =>
		item.kind === 'check'
			? byId.has(item.id)
			: session.tree.questions.some(q => q.key === item.key);
	// A branch that applies only on request (the pasted error) shows once one of its steps ran.
	const ran = (branch: Branch) =>
		branch.items.some(item => {
			const result =
				item.kind === 'check' ? session.steps[item.id]?.result : undefined;
			return result !== undefined && result.status !== 'skipped';
		});
	const branches = shape.branches
		.filter(branch => branch.items.some(item => present(item)))
		.filter(branch => !branch.onlyWhenTaken || ran(branch))
		.map(branch => withExtras(branchNodeOf(context, branch), context, branch));
	// Checks and questions the shape does not place still show, in a branch of their own.
	const placedQuestions = new Set(
		shape.branches.flatMap(branch =>
			branch.items.flatMap(item =>
				item.kind === 'question' ? [item.key] : [],
			),
		),
	);
	const other: BranchItem[] = [
		...unplacedChecks(shape, session.tree).map((node): BranchItem => ({
			kind: 'check',
			id: node.id,
		})),
		...session.tree.questions
			.filter(question => !placedQuestions.has(question.key))
			.map((question): BranchItem => ({kind: 'question', key: question.key})),
	];
	if (other.length > 0) {
		branches.push(
			branchNodeOf(context, {
				id: 'other',
				label: 'other steps',
				when: 'steps without a place in the tree shape',
				items: other,
			}),
		);
	}

	return {
		key: 'root',
		mark: 'root',
		label: session.target.input,
		verdict: '',
		children: [...trunk, ...branches],
		onPath: true,
	};
}

/** The check whose verdict heads the screen (where this runs). */
export function contextLine(session: Session, shape = defaultShape): string {
	return session.steps[shape.context]?.result?.detail ?? '';
}
