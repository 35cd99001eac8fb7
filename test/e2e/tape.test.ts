import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';
import {parseTape, replayTape} from '../helpers/tape.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('demo.tape', () => {
	test('parses VHS syntax: settings, strings, keys with speed and count, waits, expectations', () => {
		const commands = parseTape(
			[
				'Set TypingSpeed 75ms',
				'Type "node app" Sleep 500ms Enter',
				'Type `say "hi"`',
				'Down@250ms 3',
				'Ctrl+C',
				'Wait+Screen@10s /Fixes \\(shown/',
				'Wait /> $/',
				'# expect: Cause (',
				'# just a comment',
			].join('\n'),
		);
		expect(commands).toEqual([
			{kind: 'typing-speed', ms: 75},
			{kind: 'type', text: 'node app'},
			{kind: 'sleep', ms: 500},
			{kind: 'key', key: '\r', count: 1},
			{kind: 'type', text: 'say "hi"'},
			{kind: 'key', key: '\u001B[B', count: 3, speedMs: 250},
			{kind: 'key', key: '\u0003', count: 1},
			{
				kind: 'wait',
				scope: 'screen',
				pattern: /Fixes \(shown/,
				timeoutMs: 10_000,
			},
			{kind: 'wait', scope: 'line', pattern: /> $/, timeoutMs: 15_000},
			{kind: 'expect', text: 'Cause (', line: 8},
		]);
		expect(() => parseTape('Jump 3')).toThrow('unknown tape command Jump');
	});

	test('replayed against the built app in an 80x24 pseudo-terminal, the screen shows what the tape promises', async () => {
		expect(
			existsSync(`${root}dist/cli.js`),
			'dist/cli.js is missing: run npm run build first',
		).toBe(true);
		const commands = parseTape(await readFile(`${root}demo.tape`, 'utf8'));
		const replay = await replayTape(commands, {cwd: root, cols: 80, rows: 24});
		expect(replay.checked).toBeGreaterThanOrEqual(5);
		expect(replay.failures, replay.failures.join('\n\n')).toEqual([]);
		// The app left the terminal usable: the shell prompt is back, below the fixes.
		expect(replay.screen).toMatch(/^> /m);
		expect(replay.cursorHidden).toBe(false);
	}, 120_000);

	test('Ctrl-C leaves the terminal as it was: cursor shown, raw mode off (the shell reads lines again)', async () => {
		const commands = parseTape(
			[
				'Set TypingSpeed 10ms',
				'Type "node dist/cli.js 127.0.0.1:1"',
				'Enter',
				'Wait+Screen@30s /q quit/',
				'Ctrl+C',
				'Wait /> $/',
				'Type "stty -a | grep -o -- -icanon || echo cooked"',
				'Enter',
				'Wait+Screen /\\ncooked/',
				'# expect: cooked',
			].join('\n'),
		);
		const replay = await replayTape(commands, {cwd: root});
		expect(replay.failures, replay.failures.join('\n\n')).toEqual([]);
		expect(replay.screen.split('\n')).not.toContain('-icanon');
		expect(replay.cursorHidden).toBe(false);
	}, 60_000);
});
