/**
The engine: a pure reducer that walks the tree from the facts the checks measured and the
answers given. No I/O, no timers, no React: the driver (the CLI's report path or the Ink hook)
starts the checks `plan()` names and feeds their results back as events.
*/
import type {Facts, Target} from '../tree/facts.js';
import type {
	Answers,
	CheckNode,
	CheckResult,
	QuestionKey,
	QuestionNode,
	Tree,
} from '../tree/types.js';

export type StepState = {
	readonly id: string;
	readonly state: 'running' | 'done';
	readonly command?: string;
	/** Last output lines while running (bounded). */
	readonly lines: readonly string[];
	readonly result?: CheckResult;
};

export type AnswerRecord = {
	/** Undefined when the question stays unanswered (non-interactive, no --answer). */
	readonly value: string | undefined;
	readonly by: 'flag' | 'user' | 'auto' | 'unanswered';
	readonly evidence?: string;
};

export type Session = {
	readonly tree: Tree;
	readonly target: Target;
	/** Interactive sessions ask questions; others record them as unanswered. */
	readonly interactive: boolean;
	/** Bumped by rerun: results of an older run are ignored. */
	readonly generation: number;
	readonly steps: Readonly<Record<string, StepState>>;
	readonly answers: Readonly<Partial<Record<QuestionKey, AnswerRecord>>>;
	/** Keys the user answered, oldest first (what `back` undoes). */
	readonly userAnswers: readonly QuestionKey[];
	/** Answers given ahead of time (--answer); kept across reruns. */
	readonly preset: Answers;
};

export type EngineEvent =
	| {readonly type: 'started'; readonly id: string; readonly generation: number}
	| {
			readonly type: 'command';
			readonly id: string;
			readonly command: string;
			readonly generation: number;
	  }
	| {
			readonly type: 'line';
			readonly id: string;
			readonly line: string;
			readonly generation: number;
	  }
	| {
			readonly type: 'finished';
			readonly id: string;
			readonly result: CheckResult;
			readonly generation: number;
	  }
	| {
			readonly type: 'answered';
			readonly key: QuestionKey;
			readonly value: string;
	  }
	| {readonly type: 'back'}
	| {readonly type: 'rerun'};

export type Plan = {
	/** Checks ready to start now (their prerequisites are done). */
	readonly start: readonly CheckNode[];
	/** The question to ask now, if any. */
	readonly ask?: QuestionNode;
	readonly running: readonly string[];
	readonly done: boolean;
};

const maxLines = 5;

export function startSession(
	tree: Tree,
	target: Target,
	options: {readonly interactive: boolean; readonly answers?: Answers},
): Session {
	const preset = options.answers ?? {};
	return settle({
		tree,
		target,
		interactive: options.interactive,
		generation: 0,
		steps: {},
		answers: presetRecords(preset),
		userAnswers: [],
		preset,
	});
}

function presetRecords(preset: Answers): Session['answers'] {
	const answers: Partial<Record<QuestionKey, AnswerRecord>> = {};
	for (const [key, value] of Object.entries(preset) as Array<
		[QuestionKey, string | undefined]
	>) {
		if (value !== undefined) {
			answers[key] = {value, by: 'flag'};
		}
	}

	return answers;
}

/** The facts measured so far: the target, then each finished check's facts in tree order. */
export function factsOf(session: Session): Facts {
	let facts: Facts = {target: session.target};
	for (const node of session.tree.checks) {
		const result = session.steps[node.id]?.result;
		if (result?.facts) {
			facts = {...facts, ...result.facts};
		}
	}

	return facts;
}

export function answersOf(session: Session): Answers {
	const answers: Answers = {};
	for (const [key, record] of Object.entries(session.answers) as Array<
		[QuestionKey, AnswerRecord]
	>) {
		if (record.value !== undefined) {
			answers[key] = record.value;
		}
	}

	return answers;
}

export const isDone = (session: Session, id: string) =>
	session.steps[id]?.state === 'done';

function questionReady(session: Session, question: QuestionNode): boolean {
	return question.after.every(id => isDone(session, id));
}

/** A question is settled when it has a record, or when it does not apply. */
function questionSettled(
	session: Session,
	key: QuestionKey,
	facts: Facts,
): boolean {
	if (session.answers[key]) {
		return true;
	}

	const question = session.tree.questions.find(q => q.key === key);
	if (!question) {
		return true;
	}

	return questionReady(session, question) && !question.when(facts);
}

function checkReady(session: Session, node: CheckNode, facts: Facts): boolean {
	return (
		session.steps[node.id] === undefined &&
		node.after.every(id => isDone(session, id)) &&
		(node.uses ?? []).every(key => questionSettled(session, key, facts))
	);
}

