/**
THE driver: starts the checks `plan()` names, enforces each one's time limit, turns a throw or an
overrun into an honest "unknown", and feeds events back. Used by `--json`/`--markdown`
(`drive`) and by the app's hook (`createDriver().sync`). The engine imports only tree/: check
implementations (already bound to their Io) and the probe timeout are injected by the
composition root (diagnose.ts, the hook).
*/
import type {Facts, Target} from '../tree/facts.js';
import type {
	Answers,
	CauseNode,
	CheckNode,
	CheckResult,
} from '../tree/types.js';
import {
	answersOf,
	factsOf,
	isDone,
	plan,
	reduce,
	type EngineEvent,
	type Session,
} from './session.js';

/** What a step gets from the driver; the composition root adds Io and the probe timeout. */
export type StepContext = {
	readonly target: Target;
	readonly facts: Facts;
	readonly answers: Answers;
	readonly signal: AbortSignal;
	readonly onCommand: (command: string) => void;
	readonly onLine: (line: string) => void;
	/**
	The facts once every check the node `awaits` is done (at once when it awaits none): what its
	judge reads. Rejects when the launch is aborted.
	*/
	readonly settled: () => Promise<Facts>;
};

export type StepRun = (context: StepContext) => Promise<CheckResult>;

export type DriverOptions = {
	/** Implementations by check id. */
	readonly runs: Readonly<Record<string, StepRun>>;
	/** The probe timeout the user asked for (--timeout), in ms. */
	readonly timeoutMs: number;
	/** Aborts every launch (Ctrl-C in the report path); each launch also has its own. */
	readonly signal?: AbortSignal;
};

/** Room for a check's own commands beyond its limit and the probe it may wait on. */
const slackMs = 10_000;

/** The time limit the driver enforces on a check (and the one the screen shows). */
export function enforcedLimitMs(node: CheckNode, timeoutMs: number): number {
	return node.timeoutMs + timeoutMs + slackMs;
}

/**
What is wrong with a result, given the node's declarations: a finding of a cause the tree's
registry (tree/causes.ts, or a test tree's own) does not let this check conclude, or a fact it does not declare it writes. Undefined when sound.
*/
export function undeclared(
	node: CheckNode,
	result: CheckResult,
	causes: readonly CauseNode[],
): string | undefined {
	for (const finding of result.findings ?? []) {
		const id: string = finding.id;
		const cause = causes.find(entry => entry.id === id);
		if (!cause) {
			return `check ${node.id} concluded an unknown cause "${id}" (not in the cause registry)`;
		}

		const allowed: readonly string[] = cause.concludedBy;
		if (!allowed.includes(node.id)) {
			return `check ${node.id} concluded "${id}", which the cause registry does not let it conclude (tree/causes.ts concludedBy)`;
		}
	}

	if (node.writes) {
		const writes: readonly string[] = node.writes;
		const extra = Object.keys(result.facts ?? {}).filter(
			key => !writes.includes(key),
		);
		if (extra.length > 0) {
			return `check ${node.id} wrote facts it does not declare: ${extra.join(', ')}`;
		}
	}

	return undefined;
}

type Launch = {
	readonly token: symbol;
	readonly controller: AbortController;
	readonly generation: number;
	readonly done: Promise<void>;
};

export type Driver = {
	/** Start what `plan(session)` names; abort launches of an older generation. */
	readonly sync: (
		session: Session,
		dispatch: (event: EngineEvent) => void,
	) => void;
	/** Abort every launch. */
	readonly stop: () => void;
	/** Launches still in flight. */
	readonly pending: () => ReadonlyArray<Promise<void>>;
};

type RunOneOptions = DriverOptions & {
	/** The launch's own controller: aborted when the check outruns its limit. */
	readonly controller: AbortController;
	readonly dispatch: (event: EngineEvent) => void;
	readonly settled: () => Promise<Facts>;
};

/** A launch waiting for the checks it awaits, resolved by `sync` once they are done. */
type Waiter = {
	readonly node: CheckNode;
	readonly generation: number;
	readonly resolve: (facts: Facts) => void;
};

const awaitedDone = (session: Session, node: CheckNode) =>
	(node.awaits ?? []).every(id => isDone(session, id));

