import {execa} from 'execa';
import type {Report} from '../../source/report/model.js';
import type {Netns} from './netns.js';

export const cliPath = new URL('../../dist/cli.js', import.meta.url).pathname;

/** Run the built CLI (optionally inside a namespace) with --json and parse its report. */
export async function runJson(
	args: readonly string[],
	options: {netns?: Netns; env?: Record<string, string | undefined>} = {},
) {
	const argv = [cliPath, ...args, '--json'];
	const result = options.netns
		? await options.netns.exec(process.execPath, argv, {env: options.env})
		: await execa(process.execPath, argv, {
				reject: false,
				timeout: 60_000,
				env: options.env,
				stdin: 'ignore',
			});
	let report: Report | undefined;
	try {
		report = JSON.parse(String(result.stdout)) as Report;
	} catch {}

	return {
		exitCode: result.exitCode,
		stdout: String(result.stdout),
		stderr: String(result.stderr),
		report,
	};
}
