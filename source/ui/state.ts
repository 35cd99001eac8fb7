/**
The app's state machine: the engine session plus what the screen needs (the log of finished
steps, the selected choice and fix, learn mode, notices, requested side effects). Pure: every key
goes through `appReducer`, so keys sent in one burst act on the state the user saw, in order.
Side effects (copy, export, quit, the practice server) are queued as requests that the hook runs.
*/
import {
	answersOf,
	factsOf,
	plan,
	reduce,
	startSession,
	type AnswerRecord,
	type EngineEvent,
	type Session,
} from '../engine/session.js';
import {buildReport, type Report} from '../report/model.js';
import type {ProbeFacts, Target} from '../tree/facts.js';
import type {
	Answers,
	CheckNode,
	CheckResult,
	Fix,
	QuestionNode,
	Tree,
} from '../tree/types.js';
import {targetOrMessage} from '../parsers/error-message.js';

export type Key = {
	readonly upArrow: boolean;
	readonly downArrow: boolean;
	readonly return: boolean;
	readonly escape: boolean;
	readonly tab: boolean;
	readonly backspace: boolean;
	readonly delete: boolean;
	readonly ctrl: boolean;
	readonly meta: boolean;
};

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	return: false,
	escape: false,
	tab: false,
	backspace: false,
	delete: false,
	ctrl: false,
	meta: false,
};

export type Request =
	| {
			readonly id: number;
			readonly kind: 'copy';
			readonly text: string;
			readonly index: number;
	  }
	| {readonly id: number; readonly kind: 'export'}
	| {readonly id: number; readonly kind: 'quit'}
	| {readonly id: number; readonly kind: 'practice'};

type RequestBody = Request extends infer R
	? R extends {id: number}
		? Omit<R, 'id'>
		: never
	: never;

export type LogEntry = {readonly key: string} & (
	| {
			readonly kind: 'intro';
			readonly target: Target;
			readonly practice?: string;
	  }
	| {
			readonly kind: 'step';
			readonly node: CheckNode;
			readonly result: CheckResult;
			readonly learn: boolean;
	  }
	| {
			readonly kind: 'answer';
			readonly question: QuestionNode;
			readonly record: AnswerRecord;
	  }
	| {
			readonly kind: 'handshake';
			readonly probe: ProbeFacts;
			readonly port: number;
	  }
	| {
			readonly kind: 'learn';
			readonly steps: ReadonlyArray<{
				readonly node: CheckNode;
				readonly result: CheckResult;
			}>;
	  }
	| {readonly kind: 'note'; readonly text: string}
	| {readonly kind: 'conclusion'; readonly report: Report}
);

type LogBody = LogEntry extends infer E
	? E extends {key: string}
		? Omit<E, 'key'>
		: never
	: never;

export type AppState = {
	readonly tree: Tree;
	readonly preset: Answers;
	readonly screen: 'start' | 'starting' | 'walk';
	/** Start screen: the target being typed, which line is selected (0 the field, 1 the practice case), an error. */
	readonly text: string;
	readonly field: 0 | 1;
	readonly error?: string;
	readonly session?: Session;
	/** The practice case's description, when one runs. */
	readonly practice?: string;
	/** Everything printed once and kept in the scrollback (Ink's <Static>). */
	readonly log: readonly LogEntry[];
	readonly nextKey: number;
	/** Steps already in the log, as "generation:id". */
	readonly logged: readonly string[];
	readonly loggedAnswers: readonly string[];
	readonly concluded: boolean;
	readonly handshakeShown: boolean;
	/** Highlighted choice of the current question, and highlighted fix at the end. */
	readonly choice: number;
	readonly fix: number;
	readonly learn: boolean;
	readonly help: boolean;
	readonly notice?: string;
	readonly requests: readonly Request[];
	readonly nextRequest: number;
	readonly columns: number;
	readonly rows: number;
};