/** Run one check to its result; never throws. */
async function runOne(
	node: CheckNode,
	session: Session,
	options: RunOneOptions,
): Promise<CheckResult> {
	const {generation} = session;
	const {dispatch, controller} = options;
	const run = options.runs[node.id];
	const limit = enforcedLimitMs(node, options.timeoutMs);
	let timer: NodeJS.Timeout | undefined;
	try {
		if (!run) {
			throw new Error(`no implementation for check ${node.id}`);
		}

		const outrun = new Promise<never>((_resolve, reject) => {
			timer = setTimeout(() => {
				controller.abort();
				reject(
					new Error(`did not finish within ${Math.round(limit / 1000)} s`),
				);
			}, limit);
		});
		const result = await Promise.race([
			run({
				target: session.target,
				facts: factsOf(session),
				answers: answersOf(session),
				signal: controller.signal,
				onCommand(command) {
					dispatch({type: 'command', id: node.id, command, generation});
				},
				onLine(line) {
					dispatch({type: 'line', id: node.id, line, generation});
				},
				settled: options.settled,
			}),
			outrun,
		]);
		const problem = undeclared(node, result, session.tree.causes);
		return problem
			? {status: 'unknown', detail: `could not tell: ${problem}`}
			: result;
	} catch (error) {
		return {
			status: 'unknown',
			detail: `could not tell: ${(error as Error).message}`,
		};
	} finally {
		clearTimeout(timer);
	}
}

export function createDriver(options: DriverOptions): Driver {
	const launches = new Map<string, Launch>();
	const waiters = new Set<Waiter>();
	let latest: Session | undefined;
	const wake = () => {
		for (const waiter of waiters) {
			if (
				latest?.generation === waiter.generation &&
				awaitedDone(latest, waiter.node)
			) {
				waiters.delete(waiter);
				waiter.resolve(factsOf(latest));
			}
		}
	};

	/** The facts once the node's awaited checks are done in this generation; rejects on abort. */
	const settledFor =
		(node: CheckNode, generation: number, signal: AbortSignal) => async () =>
			new Promise<Facts>((resolve, reject) => {
				if (signal.aborted) {
					reject(new Error('stopped'));
					return;
				}

				const stopped = () => {
					waiters.delete(waiter);
					reject(new Error('stopped'));
				};

				const waiter: Waiter = {
					node,
					generation,
					resolve(facts) {
						signal.removeEventListener('abort', stopped);
						resolve(facts);
					},
				};
				signal.addEventListener('abort', stopped);
				waiters.add(waiter);
				wake();
			});

	const stop = () => {
		for (const launch of launches.values()) {
			launch.controller.abort();
		}

		launches.clear();
	};

	const sync: Driver['sync'] = (session, dispatch) => {
		latest = session;
		for (const [id, launch] of launches) {
			if (launch.generation !== session.generation) {
				launch.controller.abort();
				launches.delete(id);
			}
		}

		for (const node of plan(session).start) {
			launches.get(node.id)?.controller.abort();
			const token = Symbol(node.id);
			const controller = new AbortController();
			const abort = () => {
				controller.abort();
			};

			options.signal?.addEventListener('abort', abort);
			if (options.signal?.aborted) {
				controller.abort();
			}

			const current = () => launches.get(node.id)?.token === token;
			const guarded = (event: EngineEvent) => {
				if (current()) {
					dispatch(event);
				}
			};

			const launch = {
				token,
				controller,
				generation: session.generation,
				done: Promise.resolve(),
			};
			launches.set(node.id, launch);
			guarded({type: 'started', id: node.id, generation: session.generation});
			const done = (async () => {
				const result = await runOne(node, session, {
					...options,
					controller,
					dispatch: guarded,
					settled: settledFor(node, session.generation, controller.signal),
				});
				options.signal?.removeEventListener('abort', abort);
				guarded({
					type: 'finished',
					id: node.id,
					result,
					generation: session.generation,
				});
				if (current()) {
					launches.delete(node.id);
				}
			})();
			launches.set(node.id, {...launch, done});
		}

		wake();
	};

	return {
		sync,
		stop,
		pending: () => [...launches.values()].map(launch => launch.done),
	};
}

export type DriveOptions = DriverOptions & {
	readonly onEvent?: (event: EngineEvent, session: Session) => void;
};

/** The whole walk without a screen: run every check the plan names until nothing is left. */
export async function drive(
	start: Session,
	options: DriveOptions,
): Promise<Session> {
	let session = start;
	const driver = createDriver(options);
	const dispatch = (event: EngineEvent) => {
		session = reduce(session, event);
		options.onEvent?.(event, session);
	};

	for (;;) {
		driver.sync(session, dispatch);
		const pending = driver.pending();
		if (pending.length === 0) {
			return session;
		}

		await Promise.race(pending);
	}
}
