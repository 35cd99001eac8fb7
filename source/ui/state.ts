/**
The app's state machine: the engine session plus what the screen needs (selection, folds, focus,
scroll, learn mode, notices, requested side effects). Pure: keys become intents (keymap.ts) and
every intent goes through `appReducer`, so keys sent in one burst act on the state the user saw, in
order. Side effects (copy, export, quit, parsing a typed target, the practice server) are queued as
requests that the hook runs.
*/
import {
	plan,
	reduce,
	startSession,
	type EngineEvent,
	type Session,
} from '../engine/session.js';
import type {Report} from '../report/model.js';
import type {Target} from '../tree/facts.js';
import type {Answers, Fix, Tree} from '../tree/types.js';
import {noKey, walkIntent, type Intent, type Key} from './keymap.js';
import {request, type Request} from './requests.js';
import {startScreenKey} from './start-keys.js';
import {layout} from './layout.js';
import {questionKey} from './select-tree.js';
import {shownReport, type ServerView} from './server-view.js';
import {serverBack, serverDone, serverIntent} from './server-keys.js';

export type Focus = 'tree' | 'lower';

export type AppState = {
	readonly tree: Tree;
	readonly preset: Answers;
	readonly timeoutMs: number;
	readonly screen: 'start' | 'starting' | 'walk';
	/** Start screen: the target being typed, which line is selected (0 the field, 1 the practice case, 2 the labs), an error. */
	readonly text: string;
	readonly field: 0 | 1 | 2;
	readonly error?: string;
	readonly session?: Session;
	/** The session before the last rerun, and the steps that kept its results (their inputs did not change). */
	readonly previous?: Session;
	readonly kept: readonly string[];
	/** The practice case's description, when one runs. */
	readonly practice?: string;
	/** When each running step started, the walk's start and end, and the clock (ms). */
	readonly startedAt: Readonly<Record<string, number>>;
	readonly walkStart: number;
	readonly walkEnd?: number;
	readonly now: number;
	readonly concluded: boolean;
	/** The selected tree node; undefined follows the walk (the question, the running step). */
	readonly cursor?: string;
	/** Tree nodes whose fold the user flipped, and other causes unfolded on the card. */
	readonly toggled: readonly string[];
	readonly unfolded: readonly string[];
	readonly focus: Focus;
	/** The lower pane shows the selected node's detail instead of the cause card. */
	readonly detail: boolean;
	readonly lowerTop: number;
	/** Highlighted choice of the current question, and highlighted card item (fixes, then other causes). */
	readonly choice: number;
	readonly fix: number;
	readonly learn: boolean;
	readonly help: boolean;
	readonly map: boolean;
	readonly notice?: string;
	readonly requests: readonly Request[];
	readonly nextRequest: number;
	readonly columns: number;
	readonly rows: number;
	/** The fork "look at the server over SSH?": its answer and the server's side (server-view.ts). */
	readonly server?: ServerView;
	/** False when the app must not offer the fork. */
	readonly offerServer?: boolean;
	/** Runs of the server's side started so far (a result of an older run is ignored). */
	readonly serverRuns: number;
};

export type AppAction =
	| {readonly type: 'key'; readonly input: string; readonly key: Key}
	| {readonly type: 'intent'; readonly intent: Intent}
	| {readonly type: 'engine'; readonly event: EngineEvent; readonly now: number}
	| {
			readonly type: 'start';
			readonly target: Target;
			readonly practice?: string;
			readonly now: number;
	  }
	| {readonly type: 'start-failed'; readonly message: string}
	| {readonly type: 'practice-failed'; readonly message: string}
	| {readonly type: 'notice'; readonly text: string}
	| {readonly type: 'tick'; readonly now: number}
	| {readonly type: 'kept'; readonly id: string}
	| {
			readonly type: 'server-done';
			readonly run: number;
			readonly report: Report;
	  }
	| {readonly type: 'resize'; readonly columns: number; readonly rows: number};