export type AppAction =
	| {readonly type: 'key'; readonly input: string; readonly key: Key}
	| {readonly type: 'engine'; readonly event: EngineEvent}
	| {
			readonly type: 'start';
			readonly target: Target;
			readonly practice?: string;
	  }
	| {readonly type: 'practice-failed'; readonly message: string}
	| {readonly type: 'notice'; readonly text: string}
	| {readonly type: 'resize'; readonly columns: number; readonly rows: number};

export function initialState(options: {
	readonly tree: Tree;
	readonly answers?: Answers;
	readonly target?: Target;
	readonly columns?: number;
	readonly rows?: number;
}): AppState {
	const state: AppState = {
		tree: options.tree,
		preset: options.answers ?? {},
		screen: 'start',
		text: '',
		field: 0,
		log: [],
		nextKey: 0,
		logged: [],
		loggedAnswers: [],
		concluded: false,
		handshakeShown: false,
		choice: 0,
		fix: 0,
		learn: false,
		help: false,
		requests: [],
		nextRequest: 1,
		columns: options.columns ?? 80,
		rows: options.rows ?? 24,
	};
	return options.target ? start(state, options.target) : state;
}

function append(state: AppState, ...bodies: LogBody[]): AppState {
	let {nextKey} = state;
	const entries = bodies.map(body => ({...body, key: `log-${nextKey++}`}));
	return {...state, log: [...state.log, ...entries], nextKey};
}

function request(state: AppState, body: RequestBody): AppState {
	const entry: Request = {...body, id: state.nextRequest};
	return {
		...state,
		requests: [...state.requests.slice(-19), entry],
		nextRequest: state.nextRequest + 1,
	};
}

function start(state: AppState, target: Target, practice?: string): AppState {
	const session = startSession(state.tree, target, {
		interactive: true,
		answers: state.preset,
	});
	const begun: AppState = {
		...state,
		screen: 'walk',
		session,
		...(practice ? {practice} : {}),
		error: undefined,
		notice: undefined,
	};
	return sync(
		append(begun, {kind: 'intro', target, ...(practice ? {practice} : {})}),
	);
}

/** The fixes the user can select and copy: those of the most likely cause. */
export function fixesOf(state: AppState): readonly Fix[] {
	if (!state.concluded || !state.session) {
		return [];
	}

	return buildReport(state.session).causes[0]?.fixes ?? [];
}

/** Bring the log up to date with the session: finished steps, answers, handshake, conclusion. */
function sync(state: AppState): AppState {
	const {session} = state;
	if (!session) {
		return state;
	}

	const bodies: LogBody[] = [];
	const generation = String(session.generation);
	const isLogged = (id: string) => state.logged.includes(`${generation}:${id}`);
	// Steps that were cleared (back, rerun) are logged again when they finish again.
	const logged = state.logged.filter(entry => {
		const [gen, id] = entry.split(/:(.*)/s) as [string, string];
		return gen === generation && session.steps[id]?.state === 'done';
	});
	let {handshakeShown} = state;
	for (const node of session.tree.checks) {
		const step = session.steps[node.id];
		if (step?.state !== 'done' || !step.result || isLogged(node.id)) {
			continue;
		}

		logged.push(`${generation}:${node.id}`);
		bodies.push({kind: 'step', node, result: step.result, learn: state.learn});
		const probe = step.result.facts?.probe;
		if (state.learn && probe && !handshakeShown) {
			bodies.push({kind: 'handshake', probe, port: session.target.port});
			handshakeShown = true;
		}
	}

	const loggedAnswers = state.loggedAnswers.filter(
		key => session.answers[key as keyof Session['answers']],
	);
	for (const question of session.tree.questions) {
		const record = session.answers[question.key];
		if (
			record &&
			record.by !== 'unanswered' &&
			!loggedAnswers.includes(question.key)
		) {
			loggedAnswers.push(question.key);
			bodies.push({kind: 'answer', question, record});
		}
	}

	const done = plan(session).done;
	let {concluded, fix} = state;
	if (done && !concluded) {
		bodies.push({kind: 'conclusion', report: buildReport(session)});
		concluded = true;
		fix = 0;
	} else if (!done) {
		concluded = false;
	}

	return append(
		{...state, logged, loggedAnswers, handshakeShown, concluded, fix},
		...bodies,
	);
}

