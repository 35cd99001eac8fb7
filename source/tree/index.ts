import {causes} from './causes.js';
import {foundationChecks} from './nodes/foundation.js';
import {serverChecks} from './nodes/server.js';
import {firewallChecks} from './nodes/firewall.js';
import {containersChecks} from './nodes/containers.js';
import {proxyChecks} from './nodes/proxy.js';
import {kubernetesChecks} from './nodes/kubernetes.js';
import {questions} from './questions.js';
import {causeIds, type Tree} from './types.js';

/** THE decision tree: checks in screen order, questions, causes. */
export const tree: Tree = {
	checks: [
		...foundationChecks,
		// The firewall step reads the listeners (is anything at a NAT rule's real destination?), and the
		// bind step waits for it (a port a NAT rule sends elsewhere is not "nothing listens here").
		...serverChecks.filter(node => node.id === 'listeners'),
		...firewallChecks,
		...serverChecks.filter(node => node.id !== 'listeners'),
		...containersChecks,
		...proxyChecks,
		...kubernetesChecks,
	],
	questions,
	causes,
};

/** Authoring mistakes, found by the tree test rather than by a user: returns what is wrong. */
export function validateTree(
	candidate: Tree,
	implemented: ReadonlySet<string>,
): string[] {
	const problems: string[] = [];
	const ids = new Set<string>();
	for (const node of candidate.checks) {
		if (ids.has(node.id)) {
			problems.push(`check ${node.id} is defined twice`);
		}

		for (const dependency of [...node.after, ...(node.awaits ?? [])]) {
			if (!ids.has(dependency)) {
				problems.push(
					`check ${node.id} runs after ${dependency}, which is not an earlier check`,
				);
			}
		}

		if (!implemented.has(node.id)) {
			problems.push(`check ${node.id} has no implementation in checks/`);
		}

		if (!node.why || !node.read || !node.title) {
			problems.push(`check ${node.id} needs a title, a why and a read text`);
		}

		ids.add(node.id);
	}

	for (const question of candidate.questions) {
		for (const dependency of question.after) {
			if (!ids.has(dependency)) {
				problems.push(
					`question ${question.key} waits for ${dependency}, which is not a check`,
				);
			}
		}
	}

	return [...problems, ...causeProblems(candidate, ids)];
}

/** The registry against the tree: every id has a node, once, and at least one concluding check. */
function causeProblems(candidate: Tree, ids: ReadonlySet<string>): string[] {
	const problems: string[] = [];
	const causeSet = new Set(candidate.causes.map(cause => cause.id));
	for (const id of causeIds) {
		if (!causeSet.has(id)) {
			problems.push(`cause ${id} has no node`);
		}
	}

	if (causeSet.size !== candidate.causes.length) {
		problems.push('a cause is defined twice');
	}

	for (const cause of candidate.causes) {
		const concluding = cause.concludedBy.filter(id => ids.has(id));
		if (concluding.length === 0) {
			problems.push(`cause ${cause.id} is concluded by no check of the tree`);
		}

		for (const id of cause.concludedBy) {
			if (!ids.has(id)) {
				problems.push(`cause ${cause.id} names ${id}, which is not a check`);
			}
		}
	}

	for (const node of candidate.checks) {
		if (!node.writes) {
			problems.push(`check ${node.id} does not declare the facts it writes`);
		}
	}

	return problems;
}
