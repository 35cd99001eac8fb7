/**
Markdown escaping (issue 15, item 2): whatever text a report holds (targets, log lines, process
names, HTTP bodies), the rendered document has the same structure as the report rendered with
plain words in its place: no added heading, list, quote or table row, no code block closed early,
no HTML, link or image, and no raw control character anywhere.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import type {Report} from '../../source/report/model.js';
import {renderMarkdown} from '../../source/report/markdown.js';

const seed = Number(process.env['FC_SEED'] ?? 20_261_201);
const runs = 2000;

/** Each line outside fenced code; a whole fenced block is one `undefined`. */
function outsideCode(markdown: string): Array<string | undefined> {
	const lines: Array<string | undefined> = [];
	let fence: string | undefined;
	for (const line of markdown.split('\n')) {
		const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
		if (fence) {
			if (fenceMatch?.[1]!.startsWith(fence) && line.trim() === fenceMatch[1]) {
				fence = undefined;
			}

			continue;
		}

		if (fenceMatch) {
			fence = fenceMatch[1]!;
			lines.push(undefined);
			continue;
		}

		lines.push(line);
	}

	expect(fence, 'a code block is left open').toBeUndefined();
	return lines;
}

/** The kind of each line outside fenced code ("code" for a whole fenced block). */
function skeleton(markdown: string): string[] {
	return outsideCode(markdown).map(line =>
		line === undefined ? 'code' : kindOf(line),
	);
}

function kindOf(line: string): string {
	const rules: Array<[string, RegExp]> = [
		['blank', /^\s*$/],
		['heading', /^ {0,3}#{1,6}(\s|$)/],
		['break', /^ {0,3}([-*_])(\s*\1){2,}\s*$/],
		['setext', /^ {0,3}(=+|-+)\s*$/],
		['quote', /^ {0,3}>/],
		['bullet', /^ {0,3}[-+*](\s|$)/],
		['ordered', /^ {0,3}\d{1,9}[.)](\s|$)/],
		['table', /^\|/],
		['html', /^ {0,3}</],
		['indented', /^ {4,}\S/],
	];
	const found = rules.find(([, pattern]) => pattern.test(line));
	const heading = /^ {0,3}(#{1,6})\s/.exec(line);
	return found ? (heading ? `heading${heading[1]!.length}` : found[0]) : 'text';
}

/** The line without its code spans (backslash-escaped backticks open none), as CommonMark reads them. */
function withoutCodeSpans(line: string): string {
	let result = '';
	let index = 0;
	while (index < line.length) {
		const character = line[index]!;
		if (character === '\\') {
			result += line.slice(index, index + 2);
			index += 2;
			continue;
		}

		if (character !== '`') {
			result += character;
			index++;
			continue;
		}

		const run = /^`+/.exec(line.slice(index))![0];
		const close = new RegExp(`(?<!\`)${run}(?!\`)`).exec(
			line.slice(index + run.length),
		);
		if (!close) {
			result += run;
			index += run.length;
			continue;
		}

		index += run.length + close.index + run.length;
	}

	return result;
}

/** Markup that embeds or links, outside code: an unescaped `<`, `[` (so no `![...](...)` either). */
function unescapedMarkup(markdown: string): string[] {
	return outsideCode(markdown).filter(
		(line): line is string =>
			line !== undefined &&
			/[<[]/.test(withoutCodeSpans(line).replaceAll(/\\[\s\S]/g, '')),
	);
}

const hostileText = fc.oneof(
	fc.string({unit: 'binary', maxLength: 40}),
	fc
		.array(
			fc.constantFrom(
				'\n',
				'\r\n',
				'# ',
				'## x',
				'```',
				'````',
				'~~~',
				'`',
				'<img src=x onerror=alert(1)>',
				'<script>',
				'![x](http://evil/x.png)',
				'[link](javascript:alert(1))',
				'\u001B]52;c;ZXZpbA==\u0007',
				'\u001B[2J',
				'\u009B31m',
				'|',
				'> ',
				'- ',
				'1. ',
				'    ',
				'---',
				'===',
				'*',
				'\\',
				'a',
				' ',
			),
			{maxLength: 12},
		)
		.map(parts => parts.join('')),
);

const plain = 'words';

function report(text: (slot: number) => string): Report {
	const built: Report = {
		schemaVersion: 1,
		tool: {name: 'refused', version: '1.0.0'},
		target: {input: text(0), host: text(1), port: 5432, scheme: text(2)},
		probe: {
			outcome: 'refused',
			address: text(3),
			ms: 2,
			addresses: [
				{
					address: text(4),
					family: 4,
					source: text(5),
					outcome: 'refused',
					ms: 2,
				},
			],
		},
		causes: [0, 1].map(n => ({
			id: 'no-listener',
			confidence: 'likely',
			title: text(6 + n),
			summary: text(8 + n),
			explanation: `${text(10 + n)}.`,
			evidence: [text(12 + n), text(14 + n)],
			fixes: [{command: text(16 + n), why: text(18 + n), undo: text(20 + n)}],
		})),
		steps: [0, 1].map(n => ({
			id: 'probe',
			title: text(22 + n),
			status: 'problem' as const,
			detail: text(24 + n),
			command: text(26 + n),
			output: [text(28 + n), text(30 + n)],
		})),
		questions: [
			{
				key: 'proxy',
				prompt: text(32),
				answer: text(33),
				by: 'user',
				evidence: text(34),
			},
		],
		exitCode: 1,
	};
	return built;
}

describe('markdown escaping', () => {
	test(`property: hostile text never changes the document's structure, embeds nothing, and shows control characters visibly (${runs} cases, seed ${seed})`, () => {
		const shape = skeleton(renderMarkdown(report(() => plain)));
		fc.assert(
			fc.property(
				fc.array(hostileText, {minLength: 35, maxLength: 35}),
				texts => {
					// A word at the end: an empty field legitimately leaves its line out.
					const markdown = renderMarkdown(report(slot => `${texts[slot]!}w`));
					expect(skeleton(markdown)).toEqual(shape);
					expect(unescapedMarkup(markdown)).toEqual([]);
					expect(markdown).not.toMatch(
						/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/,
					);
				},
			),
			{numRuns: runs, seed},
		);
	});

	test('a target with a newline and a heading, a log line with a fence, a body with an image', () => {
		const markdown = renderMarkdown(
			report(slot =>
				slot === 0
					? 'db:5432\n# Injected'
					: slot === 28
						? '```\n## Injected'
						: slot === 24
							? '![pwn](http://evil/x.png)<img src=x>'
							: plain,
			),
		);
		expect(skeleton(markdown)).toEqual(
			skeleton(renderMarkdown(report(() => plain))),
		);
		expect(markdown).toContain(String.raw`# refused: db:5432\\n\# Injected`);
		expect(markdown).toContain(
			String.raw`!\[pwn\](http://evil/x.png)\<img src=x\>`,
		);
	});
});
