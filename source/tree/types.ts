/**
The decision tree's vocabulary. Everything here is data: adding a cause or a check edits the
tables in this folder, not a component.
*/
import type {CauseEntry, CauseId} from './causes.js';
import type {Facts} from './facts.js';

/** Cause ids derive from the one registry in ./causes.ts. */
export {causeIds, type CauseId} from './causes.js';

export const outcomes = [
	'open',
	'refused',
	'timeout',
	'unreachable',
	'dns-failure',
] as const;
export type Outcome = (typeof outcomes)[number];

export const confidences = ['confirmed', 'likely', 'possible'] as const;
export type Confidence = (typeof confidences)[number];

/** How a step ended: passed (no problem here), problem (found one), unknown (could not tell), skipped. */
export type StepStatus = 'passed' | 'problem' | 'unknown' | 'skipped';

export type Fix = {
	/** The whole command (or config edit), ready to copy. */
	readonly command: string;
	/** One line: why this fixes it, and what it changes or exposes. */
	readonly why: string;
	/** The command that undoes it, where that makes sense (firewall changes). */
	readonly undo?: string;
};

/** A cause a check found, with evidence measured on this host. */
export type Finding = {
	readonly id: CauseId;
	readonly confidence: Confidence;
	/** One sentence, specific to this target: "postgres listens on 127.0.0.1:5432 only; you dialed 10.0.0.5". */
	readonly summary: string;
	/** Lines of real output (or file:line quotes) that support it. */
	readonly evidence: readonly string[];
	readonly fixes: readonly Fix[];
};

export type CheckResult = {
	readonly status: StepStatus;
	/** One line: the result in words. For unknown, say why and give the command to check by hand. */
	readonly detail: string;
	/** The command(s) run, for display and the report. */
	readonly command?: string;
	/** Last lines of relevant output, shown on screen and in the markdown report. */
	readonly output?: readonly string[];
	readonly facts?: Facts;
	readonly findings?: readonly Finding[];
};

/** A registry entry with its id (see ./causes.ts). */
export type CauseNode = CauseEntry & {readonly id: CauseId};

/** Keys of the clarifying questions; also the `--answer key=value` keys. */
export const questionKeys = ['container', 'proxy', 'client'] as const;
export type QuestionKey = (typeof questionKeys)[number];

export type QuestionChoice = {readonly value: string; readonly label: string};

export type AutoAnswer = {readonly value: string; readonly evidence: string};

export type QuestionNode = {
	readonly kind: 'question';
	readonly key: QuestionKey;
	readonly prompt: string;
	/** One short line: why the tool asks. */
	readonly why: string;
	/** What `--help` says about the key. */
	readonly help: string;
	readonly choices: readonly QuestionChoice[];
	/** Checks whose facts the question needs before it can be asked or answered automatically. */
	readonly after: readonly string[];
	/** Is the question relevant at all, given the facts? */
	readonly when: (facts: Facts) => boolean;
	/** The tool answers it itself when it can; undefined means it has to ask. */
	readonly auto: (facts: Facts) => AutoAnswer | undefined;
};

export type Answers = Partial<Record<QuestionKey, string>>;

export type CheckNode = {
	readonly kind: 'check';
	readonly id: string;
	readonly title: string;
	/** Learn mode: why this step runs. */
	readonly why: string;
	/** Learn mode: how to read its output. */
	readonly read: string;
	/** Checks that must finish first (their facts feed this one). */
	readonly after: readonly string[];
	/**
	Checks whose facts only its judge reads: its measurement starts without them (its commands run
	beside theirs), and its judge waits until they are done. They count as inputs like `after`.
	*/
	readonly awaits?: readonly string[];
	/** Questions whose answers this check uses (it waits for them, and reruns when they change). */
	readonly uses?: readonly QuestionKey[];
	/** Run it (true) or skip it (a string saying why it does not apply). */
	readonly when: (facts: Facts, answers: Answers) => true | string;
	/**
	The check's own part of its time limit. The driver enforces (and the screen shows)
	`enforcedLimitMs(node, --timeout)` from engine/driver.ts: this plus the probe timeout it may
	wait on, with room for its commands.
	*/
	readonly timeoutMs: number;
	/** The facts it may write; the driver turns an undeclared one into an "unknown" step. */
	readonly writes?: ReadonlyArray<Exclude<keyof Facts, 'target'>>;
};

export type Tree = {
	readonly checks: readonly CheckNode[];
	readonly questions: readonly QuestionNode[];
	readonly causes: readonly CauseNode[];
};
