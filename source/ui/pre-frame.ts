/**
The walk screen's first frame, drawn before React, Ink and Yoga are loaded (on this machine they take
longer to load than everything before them): the app's own initial state (`initialState`), its own
`layout`, and the styles of components/screen.tsx (`toneColors`, bold, inverse), written as plain
ANSI. Ink's first frame then replaces it, cleared in the same write (terminal.ts).
*/
import type {Target} from '../tree/facts.js';
import type {Answers, Tree} from '../tree/types.js';
import {layout} from './layout.js';
import {asciiText, toneColors, type Row} from './rows.js';
import {initialState} from './state.js';
import type {Theme} from './theme.js';

/** SGR codes of the colours the screen uses (as chalk writes them for Ink). */
const sgr: Readonly<Record<string, number>> = {
	red: 31,
	green: 32,
	yellow: 33,
	magenta: 35,
	cyan: 36,
	gray: 90,
};

function rowAnsi(row: Row, theme: Theme): string {
	return row
		.map(segment => {
			const text = theme.ascii ? asciiText(segment.text) : segment.text;
			if (!theme.color) {
				return text;
			}

			const codes = [
				...(segment.bold ? [1] : []),
				...(segment.inverse ? [7] : []),
				...(segment.tone ? [sgr[toneColors[segment.tone]]!] : []),
			];
			return codes.length === 0
				? text
				: `\u001B[${codes.join(';')}m${text}\u001B[0m`;
		})
		.join('');
}

const padded = (rows: readonly Row[], height: number): Row[] => [
	...rows,
	...Array.from({length: Math.max(0, height - rows.length)}, (): Row => []),
];

export type PreFrameOptions = {
	readonly tree: Tree;
	readonly target: Target;
	readonly answers: Answers;
	readonly timeoutMs: number;
	readonly columns: number;
	readonly rows: number;
	readonly now: number;
	readonly theme: Theme;
};

/** The rows WalkScreen draws for the app's initial state, as text for the terminal. */
export function preFrame(options: PreFrameOptions): string {
	const state = initialState(options);
	const view = layout(state, options.theme.ascii);
	const rows = [
		view.header,
		...padded(view.tree, view.treeHeight),
		...padded(view.lower, view.lowerHeight),
		...view.notice,
		view.footer,
	];
	return rows.map(row => rowAnsi(row, options.theme)).join('\n');
}
