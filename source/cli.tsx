import process from 'node:process';
import meow from 'meow';
import {isIP} from './net/address.js';
import {createIo} from './checks/io.js';
import {diagnose} from './diagnose.js';
import {decodeError, reportedTarget} from './parsers/error-message.js';
import {parseTarget} from './parsers/target.js';
import {buildReport, version, type Report} from './report/model.js';
import {renderMarkdown} from './report/markdown.js';
import {helpText} from './help.js';
import {questions} from './tree/questions.js';
import {questionKeys, type Answers, type QuestionKey} from './tree/types.js';
import type {Target} from './tree/facts.js';
import {parseDestination, type Destination} from './via/destination.js';
import type {ViaOptions} from './via/walk.js';
import {redactSecrets} from './text/redact.js';
import {visible} from './text/sanitize.js';

/** Bad input: one line on stderr (secrets redacted, control characters shown visibly), exit 2. */
function usageError(message: string): never {
	process.stderr.write(
		`refused: ${visible(redactSecrets(message), {oneLine: true})}\n`,
	);
	process.exit(2);
}

function parseTimeout(text: string | undefined): number {
	if (text === undefined) {
		return 3000;
	}

	const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
	if (!match) {
		usageError(
			`--timeout "${text}" is not a duration (e.g. --timeout 3s, --timeout 500ms)`,
		);
	}

	const ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
	if (ms < 50 || ms > 120_000) {
		usageError(
			`--timeout ${text} is out of range: 50 ms to 120 s (e.g. --timeout 3s)`,
		);
	}

	return Math.round(ms);
}

function parseClient(item: string, value: string | undefined): string {
	if (value === undefined || isIP(value.replaceAll(/^\[|]$/g, '')) === 0) {
		usageError(
			`--answer ${item}: client takes the client's IP address (e.g. --answer client=192.0.2.10)`,
		);
	}

	return value;
}

function parseChoice(item: string, key: string, value: string | undefined) {
	const question = questions.find(q => q.key === key);
	const choices = question?.choices.map(c => c.value) ?? [];
	if (value === undefined || (choices.length > 0 && !choices.includes(value))) {
		usageError(
			`--answer ${item}: the value must be one of ${choices.join(', ') || 'a value'} (e.g. --answer ${key}=${choices[0] ?? 'yes'})`,
		);
	}

	return value;
}

/** `--answer KEY=VALUE`, each key once; the value is everything after the first `=` and must be valid whole. */
function parseAnswers(items: readonly string[]): Answers {
	const answers: Answers = {};
	const seen = new Set<string>();
	for (const item of items) {
		const equals = item.indexOf('=');
		const key = equals === -1 ? item : item.slice(0, equals);
		const value = equals === -1 ? undefined : item.slice(equals + 1);
		if (!questionKeys.includes(key as QuestionKey)) {
			usageError(
				`--answer ${item}: unknown key "${key}" (known: ${questionKeys.join(', ')}; e.g. --answer proxy=no)`,
			);
		}

		if (seen.has(key)) {
			usageError(
				`--answer ${item}: ${key} is answered twice; give each --answer key once`,
			);
		}

		seen.add(key);
		answers[key as QuestionKey] =
			key === 'client'
				? parseClient(item, value)
				: parseChoice(item, key, value);
	}

	return answers;
}

/** The answers, and the --via destination (`--answer via=DEST` is --via DEST: the answer to "look at the server over SSH?"). */
function answersAndVia(
	items: readonly string[],
	viaFlag: string | undefined,
): {answers: Answers; via?: Destination} {
	const isVia = (item: string) => item.startsWith('via=');
	const answers = parseAnswers(items.filter(item => !isVia(item)));
	const text = viaFlag ?? items.findLast(isVia)?.slice(4);
	if (text === undefined) {
		return {answers};
	}

	const parsed = parseDestination(text);
	if (!parsed.ok) {
		usageError(parsed.message);
	}

	return {answers, via: parsed.destination};
}

/** All of stdin (a pipe), as text. */
async function readStdin(): Promise<string> {
	const chunks: Uint8Array[] = [];
	for await (const chunk of process.stdin) {
		chunks.push(chunk as Uint8Array);
	}

	return Buffer.concat(chunks).toString('utf8');
}

