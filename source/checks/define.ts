/**
The shape of every check: measure (all I/O through `Io`, typed observations out), judge (pure:
observations, facts and answers in, the step's result out) and explain (pure: the words, evidence
and fixes of a finding, kept in the check's `explain.ts` and called by its judge).

Judges are unit-tested on recorded observations, with no fake command table: a test builds the
observations (or loads them from a fixture through the check's parsers) and calls `judge`.
*/
import type {Facts, Target} from '../tree/facts.js';
import type {Answers, CheckResult} from '../tree/types.js';
import type {CheckContext, CheckRun} from './types.js';

/** What a judge may look at: everything but I/O. */
export type JudgeInput = {
	readonly target: Target;
	readonly facts: Facts;
	readonly answers: Answers;
	/** The probe timeout the user asked for (--timeout), in ms. */
	readonly timeoutMs: number;
	/** Effective uid where this runs (root gets no `sudo` prefix). */
	readonly uid: number | undefined;
};

export type Check<Observations> = {
	/** All I/O, through `context.io`; never throws for an expected failure (it is an observation). */
	readonly measure: (context: CheckContext) => Promise<Observations>;
	/** Pure: no I/O, no clock, no randomness. */
	readonly judge: (
		observations: Observations,
		input: JudgeInput,
	) => CheckResult;
};

export const judgeInput = (context: CheckContext): JudgeInput => ({
	target: context.target,
	facts: context.facts,
	answers: context.answers,
	timeoutMs: context.timeoutMs,
	uid: context.io.uid,
});

/**
The runnable form the driver starts: measure, then judge. The judge sees the facts as they are once
the checks the node `awaits` are done (its measurement ran beside them).
*/
export function defineCheck<Observations>(
	check: Check<Observations>,
): CheckRun & {readonly check: Check<Observations>} {
	const run = async (context: CheckContext) => {
		const observations = await check.measure(context);
		const facts = context.settled ? await context.settled() : context.facts;
		return check.judge(observations, judgeInput({...context, facts}));
	};

	return Object.assign(run, {check});
}
