/**
`r` reruns the probe and only the steps whose inputs changed: a step keeps its last result when the
results it runs after (its `after` steps) and the answers it uses are the same as in the last run.
Times (`ms`) are not inputs: a probe that refused in 2 ms then in 3 ms did not change.
*/
import type {Session} from '../engine/session.js';
import {shape as defaultShape, type TreeShape} from '../tree/shape.js';
import type {CheckNode, CheckResult} from '../tree/types.js';

/** A result as input to other steps: its status and facts, without timings. */
function inputOf(result: CheckResult | undefined): string {
	if (!result) {
		return 'none';
	}

	return JSON.stringify(
		{status: result.status, facts: result.facts ?? {}},
		(key, value: unknown) => (key === 'ms' ? undefined : value),
	);
}

/** The last run's result of `node`, when nothing it depends on changed (undefined: run it again). */
export function keptResult(
	previous: Session | undefined,
	current: Session,
	node: CheckNode,
	shape: TreeShape = defaultShape,
): CheckResult | undefined {
	if (!previous || shape.rerun.includes(node.id)) {
		return undefined;
	}

	const last = previous.steps[node.id];
	if (
		last?.state !== 'done' ||
		!last.result ||
		last.result.status === 'skipped'
	) {
		return undefined;
	}

	const sameInputs = [...node.after, ...(node.awaits ?? [])].every(
		id =>
			inputOf(previous.steps[id]?.result) ===
			inputOf(current.steps[id]?.result),
	);
	const sameAnswers = (node.uses ?? []).every(
		key => previous.answers[key]?.value === current.answers[key]?.value,
	);
	return sameInputs && sameAnswers ? last.result : undefined;
}