function engine(state: AppState, event: EngineEvent): AppState {
	if (!state.session) {
		return state;
	}

	return sync({...state, session: reduce(state.session, event)});
}

const isPrintable = (input: string, key: Key) =>
	input.length > 0 &&
	!key.ctrl &&
	!key.meta &&
	!key.escape &&
	!key.return &&
	!key.tab &&
	!/[\u0000-\u001F\u007F]/.test(input);

/** A pasted error message (several lines): decode it whole, and start where the client dialed. */
function pastedMessage(state: AppState, input: string): AppState {
	const found = targetOrMessage(input);
	return 'error' in found
		? {...state, field: 0, text: '', error: found.error}
		: start(state, found);
}

function startScreenKey(state: AppState, input: string, key: Key): AppState {
	if (state.screen === 'starting') {
		return key.ctrl && input === 'c' ? request(state, {kind: 'quit'}) : state;
	}

	if ((key.ctrl && input === 'c') || key.escape) {
		return request(state, {kind: 'quit'});
	}

	// A paste (or keys typed faster than a frame) arrives as one chunk: apply it a character at a time.
	if (
		input.length > 1 &&
		!key.ctrl &&
		!key.meta &&
		!input.startsWith('\u001B')
	) {
		if (/\S[\r\n]+\S/.test(input)) {
			return pastedMessage(state, input);
		}

		let next = state;
		for (const char of input) {
			const isEnter = char === '\r' || char === '\n';
			const isBackspace = char === '\u007F' || char === '\b';
			next =
				next.screen === 'walk'
					? next
					: startScreenKey(next, isEnter || isBackspace ? '' : char, {
							...noKey,
							return: isEnter,
							backspace: isBackspace,
						});
		}

		return next;
	}

	if (key.upArrow || key.downArrow || key.tab) {
		return {...state, field: state.field === 0 ? 1 : 0};
	}

	if (key.return) {
		if (state.field === 1) {
			return request(
				{...state, screen: 'starting', error: undefined},
				{kind: 'practice'},
			);
		}

		if (state.text.trim() === '') {
			return {
				...state,
				error:
					'Type a target first (for example localhost:5432), or choose the practice case.',
			};
		}

		const parsed = targetOrMessage(state.text);
		if ('error' in parsed) {
			return {...state, error: parsed.error};
		}

		return start(state, parsed);
	}

	if (key.backspace || key.delete) {
		return {
			...state,
			field: 0,
			text: state.text.slice(0, -1),
			error: undefined,
		};
	}

	if (isPrintable(input, key)) {
		return {...state, field: 0, text: state.text + input, error: undefined};
	}

	return state;
}

function toggleLearn(state: AppState): AppState {
	if (state.learn) {
		return {...state, learn: false, notice: 'Learn mode off.'};
	}

	const on: AppState = {
		...state,
		learn: true,
		notice: 'Learn mode on: each step says why it runs and how to read it.',
	};
	const session = state.session!;
	const done = session.tree.checks.flatMap(node => {
		const result = session.steps[node.id]?.result;
		// Skipped steps did not run: their reason is on screen already.
		return result &&
			session.steps[node.id]?.state === 'done' &&
			result.status !== 'skipped'
			? [{node, result}]
			: [];
	});
	const bodies: LogBody[] = [];
	if (done.length > 0) {
		bodies.push({kind: 'learn', steps: done});
	}

	const probe = factsOf(session).probe;
	let {handshakeShown} = on;
	if (probe && !handshakeShown) {
		bodies.push({kind: 'handshake', probe, port: session.target.port});
		handshakeShown = true;
	}

	return append({...on, handshakeShown}, ...bodies);
}

