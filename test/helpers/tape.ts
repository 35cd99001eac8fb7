/**
Replay a VHS tape without VHS: its keys go to bash in a pseudo-terminal (@lydell/node-pty), the
output goes to a headless xterm, and `# expect: TEXT` comments (which VHS ignores) are checked
against the screen at that point of the tape. VHS needs ttyd and a browser, which CI machines lack.
*/
import process from 'node:process';
import * as pty from '@lydell/node-pty';
import xterm from '@xterm/headless';

const {Terminal} = xterm;

export type TapeCommand =
	| {readonly kind: 'type'; readonly text: string; readonly speedMs?: number}
	| {
			readonly kind: 'key';
			readonly key: string;
			readonly count: number;
			readonly speedMs?: number;
	  }
	| {readonly kind: 'sleep'; readonly ms: number}
	| {
			readonly kind: 'wait';
			readonly scope: 'line' | 'screen';
			readonly pattern: RegExp;
			readonly timeoutMs: number;
	  }
	| {readonly kind: 'typing-speed'; readonly ms: number}
	| {readonly kind: 'env'; readonly name: string; readonly value: string}
	| {readonly kind: 'expect'; readonly text: string; readonly line: number}
	| {readonly kind: 'hide' | 'show'};

const keySequences: Readonly<Record<string, string>> = {
	Enter: '\r',
	Up: '\u001B[A',
	Down: '\u001B[B',
	Right: '\u001B[C',
	Left: '\u001B[D',
	Tab: '\t',
	Space: ' ',
	Backspace: '\u007F',
	Escape: '\u001B',
	PageUp: '\u001B[5~',
	PageDown: '\u001B[6~',
};

/** "500ms", "2s", "1.5", "1m" (a bare number is seconds, as in VHS). */
export function parseDuration(text: string): number {
	const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
	if (!match) {
		throw new Error(`not a duration: ${text}`);
	}

	const value = Number(match[1]);
	return match[2] === 'ms'
		? value
		: match[2] === 'm'
			? value * 60_000
			: value * 1000;
}

/** Split a tape line into words, quoted strings ("...", '...', `...`) and /regexps/. */
function tokenize(line: string, lineNumber: number): string[] {
	const tokens: string[] = [];
	let index = 0;
	while (index < line.length) {
		const char = line[index]!;
		if (char === ' ' || char === '\t') {
			index++;
			continue;
		}

		if (char === '"' || char === "'" || char === '`' || char === '/') {
			const end = line.indexOf(char, index + 1);
			if (end === -1) {
				throw new Error(`line ${lineNumber}: unclosed ${char}`);
			}

			tokens.push(line.slice(index, end + 1));
			index = end + 1;
			continue;
		}

		let end = index;
		while (end < line.length && line[end] !== ' ' && line[end] !== '\t') {
			end++;
		}

		tokens.push(line.slice(index, end));
		index = end;
	}

	return tokens;
}

