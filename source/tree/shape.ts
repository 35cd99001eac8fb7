/**
The decision tree's visible structure, as data: the trunk every walk takes (resolve, connect, whose
answer is it), then the branches that fork from it, each grouping the existing check ids and the
questions that decide it. The screen, the `--tree` chart and the markdown export all read this one
table, so they cannot drift from each other; the tree test checks it covers every check and question.
*/
import type {CheckNode, QuestionKey, Tree} from './types.js';

export type TrunkStep = {
	readonly check: string;
	/** The short name on the trunk: "resolve", "connect", "whose answer". */
	readonly label: string;
};

export type BranchItem =
	| {readonly kind: 'check'; readonly id: string}
	| {readonly kind: 'question'; readonly key: QuestionKey};

export type Branch = {
	readonly id: string;
	/** One or two words: "this host", "containers". */
	readonly label: string;
	/** When the walk takes it, in words (the chart says this at the fork). */
	readonly when: string;
	readonly items: readonly BranchItem[];
	/** Shown on screen only when taken: a branch that applies only on request (--error) costs no line otherwise. */
	readonly onlyWhenTaken?: boolean;
};

export type TreeShape = {
	/** The check whose verdict heads the screen (where this runs), not a line of the tree. */
	readonly context: string;
	readonly trunk: readonly TrunkStep[];
	/** The question the trunk answers before it forks. */
	readonly fork: string;
	/** The steps a rerun (`r`) always measures again; the others rerun only when their inputs changed. */
	readonly rerun: readonly string[];
	readonly branches: readonly Branch[];
};

const check = (id: string): BranchItem => ({kind: 'check', id});
const question = (key: QuestionKey): BranchItem => ({kind: 'question', key});

export const shape: TreeShape = {
	context: 'environment',
	trunk: [
		{check: 'resolve', label: 'resolve'},
		{check: 'probe', label: 'connect'},
		{check: 'local', label: 'whose answer'},
		{check: 'outcome', label: 'verdict'},
	],
	fork: 'whose answer is it, and what does it mean?',
	rerun: ['resolve', 'probe'],
	branches: [
		{
			id: 'pasted-error',
			label: 'the pasted error',
			when: 'an error message was given (--error, or pasted at the prompt): what the client saw against what a connection gets now',
			items: [check('pasted')],
			onlyWhenTaken: true,
		},
		{
			id: 'addresses',
			label: 'addresses',
			when: 'the name has several addresses, or one came from /etc/hosts',
			items: [check('families'), check('hosts-file')],
		},
		{
			id: 'proxy-variables',
			label: 'proxy variables',
			when: 'an http(s) URL: HTTP_PROXY and friends may send the client elsewhere',
			items: [check('proxy-env')],
		},
		{
			id: 'this-host',
			label: 'this host',
			when: 'the target is this host and it did not accept',
			items: [
				check('listeners'),
				check('accept-queue'),
				check('service-config'),
				check('bind'),
				check('service-state'),
			],
		},
		{
			id: 'firewall',
			label: 'firewall',
			when: "the connection was refused or timed out: this host's rules, on the way in when it is the target, on the way out for another host",
			items: [check('firewall')],
		},
		{
			id: 'reset-or-icmp',
			label: 'reset or ICMP',
			when: "an address refused and this host's rules for it cannot be read: the kernel's counters tell a reset from an ICMP error",
			items: [check('reset-or-icmp')],
		},
		{
			id: 'another-host',
			label: 'another host',
			when: 'a host that is not this one refused',
			items: [check('remote')],
		},
		{
			id: 'proxy',
			label: 'a proxy in front',
			when: 'a proxy answered, or a remote refusal may be a load balancer',
			items: [
				check('reverse-proxy'),
				question('proxy'),
				check('proxy-upstream'),
				check('load-balancer'),
			],
		},
		{
			id: 'containers',
			label: 'containers',
			when: 'this host (or a private address) refused: a container may publish the port',
			items: [
				check('container-engine'),
				check('container-port'),
				question('container'),
				check('container-logs'),
				check('container-by-hand'),
			],
		},
		{
			id: 'kubernetes',
			label: 'Kubernetes',
			when: 'the target did not accept and kubectl has a context',
			items: [
				check('kube-context'),
				check('kube-service'),
				check('kube-endpoints'),
			],
		},
	],
};

/** Every check id the shape places (context, trunk, branches). */
export function placedChecks(candidate: TreeShape): string[] {
	return [
		candidate.context,
		...candidate.trunk.map(step => step.check),
		...candidate.branches.flatMap(branch =>
			branch.items.flatMap(item => (item.kind === 'check' ? [item.id] : [])),
		),
	];
}

/**
The checks of a tree that the shape does not place (a check added to tree/nodes without a line
here): the screen shows them in a branch of their own rather than hide them.
*/
export function unplacedChecks(
	candidate: TreeShape,
	tree: Tree,
): readonly CheckNode[] {
	const placed = new Set(placedChecks(candidate));
	return tree.checks.filter(node => !placed.has(node.id));
}

/** Authoring mistakes between the shape and the tree: what is missing, unknown or placed twice. */
export function shapeProblems(candidate: TreeShape, tree: Tree): string[] {
	const problems: string[] = [];
	const checks = new Set(tree.checks.map(node => node.id));
	const placed = placedChecks(candidate);
	const seen = new Set<string>();
	for (const id of placed) {
		if (!checks.has(id)) {
			problems.push(`the shape places ${id}, which is not a check of the tree`);
		}

		if (seen.has(id)) {
			problems.push(`the shape places ${id} twice`);
		}

		seen.add(id);
	}

	for (const node of unplacedChecks(candidate, tree)) {
		problems.push(`check ${node.id} has no place in tree/shape.ts`);
	}

	const asked = candidate.branches.flatMap(branch =>
		branch.items.flatMap(item => (item.kind === 'question' ? [item.key] : [])),
	);
	for (const q of tree.questions) {
		if (!asked.includes(q.key)) {
			problems.push(`question ${q.key} has no place in tree/shape.ts`);
		}
	}

	for (const key of asked) {
		if (!tree.questions.some(q => q.key === key)) {
			problems.push(
				`the shape asks ${key}, which is not a question of the tree`,
			);
		}
	}

	return problems;
}
