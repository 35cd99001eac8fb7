import {causes} from '../tree/causes.js';
import {confidences, type Finding} from '../tree/types.js';
import type {Session} from './session.js';

const priority = (id: string) => causes.findIndex(cause => cause.id === id);

/**
The causes found so far, one per id (the most confident finding wins, and between equals the later
check's, which looked closer at the service; evidence and fixes merged),
most confident first, then by the tree's priority.
*/
export function rankFindings(session: Session): Finding[] {
	const byId = new Map<string, Finding>();
	for (const node of session.tree.checks) {
		for (const finding of session.steps[node.id]?.result?.findings ?? []) {
			const previous = byId.get(finding.id);
			if (!previous) {
				byId.set(finding.id, finding);
				continue;
			}

			const [first, second] =
				confidences.indexOf(finding.confidence) <=
				confidences.indexOf(previous.confidence)
					? [finding, previous]
					: [previous, finding];
			byId.set(finding.id, {
				...first,
				evidence: [...new Set([...first.evidence, ...second.evidence])],
				fixes: [
					...first.fixes,
					...second.fixes.filter(
						fix => !first.fixes.some(f => f.command === fix.command),
					),
				],
			});
		}
	}

	return [...byId.values()].toSorted(
		(a, b) =>
			confidences.indexOf(a.confidence) - confidences.indexOf(b.confidence) ||
			priority(a.id) - priority(b.id),
	);
}
