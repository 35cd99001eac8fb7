import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import process from 'node:process';
import * as pty from '@lydell/node-pty';
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
		expect(replay.checked).toBeGreaterThanOrEqual(10);
		expect(replay.failures, replay.failures.join('\n\n')).toEqual([]);
		// The app left the terminal usable: the alternate screen left, the shell prompt back.
		expect(replay.alternate).toBe(false);
		expect(replay.screen).toMatch(/^> /m);
		expect(replay.cursorHidden).toBe(false);
		// After q, the scrollback holds the final tree, the cause and the fixes.
		const after = replay.scrollback.slice(
			replay.scrollback.lastIndexOf("node dist/cli.js '[::1]:47011'"),
		);
		expect(after).toMatch(/├─ ✖ connect +\[::1]:47011: refused/);
		expect(after).toMatch(/├─ ✖ this host +taken:/);
		expect(after).toMatch(
			/│ {2}[├└]─ ✖ bind +node \(pid \d+\) listens on 127\.0\.0\.1:47011/,
		);
		expect(after).toContain('── Cause: address-family-mismatch (confirmed) ──');
		expect(after).toContain("1. server.listen(47011, '::')");
	}, 120_000);

	test('a crash mid-walk leaves the terminal as it was: alternate screen left, cursor shown, raw mode off; exit 3', async () => {
		const commands = parseTape(
			[
				'Set TypingSpeed 10ms',
				'Env REFUSED_TEST_CRASH_UI "probe"',
				'Type "node dist/cli.js 127.0.0.1:1; echo exit=$?"',
				'Enter',
				'Wait+Screen@30s /exit=\\d/',
				'# expect: refused: internal error: crash requested after probe',
				'# expect: exit=3',
				'Type "stty -a | grep -o -- -icanon || echo cooked"',
				'Enter',
				'Wait+Screen /\\ncooked/',
				'# expect: cooked',
			].join('\n'),
		);
		const replay = await replayTape(commands, {cwd: root});
		expect(replay.failures, replay.failures.join('\n\n')).toEqual([]);
		expect(replay.alternate).toBe(false);
		expect(replay.cursorHidden).toBe(false);
		expect(replay.screen.split('\n')).not.toContain('-icanon');
	}, 60_000);

	/** Type `command` in the shell, wait for the walk on screen, press Ctrl-C: exit 130, the terminal as it was. */
	async function ctrlCLeavesTerminal(command: string) {
		const commands = parseTape(
			[
				'Set TypingSpeed 10ms',
				`Type "${command}; echo exit=$?"`,
				'Enter',
				'Wait+Screen@30s /walking/',
				'Ctrl+C',
				'Wait+Screen@30s /exit=\\d/',
				'# expect: exit=130',
			].join('\n'),
		);
		const replay = await replayTape(commands, {cwd: root});
		expect(replay.failures, replay.failures.join('\n\n')).toEqual([]);
		expect(replay.alternate).toBe(false);
		expect(replay.cursorHidden).toBe(false);
	}

	test('Ctrl-C mid-walk exits 130 and leaves the terminal as it was', async () => {
		await ctrlCLeavesTerminal('node dist/cli.js 127.0.0.1:1 --timeout 60s');
	}, 60_000);

	test('Ctrl-C on the first frame, before Ink is loaded, exits 130 and leaves the terminal as it was', async () => {
		// REFUSED_TEST_HOLD_PREFRAME keeps the app on the frame it draws before loading Ink.
		await ctrlCLeavesTerminal(
			'REFUSED_TEST_HOLD_PREFRAME=1 node dist/cli.js 127.0.0.1:1',
		);
	}, 60_000);

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

/** Run the built app in a pseudo-terminal until its footer shows, press q, return every byte it wrote. */
async function rawRun(
	args: string[],
	extraEnv: Record<string, string>,
): Promise<string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (
			value !== undefined &&
			name !== 'CI' &&
			name !== 'FORCE_COLOR' &&
			name !== 'NO_COLOR'
		) {
			env[name] = value;
		}
	}

	const app = pty.spawn(process.execPath, [`${root}dist/cli.js`, ...args], {
		cols: 80,
		rows: 24,
		cwd: root,
		env: {...env, TERM: 'xterm-256color', ...extraEnv},
	});
	let output = '';
	let quit = false;
	app.onData(data => {
		output += data;
		if (
			!quit &&
			output.includes('q quit') &&
			/Fixes|No cause|Nothing is wrong/.test(output)
		) {
			quit = true;
			app.write('q');
		}
	});
	await new Promise<void>(resolve => {
		app.onExit(() => {
			resolve();
		});
	});
	return output;
}

describe('plain terminals', () => {
	const colour = /\u001B\[[\d;]*m/;
	test('colours by default; NO_COLOR and --no-color give none', async () => {
		expect(await rawRun(['127.0.0.1:1'], {})).toMatch(colour);
		const noColor = await rawRun(['127.0.0.1:1'], {NO_COLOR: '1'});
		expect(noColor).toContain('q quit');
		expect(noColor).not.toMatch(colour);
		expect(await rawRun(['127.0.0.1:1', '--no-color'], {})).not.toMatch(colour);
	}, 60_000);

	test('TERM=dumb: no colours, ASCII symbols only', async () => {
		const output = await rawRun(['127.0.0.1:1'], {TERM: 'dumb'});
		expect(output).toContain('q quit | up/down');
		expect(output).not.toMatch(colour);
		expect(output).not.toMatch(/[✔✖❯─│↑↓⠋⠙⠹]/);
	}, 60_000);
});
