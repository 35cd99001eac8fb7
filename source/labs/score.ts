/**
Scoring, pure. Guided (max 6): 1 point for the probe predicted, 1 for the branch where the tree
finds the problem, 2 for the cause, 2 for the fix that makes the client connect. Hands-on (max 5):
5 for the fix, minus one per hint taken (at most 3 off).
*/
export type Play =
	| {
			readonly mode: 'guided';
			readonly probeRight: boolean;
			readonly branchRight: boolean;
			readonly causeRight: boolean;
			readonly solved: boolean;
	  }
	| {
			readonly mode: 'hands-on';
			readonly hints: number;
			readonly solved: boolean;
	  };

export const maxScore = 5;

export const maxOf = (mode: Play['mode']) => (mode === 'guided' ? 6 : maxScore);

export function scorePlay(play: Play): number {
	if (play.mode === 'guided') {
		return (
			(play.probeRight ? 1 : 0) +
			(play.branchRight ? 1 : 0) +
			(play.causeRight ? 2 : 0) +
			(play.solved ? 2 : 0)
		);
	}

	return play.solved ? maxScore - Math.min(play.hints, 3) : 0;
}

/** What was learned: one line per node of the path (the steps that ran), then the lab's lesson. */
export function learned(
	steps: ReadonlyArray<{readonly title: string; readonly detail: string}>,
	lesson: string,
): string[] {
	return [
		...steps.map(step => `${step.title}: ${step.detail.split('\n')[0] ?? ''}`),
		lesson,
	];
}