export function initialState(options: {
	readonly tree: Tree;
	readonly answers?: Answers;
	readonly target?: Target;
	readonly timeoutMs?: number;
	readonly columns?: number;
	readonly rows?: number;
	readonly now?: number;
	readonly learn?: boolean;
}): AppState {
	const now = options.now ?? 0;
	const state: AppState = {
		tree: options.tree,
		preset: options.answers ?? {},
		timeoutMs: options.timeoutMs ?? 3000,
		screen: 'start',
		text: '',
		field: 0,
		startedAt: {},
		walkStart: now,
		now,
		kept: [],
		concluded: false,
		toggled: [],
		unfolded: [],
		focus: 'tree',
		detail: false,
		lowerTop: 0,
		choice: 0,
		fix: 0,
		learn: options.learn ?? false,
		help: false,
		map: false,
		requests: [],
		nextRequest: 1,
		columns: options.columns ?? 80,
		rows: options.rows ?? 24,
		serverRuns: 0,
	};
	return options.target ? start(state, options.target, undefined, now) : state;
}

function start(
	state: AppState,
	target: Target,
	practice: string | undefined,
	now: number,
): AppState {
	const session = startSession(state.tree, target, {
		interactive: true,
		answers: state.preset,
	});
	return conclude({
		...state,
		screen: 'walk',
		session,
		practice,
		error: undefined,
		notice: practice,
		startedAt: {},
		walkStart: now,
		walkEnd: undefined,
		now,
		cursor: undefined,
		detail: false,
		previous: undefined,
		kept: [],
		server: undefined,
	});
}

/** The fixes the user can select and copy: those of the most likely cause. */
export function fixesOf(state: AppState): readonly Fix[] {
	if (!state.concluded || !state.session) {
		return [];
	}

	return (
		shownReport({session: state.session, server: state.server}).causes[0]
			?.fixes ?? []
	);
}

/** How many items the card has: the fixes, then the other causes. */
function cardItems(state: AppState): number {
	if (!state.concluded || !state.session) {
		return 0;
	}

	const {causes} = shownReport({session: state.session, server: state.server});
	return (causes[0]?.fixes.length ?? 0) + Math.max(0, causes.length - 1);
}

function conclude(state: AppState): AppState {
	const {session} = state;
	if (!session) {
		return state;
	}

	const done = plan(session).done;
	if (done && !state.concluded) {
		return {
			...state,
			concluded: true,
			walkEnd: state.now,
			fix: 0,
			lowerTop: 0,
			detail: false,
		};
	}

	return done ? state : {...state, concluded: false, walkEnd: undefined};
}

function engine(state: AppState, event: EngineEvent, now: number): AppState {
	if (!state.session) {
		return state;
	}

	const startedAt =
		event.type === 'started'
			? {...state.startedAt, [event.id]: now}
			: state.startedAt;
	return conclude({
		...state,
		now,
		startedAt,
		session: reduce(state.session, event),
	});
}

const clamp = (value: number, low: number, high: number) =>
	Math.max(low, Math.min(high, value));

/** Move the tree selection by a number of nodes (from the followed node when none is selected). */
function moveCursor(state: AppState, by: number | 'first' | 'last'): AppState {
	const view = layout(state);
	const nodes = view.treeNodes;
	if (nodes.length === 0) {
		return state;
	}

	const current = Math.max(0, nodes.indexOf(view.cursor ?? 'root'));
	const index =
		by === 'first'
			? 0
			: by === 'last'
				? nodes.length - 1
				: clamp(current + by, 0, nodes.length - 1);
	return {...state, cursor: nodes[index], lowerTop: 0};
}

function scrollLower(state: AppState, by: number | 'first' | 'last'): AppState {
	const view = layout(state);
	const max = Math.max(0, view.lowerTotal - view.lowerHeight);
	const top =
		by === 'first'
			? 0
			: by === 'last'
				? max
				: clamp(state.lowerTop + by, 0, max);
	return {...state, lowerTop: top};
}

