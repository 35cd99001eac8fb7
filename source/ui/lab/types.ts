/**
What the lab screens need from the labs, as plain data and functions (the composition root,
source/lab.ts, passes the real ones; tests pass fakes). The screens know no lab and no cause id.
*/
import type {Play} from '../../labs/score.js';

export type LabEntry = {
	readonly id: string;
	readonly title: string;
	readonly mode: 'guided' | 'hands-on';
	/** Playable here (a root lab without root is listed, not playable). */
	readonly available: boolean;
	readonly note?: string;
};

export type StartedLab = {
	readonly id: string;
	readonly title: string;
	readonly goal: string;
	readonly target: string;
	readonly shell: readonly string[];
	readonly fix: readonly string[];
	readonly lesson: string;
	/** Where the learner's files are. */
	readonly folder: string;
};

export type ViewStep = {
	readonly title: string;
	readonly status: string;
	readonly detail: string;
};

export type ViewCause = {
	readonly id: string;
	readonly title: string;
	readonly summary: string;
	readonly explanation: string;
	readonly fixes: readonly string[];
};

/** The diagnosis of the lab as the CLI's --json report gave it. */
export type LabDiagnosis = {
	readonly probe: string;
	/** The branch (its id) where the tree found the problem first; "none" when it found none. */
	readonly branch: string;
	/** The steps that ran, in tree order (the path). */
	readonly steps: readonly ViewStep[];
	readonly causes: readonly ViewCause[];
};

export type Choice = {readonly value: string; readonly label: string};

export type LabServices = {
	readonly list: () => readonly LabEntry[];
	readonly start: (id: string) => Promise<StartedLab>;
	readonly diagnose: () => Promise<LabDiagnosis | undefined>;
	readonly victory: () => Promise<{
		readonly ok: boolean;
		readonly output: string;
	}>;
	readonly stop: () => Promise<void>;
	/** The choices for "where will the tree find the problem?" (the tree's branches, and none). */
	readonly branchChoices: () => readonly Choice[];
	/** The choices for "which cause?": the lab's own among others (shuffled by the caller's seed). */
	readonly causeChoices: (id: string) => readonly Choice[];
	/** Score a finished play, record the progress, and say what was learned (one line per node of the path). */
	readonly finish: (
		id: string,
		play: Play,
		steps: readonly ViewStep[],
	) => {
		readonly score: number;
		readonly max: number;
		readonly learned: readonly string[];
	};
};
