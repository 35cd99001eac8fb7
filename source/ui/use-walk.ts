/**
The one hook that connects the engine, the checks and React: a reducer for the state, one effect
that starts every check the plan names (concurrently, each with its own abort), and one effect that
runs the side effects the user asked for (copy, export, quit, the practice case). Components only
get props from here.
*/
import path from 'node:path';
import process from 'node:process';
import {useApp, useStdout} from 'ink';
import {useEffect, useReducer, useRef} from 'react';
import {bindRuns, type BoundRun} from '../checks/start.js';
import type {CheckRun, Io} from '../checks/types.js';
import {createDriver, type Driver} from '../engine/driver.js';
import {plan} from '../engine/session.js';
import {buildReport} from '../report/model.js';
import {targetOrMessage} from '../parsers/error-message.js';
import type {LookAtServer} from '../look-at-server.js';
import type {Practice} from '../practice.js';
import {tree as defaultTree} from '../tree/index.js';
import type {Target} from '../tree/facts.js';
import type {Answers, CheckResult, Tree} from '../tree/types.js';
import {clipboardHint, osc52} from './osc52.js';
import {keptResult} from './rerun.js';
import {
	appReducer,
	initialState,
	type AppAction,
	type AppState,
} from './state.js';
import type {Request} from './requests.js';
import {shownReport} from './server-view.js';

export type WalkOptions = {
	readonly target?: Target;
	readonly io: Io;
	readonly timeoutMs: number;
	readonly answers?: Answers;
	readonly tree?: Tree;
	/** Check implementations by id (tests may replace some). */
	readonly registry?: Readonly<Record<string, CheckRun>>;
	/** Called once when the user quits: the exit code, and the last state (printed to the scrollback). */
	readonly onExit?: (code: number, state: AppState, next?: 'labs') => void;
	/** Learn mode on from the start. */
	readonly learn?: boolean;
	/** The clock (ms), for elapsed times. */
	readonly clock?: () => number;
	/** Where the OSC 52 clipboard sequence goes (the terminal). */
	readonly writeTerminal?: (data: string) => void;
	/** Folder for exported reports (default: the current directory). */
	readonly exportDir?: string;
	readonly startPractice?: () => Promise<Practice>;
	readonly now?: () => Date;
	/** The server's side over SSH for the fork "look at the server over SSH?" (tests inject one). */
	readonly lookAtServer?: LookAtServer;
};

/** A long text cut in the middle, for a one-line confirmation. */
const shorten = (text: string, max: number) =>
	text.length <= max ? text : `${text.slice(0, max - 12)}...${text.slice(-9)}`;

const stamp = (date: Date) =>
	date
		.toISOString()
		.replace(/\.\d+Z$/, '')
		.replaceAll(/[-:]/g, '')
		.replace('T', '-');

/** ./refused-HOST-PORT-20261124-081500.md, with the host made safe for a file name. */
export function reportFileName(target: Target, date: Date): string {
	const host = target.host.replaceAll(/[^\w.-]+/g, '_');
	return `refused-${host}-${target.port}-${stamp(date)}.md`;
}

const systemClock = () => Date.now();

/** The bound check implementations, each answering with a kept result when there is one. */
function withKept(
	runs: Readonly<Record<string, BoundRun>>,
	kept: ReadonlyMap<string, CheckResult>,
): Record<string, BoundRun> {
	return Object.fromEntries(
		Object.entries(runs).map(([id, run]) => [
			id,
			async context => kept.get(id) ?? run(context),
		]),
	);
}