const unquote = (token: string) => token.slice(1, -1);
const isQuoted = (token: string | undefined) =>
	token !== undefined && /^["'`]/.test(token);

type Word = {
	readonly name: string;
	readonly word: string;
	readonly speedMs: number | undefined;
	readonly tokens: string[];
	readonly line: number;
};

const withSpeed = (speedMs: number | undefined) =>
	speedMs === undefined ? {} : {speedMs};

function waitCommand({name, tokens, speedMs, line}: Word): TapeCommand {
	const pattern = tokens.shift() ?? '';
	if (!pattern.startsWith('/')) {
		throw new Error(`line ${line}: Wait needs a /regexp/`);
	}

	return {
		kind: 'wait',
		scope: name === 'Wait+Screen' ? 'screen' : 'line',
		pattern: new RegExp(unquote(pattern)),
		timeoutMs: speedMs ?? 15_000,
	};
}

function keyCommand({name, word, tokens, speedMs, line}: Word): TapeCommand {
	if (/^(Ctrl|Alt)\+.$/.test(name)) {
		const letter = name.at(-1)!;
		const key = name.startsWith('Ctrl')
			? String.fromCodePoint(letter.toUpperCase().codePointAt(0)! - 64)
			: `\u001B${letter}`;
		return {kind: 'key', key, count: 1};
	}

	const key = keySequences[name];
	if (key === undefined) {
		throw new Error(`line ${line}: unknown tape command ${word}`);
	}

	const count =
		tokens[0] !== undefined && /^\d+$/.test(tokens[0])
			? Number(tokens.shift())
			: 1;
	return {kind: 'key', key, count, ...withSpeed(speedMs)};
}

/** A VHS command the replay ignores, with its one argument. */
function skipArgument({tokens}: Word): undefined {
	tokens.shift();
	return undefined;
}

/** One command of a tape line (undefined for what the replay ignores). */
const handlers: Readonly<
	Record<string, (word: Word) => TapeCommand | undefined>
> = {
	Output: skipArgument,
	Require: skipArgument,
	Screenshot: skipArgument,
	Source: skipArgument,
	Set({tokens}) {
		const setting = tokens.shift();
		const value = tokens.shift() ?? '';
		return setting === 'TypingSpeed'
			? {kind: 'typing-speed', ms: parseDuration(value)}
			: undefined;
	},
	Env: ({tokens}) => ({
		kind: 'env',
		name: tokens.shift() ?? '',
		value: unquote(tokens.shift() ?? '""'),
	}),
	Hide: () => ({kind: 'hide'}),
	Show: () => ({kind: 'show'}),
	Type({tokens, speedMs, line}) {
		const value = tokens.shift();
		if (!isQuoted(value)) {
			throw new Error(`line ${line}: Type needs a quoted string`);
		}

		return {kind: 'type', text: unquote(value!), ...withSpeed(speedMs)};
	},
	Sleep: ({tokens}) => ({
		kind: 'sleep',
		ms: parseDuration(tokens.shift() ?? ''),
	}),
};

export function parseTape(text: string): TapeCommand[] {
	const commands: TapeCommand[] = [];
	for (const [index, raw] of text.split('\n').entries()) {
		const line = index + 1;
		const trimmed = raw.trim();
		const expect = /^#\s*expect:\s*(.+)$/.exec(trimmed);
		if (expect) {
			commands.push({kind: 'expect', text: expect[1]!.trim(), line});
			continue;
		}

		if (trimmed === '' || trimmed.startsWith('#')) {
			continue;
		}

		const tokens = tokenize(trimmed, line);
		while (tokens.length > 0) {
			const word = tokens.shift()!;
			const [name, speed] = word.split('@') as [string, string | undefined];
			const speedMs = speed === undefined ? undefined : parseDuration(speed);
			const parts: Word = {name, word, speedMs, tokens, line};
			const handler =
				handlers[name] ?? (name.startsWith('Wait') ? waitCommand : keyCommand);
			const command = handler(parts);
			if (command) {
				commands.push(command);
			}
		}
	}

	return commands;
}

export type Replay = {
	/** Expectations that were not on the screen, each with the screen at that moment. */
	readonly failures: string[];
	/** The expectations checked. */
	readonly checked: number;
	/** The visible screen at the end. */
	readonly screen: string;
	/** Every line of the normal screen's buffer at the end: the scrollback and the screen. */
	readonly scrollback: string;
	/** Whether the alternate screen is still active at the end (an app that forgot to leave it). */
	readonly alternate: boolean;
	/** Whether the terminal's cursor is hidden at the end (an app that forgot to show it again). */
	readonly cursorHidden: boolean;
};

/** Xterm.js keeps the cursor's visibility (DECTCEM) out of its public API. */
const cursorHidden = (terminal: InstanceType<typeof Terminal>) =>
	(terminal as unknown as {_core: {coreService: {isCursorHidden: boolean}}})
		._core.coreService.isCursorHidden;

const sleep = async (ms: number) =>
	new Promise<void>(resolve => {
		setTimeout(resolve, ms);
	});

/** Run the tape's commands in bash inside an 80x24 (by default) pseudo-terminal. */
export async function replayTape(
	commands: readonly TapeCommand[],
	options: {
		readonly cwd: string;
		readonly cols?: number;
		readonly rows?: number;
	},
): Promise<Replay> {
	const cols = options.cols ?? 80;
	const rows = options.rows ?? 24;
	const terminal = new Terminal({
		cols,
		rows,
		allowProposedApi: true,
		scrollback: 1000,
	});
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (value !== undefined && name !== 'CI') {
			env[name] = value;
		}
	}

	// Ink writes no intermediate frames when CI is set: never pass it to the app.
	Object.assign(env, {TERM: 'xterm-256color', PS1: '> ', LANG: 'C.UTF-8'});
	delete env['NO_COLOR'];
	delete env['FORCE_COLOR'];
	for (const command of commands) {
		if (command.kind === 'env') {
			env[command.name] = command.value;
		}
	}

	const shell = pty.spawn('bash', ['--norc', '--noprofile', '-i'], {
		name: 'xterm-256color',
		cols,
		rows,
		cwd: options.cwd,
		env,
	});
	let pending = Promise.resolve();
	shell.onData(data => {
		pending = pending.then(
			async () =>
				new Promise<void>(resolve => {
					terminal.write(data, resolve);
				}),
		);
	});
	const screen = async () => {
		await pending;
		const buffer = terminal.buffer.active;
		return Array.from(
			{length: rows},
			(_, row) =>
				buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '',
		).join('\n');
	};

	const lastLine = async () => {
		const lines = (await screen()).split('\n');
		const buffer = terminal.buffer.active;
		return lines[buffer.cursorY] ?? '';
	};

	const failures: string[] = [];
	let checked = 0;
	let typingSpeed = 50;
	const write = async (keys: string[], speedMs: number | undefined) => {
		for (const key of keys) {
			shell.write(key);
			await sleep(speedMs ?? typingSpeed);
		}
	};

	const wait = async (
		command: Extract<TapeCommand, {kind: 'wait'}>,
	): Promise<void> => {
		const deadline = Date.now() + command.timeoutMs;
		for (;;) {
			const text =
				command.scope === 'screen' ? await screen() : await lastLine();
			if (command.pattern.test(text)) {
				return;
			}

			if (Date.now() > deadline) {
				throw new Error(
					`Wait ${String(command.pattern)} timed out after ${command.timeoutMs} ms; the screen was:\n${await screen()}`,
				);
			}

			await sleep(50);
		}
	};

	const check = async (command: Extract<TapeCommand, {kind: 'expect'}>) => {
		checked++;
		const text = await screen();
		if (!text.includes(command.text)) {
			failures.push(
				`line ${command.line}: "${command.text}" is not on the screen:\n${text}`,
			);
		}
	};

	const run = async (command: TapeCommand): Promise<void> => {
		switch (command.kind) {
			case 'typing-speed': {
				typingSpeed = command.ms;
				return;
			}

			case 'type': {
				return write([...command.text], command.speedMs);
			}

			case 'key': {
				return write(
					Array.from({length: command.count}, () => command.key),
					command.speedMs,
				);
			}

			case 'sleep': {
				return sleep(command.ms);
			}

			case 'wait': {
				return wait(command);
			}

			case 'expect': {
				return check(command);
			}

			default:
		}
	};

	try {
		for (const command of commands) {
			await run(command);
		}

		const final = await screen();
		const normal = terminal.buffer.normal;
		return {
			failures,
			checked,
			screen: final,
			scrollback: Array.from(
				{length: normal.length},
				(_, row) => normal.getLine(row)?.translateToString(true) ?? '',
			).join('\n'),
			alternate: terminal.buffer.active.type === 'alternate',
			cursorHidden: cursorHidden(terminal),
		};
	} finally {
		shell.kill();
		terminal.dispose();
	}
}
