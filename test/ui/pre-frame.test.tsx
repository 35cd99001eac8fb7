/**
The first frame drawn before Ink loads (source/ui/pre-frame.ts) is the frame Ink draws first: the same
initial state and layout, written by our own ANSI writer. Compared with Ink's rendering of WalkScreen
for that state (ink-testing-library), line by line, at 80x24 and 60x20, in Unicode and in ASCII; and
the screen's handover (source/ui/terminal.ts): Ink's first write clears the pre-frame, once.
*/
import {act} from 'react';
import {cleanup, render} from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import {afterEach, describe, expect, test} from 'vitest';
import {parseTarget} from '../../source/parsers/target.js';
import {tree} from '../../source/tree/index.js';
import type {Target} from '../../source/tree/facts.js';
import {WalkScreen} from '../../source/ui/components/screen.js';
import {layout} from '../../source/ui/layout.js';
import {preFrame} from '../../source/ui/pre-frame.js';
import {initialState} from '../../source/ui/state.js';
import {clearedFirst, clearUnderFirstWrite} from '../../source/ui/terminal.js';
import {ThemeContext, type Theme} from '../../source/ui/theme.js';

afterEach(() => {
	cleanup();
});

function target(input: string): Target {
	const parsed = parseTarget([input]);
	if ('error' in parsed) {
		throw new Error(parsed.error);
	}

	return parsed;
}

const lines = (text: string) =>
	stripAnsi(text)
		.split('\n')
		.map(line => line.trimEnd());

async function inkFrame(
	state: ReturnType<typeof initialState>,
	theme: Theme,
): Promise<string> {
	let frame = '';
	await act(async () => {
		const instance = render(
			<ThemeContext.Provider value={theme}>
				<WalkScreen view={layout(state, theme.ascii)} width={state.columns} />
			</ThemeContext.Provider>,
		);
		frame = instance.lastFrame() ?? '';
	});
	return frame;
}

describe('the pre-frame', () => {
	const cases = [
		[80, 24, {color: true, ascii: false}, '127.0.0.1:5432'],
		[60, 20, {color: false, ascii: false}, '[::1]:8080'],
		[80, 24, {color: false, ascii: true}, 'http://db.internal:9200/x'],
	] as const;

	test.each(cases)(
		"is the text of Ink's first frame at %ix%i (%o, %s)",
		async (columns, rows, theme, input) => {
			const options = {
				tree,
				target: target(input),
				answers: {},
				timeoutMs: 3000,
				columns,
				rows,
				now: 1_000_000,
				theme,
			};
			const drawn = preFrame(options);
			const ink = await inkFrame(initialState(options), theme);
			expect(lines(drawn)).toEqual(lines(ink));
			// The layout leaves the last row free (Ink ends its frame with a newline).
			expect(lines(drawn)).toHaveLength(rows - 1);
			expect(lines(drawn)[0]).toMatch(/^refused /);
			// Colours only when the theme has them; ASCII symbols only in ASCII.
			expect(drawn.includes('\u001B[')).toBe(theme.color);
			expect(/[^\u0000-\u007F]/.test(drawn)).toBe(!theme.ascii);
		},
	);

	test('a target holding escapes is shown inert', () => {
		const drawn = preFrame({
			tree,
			target: {input: 'evil\u001B]52;c;Zm9v\u0007:1', host: 'evil', port: 1},
			answers: {},
			timeoutMs: 3000,
			columns: 80,
			rows: 24,
			now: 0,
			theme: {color: false, ascii: false},
		});
		expect(drawn).not.toContain('\u001B');
		expect(drawn).not.toContain('\u0007');
	});
});

describe('the handover to Ink', () => {
	test("the first write clears the screen inside the frame's synchronized update; later writes pass as they are", () => {
		const written: string[] = [];
		const stream = {
			write(chunk: string) {
				written.push(chunk);
				return true;
			},
		} as unknown as NodeJS.WriteStream;
		const original = stream.write;
		clearUnderFirstWrite(stream);
		stream.write('\u001B[?2026hFRAME\u001B[?2026l');
		stream.write('NEXT');
		expect(written).toEqual([
			'\u001B[?2026h\u001B[H\u001B[JFRAME\u001B[?2026l',
			'NEXT',
		]);
		expect(stream.write).toBe(original);
	});

	test('a first write without a synchronized update gets the clear in front', () => {
		expect(clearedFirst('X')).toBe('\u001B[H\u001B[JX');
	});
});