/** Select a card item and scroll it into view. */
function selectItem(state: AppState, index: number): AppState {
	const count = cardItems(state);
	if (count === 0) {
		return state;
	}

	const fix = ((index % count) + count) % count;
	const next = {...state, fix};
	const view = layout(next);
	const row = view.itemRows[fix] ?? 0;
	// The whole item in view: from its first row to the row before the next item.
	const end = view.itemRows[fix + 1] ?? view.lowerTotal;
	const top =
		row < state.lowerTop
			? row
			: end > state.lowerTop + view.lowerHeight
				? Math.min(row, end - view.lowerHeight)
				: state.lowerTop;
	return {...next, lowerTop: Math.max(0, top)};
}

function toggle(list: readonly string[], key: string): string[] {
	return list.includes(key) ? list.filter(k => k !== key) : [...list, key];
}

function answer(state: AppState, index: number): AppState {
	const ask = plan(state.session!).ask!;
	const choice = ask.choices[index] ?? ask.choices[0]!;
	return engine(
		{
			...state,
			choice: 0,
			notice: undefined,
			cursor: questionKey(ask.key),
		},
		{type: 'answered', key: ask.key, value: choice.value},
		state.now,
	);
}

/** Keys while a question waits: ↑↓ pick a choice, enter or a digit answers. */
function askIntent(state: AppState, intent: Intent): AppState | undefined {
	const ask = plan(state.session!).ask;
	if (!ask || state.focus !== 'tree' || state.map || state.help) {
		return undefined;
	}

	const count = ask.choices.length;
	switch (intent.kind) {
		case 'move': {
			return {...state, choice: (state.choice + count + intent.by) % count};
		}

		case 'enter': {
			return answer(state, state.choice);
		}

		case 'pick': {
			return intent.index < count ? answer(state, intent.index) : state;
		}

		default: {
			return undefined;
		}
	}
}

function enter(state: AppState): AppState {
	if (state.focus === 'lower') {
		const {session} = state;
		const fixes = fixesOf(state).length;
		if (!session || state.fix < fixes) {
			return state;
		}

		const other = shownReport({session, server: state.server}).causes[
			state.fix - fixes + 1
		];
		return other
			? {...state, unfolded: toggle(state.unfolded, other.id)}
			: state;
	}

	const view = layout(state);
	const key = view.cursor;
	if (!key) {
		return state;
	}

	if (view.foldable.includes(key)) {
		return {...state, cursor: key, toggled: toggle(state.toggled, key)};
	}

	return {...state, cursor: key, detail: !state.detail, lowerTop: 0};
}

function back(state: AppState): AppState {
	if (state.server) {
		return serverBack(state);
	}

	const session = state.session!;
	const last = session.userAnswers.at(-1);
	if (last === undefined) {
		return {
			...state,
			notice: 'Nothing to go back to: you have not answered a question yet.',
		};
	}

	const question = session.tree.questions.find(q => q.key === last);
	const previous = session.answers[last]?.value ?? '';
	const label =
		question?.choices.find(c => c.value === previous)?.label ?? previous;
	return engine(
		{
			...state,
			choice: 0,
			cursor: undefined,
			focus: 'tree',
			detail: false,
			notice: `Back: your answer "${label}" to "${question?.prompt ?? last}" is undone; the tree regrows from there.`,
		},
		{type: 'back'},
		state.now,
	);
}

function copy(state: AppState): AppState {
	const fixes = fixesOf(state);
	const selected =
		fixes[state.fix] ?? (state.fix >= fixes.length ? fixes[0] : undefined);
	if (!selected) {
		return {
			...state,
			notice: state.concluded
				? 'There is no fix to copy.'
				: 'Nothing to copy yet: the fixes appear when the walk ends.',
		};
	}

	const index = fixes.indexOf(selected);
	return request(state, {kind: 'copy', text: selected.command, index});
}

function rerun(state: AppState): AppState {
	return engine(
		{
			...state,
			choice: 0,
			cursor: undefined,
			detail: false,
			focus: 'tree',
			startedAt: {},
			walkStart: state.now,
			previous: state.session,
			kept: [],
			server: undefined,
			notice: `Rerun: connecting to ${state.session!.target.input} again; a step runs again only when what it depends on changed (your answers are kept).`,
		},
		{type: 'rerun'},
		state.now,
	);
}

