/** A minimal check node and target for engine tests: only what the engine reads. */
import {reduce, type Session} from '../../source/engine/session.js';
import type {CheckNode, CheckResult} from '../../source/tree/types.js';

export const target = {input: 'x:1', host: 'x', port: 1};

export const node = (
	id: string,
	after: string[] = [],
	extra: Partial<CheckNode> = {},
): CheckNode => ({
	kind: 'check',
	id,
	title: id,
	why: 'why',
	read: 'read',
	after,
	when: () => true,
	timeoutMs: 100,
	...extra,
});

/** The session after check `id` started and finished with `result` (the driver's two events). */
export function finish(
	session: Session,
	id: string,
	result: CheckResult,
): Session {
	const started = reduce(session, {
		type: 'started',
		id,
		generation: session.generation,
	});
	return reduce(started, {
		type: 'finished',
		id,
		result,
		generation: session.generation,
	});
}