/**
`e`: the markdown report, with the path of this diagnosis marked on the decision tree, written to
a new file (never over an existing one), through Io's one writing capability.
*/
async function exportReport(
	state: AppState,
	options: WalkOptions,
	dispatch: (action: AppAction) => void,
): Promise<void> {
	const snapshot = state.session;
	if (!snapshot) {
		dispatch({
			type: 'notice',
			text: 'Nothing to export yet: give a target first.',
		});
		return;
	}

	const {renderMarkdownWithPath} = await import('../report/markdown.js');
	const {treeChart} = await import('../report/chart.js');
	const report = shownReport({session: snapshot, server: state.server});
	const chart = treeChart(snapshot.tree, {
		session: snapshot,
		concluded: report.causes[0]?.id,
	});
	const file = path.resolve(
		options.exportDir ?? process.cwd(),
		reportFileName(snapshot.target, (options.now ?? (() => new Date()))()),
	);
	try {
		await options.io.writeReport(
			file,
			`${renderMarkdownWithPath(report, chart)}\n`,
		);
		dispatch({type: 'notice', text: `Report written to ${file}`});
	} catch (error) {
		dispatch({
			type: 'notice',
			text: `Could not write the report to ${file}: ${(error as Error).message}`,
		});
	}
}

type ServerSlot = {
	current: {run: number; abort: AbortController} | undefined;
};

/**
The fork's "Yes: ssh DEST": the server's side of this walk in BatchMode (never a prompt inside the
tree), joined with this host's report; the reducer ignores a result whose run was set aside.
*/
async function runServerSide(
	request: Extract<Request, {kind: 'server'}>,
	context: {
		readonly options: WalkOptions;
		readonly session: AppState['session'];
		readonly dispatch: (action: AppAction) => void;
		readonly slot: ServerSlot;
	},
): Promise<void> {
	const {options, session, dispatch, slot} = context;
	if (!session) {
		return;
	}

	slot.current?.abort.abort();
	const abort = new AbortController();
	slot.current = {run: request.run, abort};
	const look =
		options.lookAtServer ?? (await import('../look-at-server.js')).lookAtServer;
	const report = await look(request.destination, buildReport(session), {
		io: options.io,
		timeoutMs: options.timeoutMs,
		answers: session.preset,
		signal: abort.signal,
	});
	if (slot.current?.run === request.run) {
		slot.current = undefined;
	}

	dispatch({type: 'server-done', run: request.run, report});
}

