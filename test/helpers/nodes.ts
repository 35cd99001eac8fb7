/** A minimal check node and target for engine tests: only what the engine reads. */
import type {CheckNode} from '../../source/tree/types.js';

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