/** Apply everything that needs no I/O: skipped checks, automatic answers, unanswered questions. */
function settle(session: Session): Session {
	let current = session;
	for (;;) {
		const facts = factsOf(current);
		const answers = answersOf(current);
		let changed = false;
		const steps = {...current.steps};
		const records = {...current.answers};
		for (const node of current.tree.checks) {
			if (checkReady(current, node, facts)) {
				const verdict = node.when(facts, answers);
				if (verdict !== true) {
					steps[node.id] = {
						id: node.id,
						state: 'done',
						lines: [],
						result: {status: 'skipped', detail: verdict},
					};
					changed = true;
				}
			}
		}

		for (const question of current.tree.questions) {
			if (
				records[question.key] !== undefined ||
				!questionReady(current, question) ||
				!question.when(facts)
			) {
				continue;
			}

			const auto = question.auto(facts);
			if (auto) {
				records[question.key] = {
					value: auto.value,
					by: 'auto',
					evidence: auto.evidence,
				};
				changed = true;
			} else if (!current.interactive) {
				records[question.key] = {value: undefined, by: 'unanswered'};
				changed = true;
			}
		}

		if (!changed) {
			return current;
		}

		current = {...current, steps, answers: records};
	}
}

export function plan(session: Session): Plan {
	const facts = factsOf(session);
	const start = session.tree.checks.filter(node =>
		checkReady(session, node, facts),
	);
	const running = Object.values(session.steps)
		.filter(step => step.state === 'running')
		.map(step => step.id);
	const ask = session.interactive
		? session.tree.questions.find(
				q =>
					!session.answers[q.key] && questionReady(session, q) && q.when(facts),
			)
		: undefined;
	return {
		start,
		ask,
		running,
		done: start.length === 0 && running.length === 0 && !ask,
	};
}

/** Checks that depend on `ids`, directly or through other checks, in tree order. */
function dependents(tree: Tree, ids: ReadonlySet<string>): Set<string> {
	const result = new Set(ids);
	for (const node of tree.checks) {
		if ([...node.after, ...(node.awaits ?? [])].some(id => result.has(id))) {
			result.add(node.id);
		}
	}

	return result;
}

function withoutSteps(session: Session, ids: ReadonlySet<string>): Session {
	const steps = Object.fromEntries(
		Object.entries(session.steps).filter(([id]) => !ids.has(id)),
	);
	return {...session, steps};
}

export function reduce(session: Session, event: EngineEvent): Session {
	switch (event.type) {
		case 'started':
		case 'command':
		case 'line':
		case 'finished': {
			if (event.generation !== session.generation) {
				return session;
			}

			const previous = session.steps[event.id];
			if (event.type === 'started') {
				return {
					...session,
					steps: {
						...session.steps,
						[event.id]: {id: event.id, state: 'running', lines: []},
					},
				};
			}

			if (previous?.state !== 'running') {
				return session;
			}

			if (event.type === 'command') {
				return {
					...session,
					steps: {
						...session.steps,
						[event.id]: {...previous, command: event.command},
					},
				};
			}

			if (event.type === 'line') {
				const lines = [...previous.lines, event.line].slice(-maxLines);
				return {
					...session,
					steps: {...session.steps, [event.id]: {...previous, lines}},
				};
			}

			return settle({
				...session,
				steps: {
					...session.steps,
					[event.id]: {...previous, state: 'done', result: event.result},
				},
			});
		}

		case 'answered': {
			const answers = {
				...session.answers,
				[event.key]: {value: event.value, by: 'user' as const},
			};
			const userAnswers = [
				...session.userAnswers.filter(key => key !== event.key),
				event.key,
			];
			return settle({...session, answers, userAnswers});
		}

		case 'back': {
			const key = session.userAnswers.at(-1);
			if (key === undefined) {
				return session;
			}

			const answers = {...session.answers};
			delete answers[key];
			const users = new Set(
				session.tree.checks
					.filter(node => node.uses?.includes(key))
					.map(node => node.id),
			);
			const cleared = withoutSteps(session, dependents(session.tree, users));
			return settle({
				...cleared,
				answers,
				userAnswers: session.userAnswers.slice(0, -1),
			});
		}

		case 'rerun': {
			const answers = {...session.answers};
			for (const [key, record] of Object.entries(answers) as Array<
				[QuestionKey, AnswerRecord]
			>) {
				if (record.by === 'auto' || record.by === 'unanswered') {
					delete answers[key];
				}
			}

			return settle({
				...session,
				generation: session.generation + 1,
				steps: {},
				answers,
			});
		}
	}
}