export function useWalk(options: WalkOptions): {
	readonly state: AppState;
	readonly dispatch: (action: AppAction) => void;
} {
	const {stdout} = useStdout();
	const {exit} = useApp();
	const clock = options.clock ?? systemClock;
	const [state, dispatch] = useReducer(appReducer, undefined, () =>
		initialState({
			tree: options.tree ?? defaultTree,
			answers: options.answers,
			target: options.target,
			timeoutMs: options.timeoutMs,
			learn: options.learn,
			now: clock(),
			columns: stdout.columns || 80,
			rows: stdout.rows || 24,
		}),
	);
	// After `r`: results kept from the last run for steps whose inputs did not change (ui/rerun.ts).
	const kept = useRef(new Map<string, CheckResult>());
	// The engine's one driver, bound to this app's Io and timeout once (tests may replace the registry).
	const driver = useRef<Driver | undefined>(undefined);
	driver.current ??= createDriver({
		runs: withKept(
			bindRuns(options.io, options.timeoutMs, options.registry),
			kept.current,
		),
		timeoutMs: options.timeoutMs,
	});
	const practice = useRef<Practice | undefined>(undefined);
	// The server's side while it runs (aborted by b, r, a new target or quitting).
	const serverRun = useRef<{run: number; abort: AbortController} | undefined>(
		undefined,
	);
	const handled = useRef(0);
	const optionsRef = useRef(options);
	const stateRef = useRef(state);
	// The latest props and state, for effects that must not restart when they change.
	useEffect(() => {
		optionsRef.current = options;
		stateRef.current = state;
	});

	// The terminal's size: the layout follows a resize.
	useEffect(() => {
		const onResize = () => {
			dispatch({
				type: 'resize',
				columns: stdout.columns || 80,
				rows: stdout.rows || 24,
			});
		};

		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);

	// While steps run, the clock ticks: elapsed times and the spinner move.
	const {session, concluded} = state;
	const running =
		(Boolean(session) && !concluded) || state.server?.phase === 'running';
	useEffect(() => {
		if (!running) {
			return;
		}

		const timer = setInterval(() => {
			dispatch({
				type: 'tick',
				now: (optionsRef.current.clock ?? systemClock)(),
			});
		}, 200);
		return () => {
			clearInterval(timer);
		};
	}, [running]);

	// Start every check the plan names through the one driver; after `r`, a step whose inputs did
	// not change keeps its last result (ui/rerun.ts) instead of running again.
	useEffect(() => {
		if (!session) {
			return;
		}

		for (const node of plan(session).start) {
			const result = keptResult(stateRef.current.previous, session, node);
			if (result) {
				kept.current.set(node.id, result);
				dispatch({type: 'kept', id: node.id});
			} else {
				kept.current.delete(node.id);
			}
		}

		driver.current?.sync(session, event => {
			const now = (optionsRef.current.clock ?? systemClock)();
			dispatch({type: 'engine', event, now});
		});
	}, [session]);

	// The fork's run set aside (b, r, a new target): its ssh is stopped.
	const serverRunning =
		state.server?.phase === 'running' ? state.server.run : undefined;
	useEffect(() => {
		if (serverRun.current && serverRun.current.run !== serverRunning) {
			serverRun.current.abort.abort();
			serverRun.current = undefined;
		}
	}, [serverRunning]);

	// Abort everything and close the practice server when the app goes away.
	useEffect(
		() => () => {
			serverRun.current?.abort.abort();
			driver.current?.stop();
			void practice.current?.close();
		},
		[],
	);

	// Side effects the user asked for, each exactly once, in order.
	const {requests} = state;
	useEffect(() => {
		const run = async (request: Request) => {
			const current = optionsRef.current;
			const snapshot = stateRef.current.session;
			switch (request.kind) {
				case 'copy': {
					const write =
						current.writeTerminal ??
						((data: string) => process.stdout.write(data));
					write(osc52(request.text, current.io.env));
					dispatch({
						type: 'notice',
						text: `Copied fix ${request.index + 1} to the clipboard with OSC 52: ${shorten(request.text, 48)} (${request.text.length} characters; ${clipboardHint(current.io.env)}). The whole command is also on screen to select by hand.`,
					});
					break;
				}

				case 'export': {
					await exportReport(stateRef.current, current, dispatch);
					break;
				}

				case 'practice': {
					try {
						const start =
							current.startPractice ??
							(await import('../practice.js')).startPractice;
						const started = await start();
						practice.current = started;
						dispatch({
							type: 'start',
							target: started.target,
							practice: started.description,
							now: (current.clock ?? systemClock)(),
						});
					} catch (error) {
						dispatch({
							type: 'practice-failed',
							message: (error as Error).message,
						});
					}

					break;
				}

				case 'parse': {
					// A target, or a pasted error message (decoded: where the client dialed, what it saw).
					const parsed = targetOrMessage(request.text);
					dispatch(
						'error' in parsed
							? {type: 'start-failed', message: parsed.error}
							: {
									type: 'start',
									target: parsed,
									now: (current.clock ?? systemClock)(),
								},
					);
					break;
				}

				case 'server': {
					await runServerSide(request, {
						options: current,
						session: snapshot,
						dispatch,
						slot: serverRun,
					});
					break;
				}

				case 'quit': {
					serverRun.current?.abort.abort();
					driver.current?.stop();

					await practice.current?.close();
					practice.current = undefined;
					// Ctrl-C is an interrupt (130, like SIGTERM); q ends with the report's code.
					const code = request.interrupted
						? 130
						: snapshot
							? shownReport({
									session: snapshot,
									server: stateRef.current.server,
								}).exitCode
							: 0;
					// After the start screen's "Labs": the composition root opens the catalogue.
					current.onExit?.(code, stateRef.current, request.next);
					exit();
					break;
				}
			}
		};

		for (const request of requests) {
			if (request.id > handled.current) {
				handled.current = request.id;
				void run(request);
			}
		}
	}, [requests, exit]);

	return {state, dispatch};
}
