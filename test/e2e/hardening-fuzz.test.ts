/**
The built CLI under fuzzing (issue 15, items 3 and 9), in a private network namespace (its resolver
is on loopback, where nothing answers: no name leaves this machine):
- random targets: the exit code is 0, 1 or 2 only, the report is valid JSON on 0 and 1, and bad
  input is one visible line on stderr with no stack trace;
- random credentials (with `@ : / # ?` and %-escapes) in the target URL and in HTTP_PROXY: no part of
  them appears in stdout or stderr, with --json or --markdown.
*/
import fc from 'fast-check';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {cliPath} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';
import {credentialUrl, targetWord} from '../properties/generators.js';

const seed = Number(process.env['FC_SEED'] ?? 20_261_201);
const targetRuns = 160;
const secretRuns = 160;
const parallel = 4;

let ns: Netns;
beforeAll(async () => {
	ns = await createNetns();
});
afterAll(async () => {
	await ns.cleanup();
});

type Run = {exitCode: number | undefined; stdout: string; stderr: string};

async function cli(
	args: readonly string[],
	env: Record<string, string> = {},
): Promise<Run> {
	const result = await ns.exec(
		process.execPath,
		[cliPath, '--timeout', '300ms', ...args],
		{env: {PATH: process.env['PATH'], ...env}, timeout: 60_000},
	);
	return {
		exitCode: result.exitCode,
		stdout: String(result.stdout),
		stderr: String(result.stderr),
	};
}

/** Run every case, `parallel` at a time. */
async function each<T>(cases: readonly T[], run: (item: T) => Promise<void>) {
	let next = 0;
	const worker = async () => {
		while (next < cases.length) {
			const item = cases[next++]!;
			await run(item);
		}
	};

	await Promise.all(Array.from({length: parallel}, async () => worker()));
}

const control = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

describe('the CLI under fuzzing', () => {
	test(`random targets: exit 0, 1 or 2 only; valid JSON on 0 and 1; one visible line on 2 (${targetRuns} runs, seed ${seed})`, async () => {
		const cases = fc.sample(
			fc.array(
				targetWord.filter(word => !word.startsWith('-')),
				{
					minLength: 1,
					maxLength: 3,
				},
			),
			{numRuns: targetRuns, seed},
		);
		await each(cases, async words => {
			const run = await cli([
				...words.map(word => word.replaceAll('\u0000', '')),
				'--json',
			]);
			const label = JSON.stringify({words, ...run}).slice(0, 2000);
			expect([0, 1, 2], label).toContain(run.exitCode);
			expect(run.stderr, label).not.toMatch(/\n\s+at /);
			if (run.exitCode === 2) {
				// One line (execa strips the final newline).
				expect(run.stderr, label).toMatch(/^refused: [^\n]*$/);
				expect(run.stderr, label).not.toMatch(control);
			} else {
				const report = JSON.parse(run.stdout) as unknown;
				expect(schemaErrors(report), label).toEqual([]);
				expect(run.stdout, label).not.toMatch(/\\u001b|\\u0007/i);
			}
		});
	}, 600_000);

	test(`random credentials in the target and in HTTP_PROXY never appear in stdout or stderr (${secretRuns} runs, seed ${seed})`, async () => {
		const cases = fc.sample(
			fc.record({
				target: credentialUrl,
				proxy: credentialUrl,
				format: fc.constantFrom('--json', '--markdown'),
			}),
			{numRuns: secretRuns, seed},
		);
		await each(cases, async ({target, proxy, format}) => {
			const proxyUrl = proxy.url.replace(/^[a-z]+:/, 'http:');
			const run = await cli([target.url, format], {
				HTTP_PROXY: proxyUrl,
				HTTPS_PROXY: proxyUrl,
				ALL_PROXY: proxyUrl,
			});
			const label = JSON.stringify({
				target: target.url,
				proxy: proxyUrl,
				format,
				exitCode: run.exitCode,
			});
			expect([0, 1, 2], label).toContain(run.exitCode);
			for (const token of [...target.tokens, ...proxy.tokens]) {
				expect(run.stdout, label).not.toContain(token);
				expect(run.stderr, label).not.toContain(token);
			}
		});
	}, 600_000);
});