/**
The target from the words typed and the pasted error (--error TEXT, or - for stdin). Exits 2 when
there is none; in the app, an error that cannot be decoded falls back to asking for the target.
*/
async function targetFrom(
	words: readonly string[],
	errorText: string | undefined,
	interactive: boolean,
): Promise<Target | undefined> {
	let typed: Target | undefined;
	if (words.length > 0 || (!interactive && errorText === undefined)) {
		const parsed = parseTarget(words);
		if ('error' in parsed) {
			usageError(parsed.error);
		}

		typed = parsed;
	}

	if (errorText === undefined) {
		return typed;
	}

	if (errorText === '-' && process.stdin.isTTY) {
		usageError(
			"--error - reads the message from a pipe (e.g. node app.js 2>&1 | refused --error -); in a terminal, run refused and paste it at the prompt, or give it as --error 'TEXT'",
		);
	}

	const text = errorText === '-' ? await readStdin() : errorText;
	const found = reportedTarget(decodeError(text), typed);
	if (!('error' in found)) {
		return found;
	}

	if (found.missing === 'unix' || !interactive) {
		usageError(found.error);
	}

	process.stderr.write(`refused: ${found.error}\n`);
	return undefined;
}

/** The chart in ASCII on TERM=dumb, the Linux console or a non-UTF-8 locale (as the app). */
function asciiChart(): boolean {
	const term = process.env['TERM'] ?? '';
	const locale =
		[process.env['LC_ALL'], process.env['LC_CTYPE'], process.env['LANG']].find(
			value => value !== undefined && value !== '',
		) ?? '';
	return (
		term === 'dumb' ||
		term === 'linux' ||
		(locale !== '' && !/utf-?8/i.test(locale)) ||
		process.env['REFUSED_ASCII'] === '1'
	);
}

/** `refused lab`, `refused lab ID`: the labs (`refused lab 80` stays the host "lab", port 80). */
const isLabCommand = (input: readonly string[]) =>
	input[0] === 'lab' && !/^\d+$/.test(input[1] ?? '');

/** --tree with a target: the walk on this host, marked on the chart. */
async function printPath(
	target: Target,
	options: {
		readonly io: ReturnType<typeof createIo>;
		readonly timeoutMs: number;
		readonly answers: Answers;
		readonly signal: AbortSignal;
	},
): Promise<number> {
	const session = await diagnose(target, options);
	const report = buildReport(session);
	const {renderChart} = await import('./report/chart.js');
	process.stdout.write(
		`${renderChart(session.tree, {ascii: asciiChart(), session, concluded: report.causes[0]?.id})}\n`,
	);
	return report.exitCode;
}

/** --via: both sides joined; an SSH failure is also said on stderr, in one line. */
async function bothSides(
	target: Target,
	options: Omit<ViaOptions, 'diagnose'>,
): Promise<Report> {
	const {diagnoseVia} = await import('./via/walk.js');
	const report = await diagnoseVia(target, {...options, diagnose});
	if (report.server.error) {
		process.stderr.write(
			`refused: --via: ${visible(redactSecrets(report.server.error.message), {oneLine: true})}\n`,
		);
	}

	return report;
}

/** --tree with no target and no --error: the whole chart, no walk. */
const chartOnly = (
	flags: {readonly tree: boolean; readonly error?: string},
	input: readonly string[],
) => flags.tree && input.length === 0 && flags.error === undefined;

/**
The walk's first frame, on the alternate screen, before React and Ink load: the app's own initial
state and layout (ui/pre-frame.ts). Signals restore the terminal until the app takes over.
*/
async function drawPreFrame(options: {
	readonly target: Target;
	readonly answers: Answers;
	readonly timeoutMs: number;
	readonly color: boolean;
}): Promise<boolean> {
	const [{preFrame}, {detectTheme}, terminal, {tree}] = await Promise.all([
		import('./ui/pre-frame.js'),
		import('./ui/theme.js'),
		import('./ui/terminal.js'),
		import('./tree/index.js'),
	]);
	terminal.guardScreen();
	terminal.enterScreen();
	// The cursor hidden as Ink hides it (restoreTerminal shows it again).
	process.stdout.write(
		'\u001B[?25l' +
			preFrame({
				...options,
				tree,
				columns: process.stdout.columns || 80,
				rows: process.stdout.rows || 24,
				now: Date.now(),
				theme: detectTheme(process.env, options.color),
			}),
	);
	if (process.env['REFUSED_TEST_HOLD_PREFRAME'] === '1') {
		// Tests only: stay on the pre-frame until a signal, to check that it leaves the terminal as it was.
		await new Promise(() => {
			setInterval(() => {}, 60_000);
		});
	}

	return true;
}

