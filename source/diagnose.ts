import {startCheck} from './checks/start.js';
import type {CheckRun, Io} from './checks/types.js';
import {
	plan,
	reduce,
	startSession,
	type EngineEvent,
	type Session,
} from './engine/session.js';
import {tree} from './tree/index.js';
import type {Target} from './tree/facts.js';
import type {Answers, Tree} from './tree/types.js';

export type DiagnoseOptions = {
	readonly io: Io;
	readonly timeoutMs: number;
	readonly answers?: Answers;
	readonly signal?: AbortSignal;
	readonly tree?: Tree;
	readonly registry?: Readonly<Record<string, CheckRun>>;
	readonly onEvent?: (event: EngineEvent, session: Session) => void;
};

/** The whole walk without a screen: run every check the tree asks for, never ask a question. */
export async function diagnose(
	target: Target,
	options: DiagnoseOptions,
): Promise<Session> {
	let session = startSession(options.tree ?? tree, target, {
		interactive: false,
		answers: options.answers,
	});
	const signal = options.signal ?? new AbortController().signal;
	const dispatch = (event: EngineEvent) => {
		session = reduce(session, event);
		options.onEvent?.(event, session);
	};

	const running = new Map<string, Promise<void>>();
	for (;;) {
		const next = plan(session);
		for (const node of next.start) {
			if (!running.has(node.id)) {
				running.set(
					node.id,
					startCheck(node, session, {
						io: options.io,
						timeoutMs: options.timeoutMs,
						signal,
						dispatch,
						registry: options.registry,
					}),
				);
			}
		}

		const pending = [...running.entries()];
		if (pending.length === 0) {
			return session;
		}

		const finished = await Promise.race(
			pending.map(async ([id, promise]) => promise.then(() => id)),
		);
		running.delete(finished);
	}
}
