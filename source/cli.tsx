import {isIP} from 'node:net';
import process from 'node:process';
import meow from 'meow';
import {createIo} from './checks/io.js';
import {diagnose} from './diagnose.js';
import {parseTarget} from './parsers/target.js';
import {buildReport, version} from './report/model.js';
import {renderMarkdown} from './report/markdown.js';
import {helpText} from './help.js';
import {questions} from './tree/questions.js';
import {questionKeys, type Answers, type QuestionKey} from './tree/types.js';

function usageError(message: string): never {
	process.stderr.write(`refused: ${message}\n`);
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

function parseAnswers(items: readonly string[]): Answers {
	const answers: Answers = {};
	for (const item of items) {
		const [key, value] = item.split('=', 2) as [string, string | undefined];
		if (!questionKeys.includes(key as QuestionKey)) {
			usageError(
				`--answer ${item}: unknown key "${key}" (known: ${questionKeys.join(', ')}; e.g. --answer proxy=no)`,
			);
		}

		if (key === 'client') {
			if (value === undefined || isIP(value.replaceAll(/^\[|]$/g, '')) === 0) {
				usageError(
					`--answer ${item}: client takes the client's IP address (e.g. --answer client=192.0.2.10)`,
				);
			}

			answers.client = value;
			continue;
		}

		const question = questions.find(q => q.key === key);
		const choices = question?.choices.map(c => c.value) ?? [];
		if (
			value === undefined ||
			(choices.length > 0 && !choices.includes(value))
		) {
			usageError(
				`--answer ${item}: the value must be one of ${choices.join(', ') || 'a value'} (e.g. --answer ${key}=${choices[0] ?? 'yes'})`,
			);
		}

		answers[key as QuestionKey] = value;
	}

	return answers;
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
	const answers = parseAnswers(cli.flags.answer);
	if (cli.flags.tree && cli.input.length === 0) {
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
	let target;
	if (cli.input.length > 0 || !interactive) {
		const parsed = parseTarget(cli.input);
		if ('error' in parsed) {
			usageError(parsed.error);
		}

		target = parsed;
	}

	const io = createIo();
	if (interactive) {
		const color =
			cli.flags.color &&
			!('NO_COLOR' in process.env) &&
			process.env['TERM'] !== 'dumb';
		const {runInteractive} = await import('./ui/run.js');
		return runInteractive({target, io, timeoutMs, answers, color});
	}

	const controller = new AbortController();
	process.once('SIGINT', () => {
		controller.abort();
		process.exit(130);
	});
	if (!target) {
		usageError('no target given');
	}

	const session = await diagnose(target, {
		io,
		timeoutMs,
		answers,
		signal: controller.signal,
	});
	const report = buildReport(session);
	if (cli.flags.tree) {
		const {renderChart} = await import('./report/chart.js');
		process.stdout.write(
			`${renderChart(session.tree, {ascii: asciiChart(), session, concluded: report.causes[0]?.id})}\n`,
		);
		return report.exitCode;
	}

	process.stdout.write(
		cli.flags.json
			? `${JSON.stringify(report, undefined, 2)}\n`
			: `${renderMarkdown(report)}\n`,
	);
	return report.exitCode;
}

try {
	process.exitCode = await main();
} catch (error) {
	process.stderr.write(
		`refused: internal error: ${(error as Error).message}\n`,
	);
	if (process.env['REFUSED_DEBUG']) {
		process.stderr.write(`${(error as Error).stack ?? ''}\n`);
	}

	process.exitCode = 3;
}