async function main(): Promise<number> {
	const cli = meow(helpText, {
		importMeta: import.meta,
		version,
		description:
			'refused: find out why a TCP connection is refused, step by step, with the commands to fix it.',
		allowUnknownFlags: false,
		flags: {
			json: {type: 'boolean', default: false},
			markdown: {type: 'boolean', default: false},
			timeout: {type: 'string'},
			answer: {type: 'string', isMultiple: true, default: []},
			color: {type: 'boolean', default: true},
			via: {type: 'string'},
			error: {type: 'string'},
			tree: {type: 'boolean', default: false},
			list: {type: 'boolean', default: false},
			reset: {type: 'boolean', default: false},
		},
	});
	if (process.env['REFUSED_TEST_CRASH']) {
		// Lets the tests prove that an internal error exits 3 with one line and no stack trace.
		throw new Error('crash requested by REFUSED_TEST_CRASH');
	}

	if (isLabCommand(cli.input)) {
		const {labCommand} = await import('./lab.js');
		return labCommand(cli.input.slice(1), cli.flags);
	}

	const timeoutMs = parseTimeout(cli.flags.timeout);
	const {answers, via} = answersAndVia(cli.flags.answer, cli.flags.via);
	if (chartOnly(cli.flags, cli.input)) {
		const {renderChart} = await import('./report/chart.js');
		const {tree} = await import('./tree/index.js');
		process.stdout.write(`${renderChart(tree, {ascii: asciiChart()})}\n`);
		return 0;
	}

	const interactive =
		!cli.flags.tree &&
		!cli.flags.json &&
		!cli.flags.markdown &&
		Boolean(process.stdin.isTTY) &&
		Boolean(process.stdout.isTTY);
	// The argument parser takes "--error -" as an empty value followed by a word "-".
	const stdinError = cli.flags.error === '' && cli.input.includes('-');
	const target = await targetFrom(
		stdinError ? cli.input.filter(word => word !== '-') : cli.input,
		stdinError ? '-' : cli.flags.error,
		interactive,
	);
	const io = createIo();
	// With --via in a terminal: ssh may ask for a passphrase or a new host key on it (as it always
	// does), so the two-sided walk runs before any screen and prints its markdown report.
	if (interactive && !via) {
		const color =
			cli.flags.color &&
			!('NO_COLOR' in process.env) &&
			process.env['TERM'] !== 'dumb';
		// The walk's first frame goes up before React and Ink load (ui/pre-frame.ts).
		const preFramed = target
			? await drawPreFrame({target, answers, timeoutMs, color})
			: false;
		const {runInteractive} = await import('./ui/run.js');
		return runInteractive({
			target,
			io,
			timeoutMs,
			answers,
			color,
			preFramed,
			async openLabs() {
				const {labCommand} = await import('./lab.js');
				return labCommand([], {list: false, reset: false, color});
			},
		});
	}

	const controller = new AbortController();
	process.once('SIGINT', () => {
		controller.abort();
		process.exit(130);
	});
	if (!target) {
		usageError('no target given');
	}

	if (cli.flags.tree) {
		return printPath(target, {
			io,
			timeoutMs,
			answers,
			signal: controller.signal,
		});
	}

	const report = via
		? await bothSides(target, {
				destination: via,
				io,
				timeoutMs,
				answers,
				signal: controller.signal,
				batch: !interactive,
			})
		: buildReport(
				await diagnose(target, {
					io,
					timeoutMs,
					answers,
					signal: controller.signal,
				}),
			);
	process.stdout.write(
		cli.flags.json
			? `${JSON.stringify(report, shownInJson, 2)}\n`
			: `${renderMarkdown(report)}\n`,
	);
	return report.exitCode;
}

/**
Every string of the JSON report as the markdown shows it: secrets redacted, control characters as
visible `\x1b` text (so `jq -r` cannot print a raw escape), whatever the layers before did.
*/
function shownInJson(_key: string, value: unknown): unknown {
	return typeof value === 'string' ? visible(redactSecrets(value)) : value;
}

/** End the process once the report is out: a stray timer, socket or child must not keep it alive. */
async function exitWhenFlushed(code: number): Promise<never> {
	await new Promise<void>(resolve => {
		process.stdout.write('', () => {
			resolve();
		});
	});
	process.exit(code);
}

try {
	await exitWhenFlushed(await main());
} catch (error) {
	process.stderr.write(
		`refused: internal error: ${visible(redactSecrets((error as Error).message), {oneLine: true})}\n`,
	);
	if (process.env['REFUSED_DEBUG']) {
		process.stderr.write(`${(error as Error).stack ?? ''}\n`);
	}

	process.exit(3);
}
