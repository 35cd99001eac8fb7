/**
The composition root of the report path (--json, --markdown): the real check implementations,
bound to the Io and the probe timeout, walked by the engine's one driver.
*/
import {bindRuns} from './checks/start.js';
import type {CheckRun, Io} from './checks/types.js';
import {drive} from './engine/driver.js';
import {
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
	const session = startSession(options.tree ?? tree, target, {
		interactive: false,
		answers: options.answers,
	});
	return drive(session, {
		runs: bindRuns(options.io, options.timeoutMs, options.registry),
		timeoutMs: options.timeoutMs,
		signal: options.signal,
		onEvent: options.onEvent,
	});
}