function walkKey(state: AppState, input: string, key: Key): AppState {
	const session = state.session!;
	if ((key.ctrl && input === 'c') || input === 'q') {
		return request(state, {kind: 'quit'});
	}

	if (key.ctrl || key.meta) {
		return state;
	}

	const current = plan(session);
	const {ask} = current;
	if (ask) {
		const count = ask.choices.length;
		if (key.upArrow || input === 'k') {
			return {...state, choice: (state.choice + count - 1) % count};
		}

		if (key.downArrow || input === 'j') {
			return {...state, choice: (state.choice + 1) % count};
		}

		const digit = /^[1-9]$/.test(input) ? Number(input) - 1 : undefined;
		if (key.return || (digit !== undefined && digit < count)) {
			const choice = ask.choices[digit ?? state.choice] ?? ask.choices[0]!;
			return engine(
				{...state, choice: 0, notice: undefined},
				{type: 'answered', key: ask.key, value: choice.value},
			);
		}
	}

	const fixes = fixesOf(state);
	if (!ask && fixes.length > 0) {
		if (key.upArrow || input === 'k') {
			return {...state, fix: (state.fix + fixes.length - 1) % fixes.length};
		}

		if (key.downArrow || input === 'j') {
			return {...state, fix: (state.fix + 1) % fixes.length};
		}

		if (/^[1-9]$/.test(input) && Number(input) <= fixes.length) {
			return {...state, fix: Number(input) - 1};
		}
	}

	switch (input) {
		case '?': {
			return toggleLearn(state);
		}

		case 'h': {
			return {...state, help: !state.help};
		}

		case 'c': {
			const selected = fixes[state.fix];
			if (!selected) {
				return {
					...state,
					notice: state.concluded
						? 'There is no fix to copy.'
						: 'Nothing to copy yet: the fixes appear when the walk ends.',
				};
			}

			return request(state, {
				kind: 'copy',
				text: selected.command,
				index: state.fix,
			});
		}

		case 'e': {
			return request(
				{...state, notice: 'Writing the report...'},
				{kind: 'export'},
			);
		}

		case 'b': {
			const last = session.userAnswers.at(-1);
			if (last === undefined) {
				return {
					...state,
					notice:
						'Nothing to go back to: you have not answered a question yet.',
				};
			}

			const question = session.tree.questions.find(q => q.key === last);
			const previous = session.answers[last]?.value ?? '';
			const label =
				question?.choices.find(c => c.value === previous)?.label ?? previous;
			const back = append(
				{...state, choice: 0, notice: undefined},
				{
					kind: 'note',
					text: `Back: your answer "${label}" to "${question?.prompt ?? last}" is undone; the walk recomputes from there.`,
				},
			);
			return engine(back, {type: 'back'});
		}

		case 'r': {
			const kept = Object.keys(answersOf(session)).length;
			const rerun = append(
				{...state, notice: undefined, choice: 0},
				{
					kind: 'note',
					text: `Rerun: connecting to ${session.target.input} again, with every check after it, to verify a fix${
						kept > 0 ? ' (your answers are kept)' : ''
					}.`,
				},
			);
			return engine(rerun, {type: 'rerun'});
		}

		default: {
			break;
		}
	}

	if (key.escape && state.help) {
		return {...state, help: false};
	}

	return state;
}

export function appReducer(state: AppState, action: AppAction): AppState {
	switch (action.type) {
		case 'key': {
			return state.screen === 'walk'
				? walkKey(state, action.input, action.key)
				: startScreenKey(state, action.input, action.key);
		}

		case 'engine': {
			return engine(state, action.event);
		}

		case 'start': {
			return start(state, action.target, action.practice);
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

		case 'resize': {
			return {...state, columns: action.columns, rows: action.rows};
		}
	}
}
