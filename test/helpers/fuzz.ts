/**
Random and damaged input for the parsers' own property tests (each parser test file checks what its
parser promises on it: no throw, and the invariants of its output). Seed and case count come from
FC_SEED and FC_RUNS, and the test names print them.
*/
import fc from 'fast-check';

export const seed = Number(process.env['FC_SEED'] ?? 20_261_201);
export const runs = Number(process.env['FC_RUNS'] ?? 4000);

/** A capture with random damage: bytes inserted, spans cut (lines torn, repeated fields lost). */
export function damaged(text: string): fc.Arbitrary<string> {
	return fc
		.array(
			fc.tuple(
				fc.nat(),
				fc.nat({max: 40}),
				fc.string({unit: 'binary', maxLength: 12}),
			),
			{maxLength: 8},
		)
		.map(edits =>
			edits.reduce((result, [at, cut, insert]) => {
				const index = at % (result.length + 1);
				return result.slice(0, index) + insert + result.slice(index + cut);
			}, text),
		);
}

/** Random text, or one of the captures damaged. */
export function inputs(captures: readonly string[]): fc.Arbitrary<string> {
	return fc.oneof(
		fc.string({unit: 'binary', maxLength: 400}),
		...captures.map(capture => damaged(capture)),
	);
}
