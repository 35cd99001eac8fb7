import process from 'node:process';
import meow from 'meow';
import {createIo} from './checks/io.js';
import {diagnose} from './diagnose.js';
import {parseTarget} from './parsers/target.js';
import {buildReport, version} from './report/model.js';
import {renderMarkdown} from './report/markdown.js';
import {questions} from './tree/questions.js';
import {questionKeys, type Answers, type QuestionKey} from './tree/types.js';

export const helpText = `
  Usage
    $ refused TARGET [options]
    $ refused            (no target: asks for one, or offers a practice case)

  TARGET
    host:port            db.internal:5432, 10.0.0.5:8080
    [v6addr]:port        [::1]:3000, [fe80::1%eth0]:22
    host port            localhost 6379
    port                 8080 (means localhost:8080)
    URL                  https://example.org, postgres://user@db/app,
                         redis://cache, mysql://, mongodb://, amqp://, ssh://
                         (the scheme gives the default port)

  Options
    --json               Print the diagnosis as one JSON document (never asks)
    --markdown           Print the diagnosis as a markdown report (never asks)
    --timeout DURATION   Connect timeout per address: 3000, 3000ms, 3s (default 3s)
    --answer KEY=VALUE   Answer a question ahead of time (repeatable)
    --no-color           Plain output (also NO_COLOR=1 or TERM=dumb)
    --version            Print the version
    --help               Print this help

  Answer keys
${questions.map(q => `    ${q.help}`).join('\n')}

  Keys (interactive)
    arrows, enter  move and choose       c  copy the selected fix (OSC 52)
    b  back: change an answer            ?  learn mode: why each step runs
    r  rerun the probe (verify a fix)    e  export a markdown report
    q  quit (Ctrl-C too)
    Copy uses OSC 52, which reaches your own terminal through SSH. Inside
    tmux it needs: set -g set-clipboard on

  Exit codes
    0  the target accepted the connection and no problem was found
    1  a problem was found        2  bad usage        3  internal error

  Without a terminal (piped, cron, CI) it prints the markdown report.
  Read-only: it never changes this system; fixes are shown, never run.

  Examples
    $ refused localhost:5432
    $ refused https://intranet.example.org --json
    $ refused 10.0.0.5:8080 --answer proxy=no --markdown > ticket.md
`;

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
		usageError(`--timeout "${text}" is not a duration (e.g. --timeout 3s, --timeout 500ms)`);
	}

	const ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
	if (ms < 50 || ms > 120_000) {
		usageError(`--timeout ${text} is out of range: 50 ms to 120 s (e.g. --timeout 3s)`);
	}

	return Math.round(ms);
}

function parseAnswers(items: readonly string[]): Answers {
	const answers: Answers = {};
	for (const item of items) {
		const [key, value] = item.split('=', 2) as [string, string | undefined];
		if (!questionKeys.includes(key as QuestionKey)) {
			usageError(`--answer ${item}: unknown key "${key}" (known: ${questionKeys.join(', ')}; e.g. --answer proxy=no)`);
		}

		const question = questions.find(q => q.key === key);
		const choices = question?.choices.map(c => c.value) ?? [];
		if (value === undefined || (choices.length > 0 && !choices.includes(value))) {
			usageError(`--answer ${item}: the value must be one of ${choices.join(', ') || 'a value'} (e.g. --answer ${key}=${choices[0] ?? 'yes'})`);
		}

		answers[key as QuestionKey] = value;
	}

	return answers;
}

async function main(): Promise<number> {
	const cli = meow(helpText, {
		importMeta: import.meta,
		version,
		description: 'refused: find out why a TCP connection is refused, step by step, with the commands to fix it.',
		allowUnknownFlags: false,
		flags: {
			json: {type: 'boolean', default: false},
			markdown: {type: 'boolean', default: false},
			timeout: {type: 'string'},
			answer: {type: 'string', isMultiple: true, default: []},
			color: {type: 'boolean', default: true},
		},
	});
	const timeoutMs = parseTimeout(cli.flags.timeout);
	const answers = parseAnswers(cli.flags.answer);
	const interactive = !cli.flags.json && !cli.flags.markdown && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);
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
		const color = cli.flags.color && !('NO_COLOR' in process.env) && process.env['TERM'] !== 'dumb';
		const {runInteractive} = await import('./ui/run.js');
		return runInteractive({target, io, timeoutMs, answers, color});
	}

	const controller = new AbortController();
	process.once('SIGINT', () => {
		controller.abort();
		process.exit(130);
	});
	const session = await diagnose(target!, {io, timeoutMs, answers, signal: controller.signal});
	const report = buildReport(session);
	process.stdout.write(cli.flags.json ? `${JSON.stringify(report, undefined, 2)}\n` : `${renderMarkdown(report)}\n`);
	return report.exitCode;
}

try {
	process.exitCode = await main();
} catch (error) {
	process.stderr.write(`refused: internal error: ${(error as Error).message}\n`);
	if (process.env['REFUSED_DEBUG']) {
		process.stderr.write(`${(error as Error).stack ?? ''}\n`);
	}

	process.exitCode = 3;
}