function navigate(state: AppState, intent: Intent): AppState {
	const lower = state.focus === 'lower' || state.map || state.help;
	const page = Math.max(1, layout(state).lowerHeight - 1);
	switch (intent.kind) {
		case 'move': {
			if (!lower) {
				return moveCursor(state, intent.by);
			}

			return state.detail || state.map || state.help || cardItems(state) === 0
				? scrollLower(state, intent.by)
				: selectItem(state, state.fix + intent.by);
		}

		case 'page': {
			return lower
				? scrollLower(state, intent.by * page)
				: moveCursor(
						state,
						intent.by * Math.max(1, layout(state).treeHeight - 1),
					);
		}

		case 'edge': {
			return lower
				? scrollLower(state, intent.to)
				: moveCursor(state, intent.to);
		}

		default: {
			return state;
		}
	}
}

/** Intents that act the same wherever the focus is. */
const commands: Partial<Record<Intent['kind'], (state: AppState) => AppState>> =
	{
		interrupt: state => request(state, {kind: 'quit', interrupted: true}),
		quit: state => request(state, {kind: 'quit', interrupted: false}),
		copy,
		back,
		rerun,
		learn: state => ({
			...state,
			learn: !state.learn,
			notice: state.learn
				? 'Learn mode off.'
				: 'Learn mode on: enter on a step says why it runs and how to read it.',
		}),
		help: state => ({...state, help: !state.help, map: false, lowerTop: 0}),
		map: state => ({...state, map: !state.map, help: false, lowerTop: 0}),
		export: state =>
			request({...state, notice: 'Writing the report...'}, {kind: 'export'}),
		focus: state => ({
			...state,
			focus: state.focus === 'tree' ? 'lower' : 'tree',
			lowerTop: state.focus === 'tree' ? state.lowerTop : 0,
		}),
		close: state =>
			state.help || state.map
				? {...state, help: false, map: false, lowerTop: 0}
				: {...state, detail: false, lowerTop: 0},
		enter,
	};

function walkIntentReduce(state: AppState, intent: Intent): AppState {
	const asked = askIntent(state, intent) ?? serverIntent(state, intent);
	if (asked) {
		return asked;
	}

	switch (intent.kind) {
		case 'move':
		case 'page':
		case 'edge': {
			return navigate(state, intent);
		}

		case 'pick': {
			return intent.index < fixesOf(state).length
				? selectItem({...state, focus: 'lower', detail: false}, intent.index)
				: state;
		}

		default: {
			return commands[intent.kind]?.(state) ?? state;
		}
	}
}

export function appReducer(state: AppState, action: AppAction): AppState {
	switch (action.type) {
		case 'key': {
			if (state.screen !== 'walk') {
				return startScreenKey(state, action.input, action.key);
			}

			// Keys typed faster than a frame arrive as one chunk: act on each, in order.
			if (
				action.input.length > 1 &&
				!action.key.ctrl &&
				!action.key.meta &&
				!action.input.startsWith('\u001B')
			) {
				let next = state;
				for (const char of action.input) {
					next = walkIntentReduce(
						next,
						walkIntent(char === '\r' ? '' : char, {
							...noKey,
							return: char === '\r',
						}),
					);
				}

				return next;
			}

			return walkIntentReduce(state, walkIntent(action.input, action.key));
		}

		case 'intent': {
			return state.screen === 'walk'
				? walkIntentReduce(state, action.intent)
				: state;
		}

		case 'engine': {
			return engine(state, action.event, action.now);
		}

		case 'start': {
			return start(state, action.target, action.practice, action.now);
		}

		case 'start-failed': {
			return {...state, screen: 'start', error: action.message};
		}

		case 'practice-failed': {
			return {
				...state,
				screen: 'start',
				error: `The practice case could not start: ${action.message}`,
			};
		}

		case 'notice': {
			return {...state, notice: action.text};
		}

		case 'tick': {
			return {...state, now: action.now};
		}

		case 'kept': {
			return {...state, kept: [...state.kept, action.id]};
		}

		case 'resize': {
			return {...state, columns: action.columns, rows: action.rows};
		}

		case 'server-done': {
			return serverDone(state, action.run, action.report);
		}
	}
}
