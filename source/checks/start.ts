import {
	answersOf,
	factsOf,
	type EngineEvent,
	type Session,
} from '../engine/session.js';
import type {CheckNode} from '../tree/types.js';
import {runs} from './registry.js';
import type {CheckRun, Io} from './types.js';

export type StartOptions = {
	readonly io: Io;
	readonly timeoutMs: number;
	readonly signal: AbortSignal;
	readonly dispatch: (event: EngineEvent) => void;
	/** Implementations by id; tests may replace some. */
	readonly registry?: Readonly<Record<string, CheckRun>>;
};

/**
Start one check: feed its command and output lines to the engine as it runs, and its result when
done. A check that throws, or outruns its own time limit, ends as "unknown" with the reason:
never a crash, never a silent guess.
*/
export async function startCheck(
	node: CheckNode,
	session: Session,
	options: StartOptions,
): Promise<void> {
	const {generation} = session;
	const {dispatch} = options;
	const run = (options.registry ?? runs)[node.id];
	dispatch({type: 'started', id: node.id, generation});
	const controller = new AbortController();
	const abort = () => {
		controller.abort();
	};

	options.signal.addEventListener('abort', abort);
	let timer: NodeJS.Timeout | undefined;
	// A check's own budget: its node's limit plus the probe timeout it may wait on, with room for its commands.
	const budget = node.timeoutMs + options.timeoutMs + 10_000;
	try {
		if (!run) {
			throw new Error(`no implementation for check ${node.id}`);
		}

		const outrun = new Promise<never>((_resolve, reject) => {
			timer = setTimeout(() => {
				controller.abort();
				reject(
					new Error(`did not finish within ${Math.round(budget / 1000)} s`),
				);
			}, budget);
		});
		const result = await Promise.race([
			run({
				target: session.target,
				facts: factsOf(session),
				answers: answersOf(session),
				io: options.io,
				signal: controller.signal,
				timeoutMs: options.timeoutMs,
				onCommand(command) {
					dispatch({type: 'command', id: node.id, command, generation});
				},
				onLine(line) {
					dispatch({type: 'line', id: node.id, line, generation});
				},
			}),
			outrun,
		]);
		dispatch({type: 'finished', id: node.id, result, generation});
	} catch (error) {
		dispatch({
			type: 'finished',
			id: node.id,
			result: {
				status: 'unknown',
				detail: `could not tell: ${(error as Error).message}`,
			},
			generation,
		});
	} finally {
		clearTimeout(timer);
		options.signal.removeEventListener('abort', abort);
	}
}
