/**
The one hook that connects the engine, the checks and React: a reducer for the state, one effect
that starts every check the plan names (concurrently, each with its own abort), and one effect that
runs the side effects the user asked for (copy, export, quit, the practice case). Components only
get props from here.
*/
import path from 'node:path';
import {useApp, useStdout} from 'ink';
import {useEffect, useReducer, useRef} from 'react';
import {bindRuns} from '../checks/start.js';
import type {CheckRun, Io} from '../checks/types.js';
import {createDriver, type Driver} from '../engine/driver.js';
import {buildReport} from '../report/model.js';
import type {Practice} from '../practice.js';
import {tree as defaultTree} from '../tree/index.js';
import type {Target} from '../tree/facts.js';
import type {Answers, Tree} from '../tree/types.js';
import {clipboardHint, osc52} from './osc52.js';
import {
	appReducer,
	initialState,
	type AppAction,
	type AppState,
	type Request,
} from './state.js';

export type WalkOptions = {
	readonly target?: Target;
	readonly io: Io;
	readonly timeoutMs: number;
	readonly answers?: Answers;
	readonly tree?: Tree;
	/** Check implementations by id (tests may replace some). */
	readonly registry?: Readonly<Record<string, CheckRun>>;
	/** Called once with the exit code when the user quits. */
	readonly onExit?: (code: number) => void;
	/** Where the OSC 52 clipboard sequence goes (the terminal). */
	readonly writeTerminal?: (data: string) => void;
	/** Folder for exported reports (default: the current directory). */
	readonly exportDir?: string;
	readonly startPractice?: () => Promise<Practice>;
	readonly now?: () => Date;
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

export function useWalk(options: WalkOptions): {
	readonly state: AppState;
	readonly dispatch: (action: AppAction) => void;
} {
	const {stdout} = useStdout();
	const {exit} = useApp();
	const [state, dispatch] = useReducer(appReducer, undefined, () =>
		initialState({
			tree: options.tree ?? defaultTree,
			answers: options.answers,
			target: options.target,
			columns: stdout.columns || 80,
			rows: stdout.rows || 24,
		}),
	);
	// The engine's one driver, bound to this app's Io and timeout once (tests may replace the registry).
	const driver = useRef<Driver | undefined>(undefined);
	driver.current ??= createDriver({
		runs: bindRuns(options.io, options.timeoutMs, options.registry),
		timeoutMs: options.timeoutMs,
	});
	const practice = useRef<Practice | undefined>(undefined);
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

	// Start every check the plan names, once per (generation, step); a cleared step starts again.
	const {session} = state;
	useEffect(() => {
		if (session) {
			driver.current?.sync(session, event => {
				dispatch({type: 'engine', event});
			});
		}
	}, [session]);

	// Abort everything and close the practice server when the app goes away.
	useEffect(
		() => () => {
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
					if (!snapshot) {
						dispatch({
							type: 'notice',
							text: 'Nothing to export yet: give a target first.',
						});
						break;
					}

					const {renderMarkdown} = await import('../report/markdown.js');
					const file = path.resolve(
						current.exportDir ?? process.cwd(),
						reportFileName(
							snapshot.target,
							(current.now ?? (() => new Date()))(),
						),
					);
					try {
						await current.io.writeReport(
							file,
							`${renderMarkdown(buildReport(snapshot))}\n`,
						);
						dispatch({type: 'notice', text: `Report written to ${file}`});
					} catch (error) {
						dispatch({
							type: 'notice',
							text: `Could not write the report to ${file}: ${(error as Error).message}`,
						});
					}

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
						});
					} catch (error) {
						dispatch({
							type: 'practice-failed',
							message: (error as Error).message,
						});
					}

					break;
				}

				case 'quit': {
					driver.current?.stop();
					await practice.current?.close();
					practice.current = undefined;
					current.onExit?.(snapshot ? buildReport(snapshot).exitCode : 0);
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
