/**
Screen rows: every pane is a list of rows of styled segments, cut to the pane's width by the code
that builds them. Heights are then exact, so the layout can promise what fits in 80x24 or 60x20.
*/
import {visible} from '../text/sanitize.js';

export type Tone =
	| 'passed'
	| 'problem'
	| 'unknown'
	| 'muted'
	| 'accent'
	| 'learn'
	| 'note'
	| 'fix';

/** The colour of each tone, as Ink names it (components/screen.tsx; pre-frame.ts writes the same). */
export const toneColors: Readonly<Record<Tone, string>> = {
	passed: 'green',
	problem: 'red',
	unknown: 'yellow',
	muted: 'gray',
	accent: 'cyan',
	learn: 'cyan',
	note: 'magenta',
	fix: 'green',
};

export type Segment = {
	readonly text: string;
	readonly tone?: Tone;
	readonly bold?: boolean;
	readonly inverse?: boolean;
};

export type Row = readonly Segment[];

export const rowText = (row: Row) => row.map(segment => segment.text).join('');

/** Text from the system, safe for one screen line: control characters shown as \xNN. */
export const oneLine = (text: string) => visible(text, {oneLine: true});

/** Cut a text to a width, with an ellipsis when it was longer. */
export function cut(text: string, width: number, ascii = false): string {
	if (width <= 0) {
		return '';
	}

	const chars = [...text];
	if (chars.length <= width) {
		return text;
	}

	const more = ascii ? '~' : '…';
	return chars.slice(0, Math.max(0, width - 1)).join('') + more;
}

/** Wrap a text to a width: at spaces where possible, hard breaks for long words (commands stay whole). */
export function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	for (const paragraph of oneLineKeepBreaks(text).split('\n')) {
		let line = '';
		for (const word of paragraph.split(' ')) {
			const candidate = line === '' ? word : `${line} ${word}`;
			if ([...candidate].length <= width) {
				line = candidate;
				continue;
			}

			if (line !== '') {
				lines.push(line);
			}

			let rest = [...word];
			while (rest.length > width) {
				lines.push(rest.slice(0, width).join(''));
				rest = rest.slice(width);
			}

			line = rest.join('');
		}

		lines.push(line);
	}

	return lines;
}

const oneLineKeepBreaks = (text: string) => visible(text).replaceAll('\t', ' ');

/** Rows for a wrapped text, each with the same style and an indent. */
export function wrapRows(
	text: string,
	width: number,
	style: Omit<Segment, 'text'> = {},
	indent = '',
): Row[] {
	return wrap(text, Math.max(8, width - indent.length)).map(line => [
		{text: indent},
		{...style, text: line},
	]);
}

/** Cut a row to a width (segments after the cut are dropped). */
export function cutRow(row: Row, width: number, ascii = false): Row {
	const result: Segment[] = [];
	let left = width;
	for (const segment of row) {
		if (left <= 0) {
			break;
		}

		const length = [...segment.text].length;
		if (length <= left) {
			result.push(segment);
			left -= length;
			continue;
		}

		result.push({...segment, text: cut(segment.text, left, ascii)});
		left = 0;
	}

	return result;
}

/** ASCII stand-ins for the few Unicode characters the selectors write themselves. */
export const asciiText = (text: string) =>
	text
		.replaceAll('─', '-')
		.replaceAll('│', '|')
		.replaceAll('❯', '>')
		.replaceAll('…', '~')
		.replaceAll('•', '*')
		.replaceAll('▸', '+')
		.replaceAll('▾', '-')
		.replaceAll('»', '>')
		.replaceAll('⇒', '=>')
		.replaceAll('↑↓', 'up/down');
