/**
How a lab runs a command: through the project's one runner (an argument array, never a shell
string; a timeout that kills the whole process group; LC_ALL=C; output sanitised), with what
setting up a lab needs and a diagnosis never does (an environment for the client, a working
folder); and how it starts a service that outlives the command (detached, its own group).
*/
import {spawn} from 'node:child_process';
import process from 'node:process';
import {createRunner} from '../checks/runner.js';

export type Ran = {
	readonly code: number | undefined;
	readonly stdout: string;
	readonly stderr: string;
};

// Setting up a lab may wait in silence (a namespace, a rule): no idle limit shorter than the timeout.
const runner = createRunner({idleTimeoutMs: 120_000});

export async function run(
	file: string,
	args: readonly string[],
	options: {
		readonly timeoutMs?: number;
		/** The whole environment (default: this process's). */
		readonly env?: Readonly<Record<string, string | undefined>>;
		readonly cwd?: string;
	} = {},
): Promise<Ran> {
	const result = await runner({
		file,
		args,
		timeoutMs: options.timeoutMs ?? 10_000,
		...(options.env ? {env: options.env} : {}),
		...(options.cwd ? {cwd: options.cwd} : {}),
	});
	return {
		code: result.exitCode,
		stdout: result.stdout,
		stderr: result.stderr,
	};
}

/** Run, and throw with the command and its stderr when it fails (setup steps must all succeed). */
export async function must(
	file: string,
	args: readonly string[],
	options?: Parameters<typeof run>[2],
): Promise<string> {
	const result = await run(file, args, options);
	if (result.code !== 0) {
		throw new Error(
			`${[file, ...args].join(' ')} failed: ${result.stderr.trim() || `exit ${String(result.code)}`}`,
		);
	}

	return result.stdout;
}

/** Start a long-running program in its own process group, detached from this one (it outlives a crash; the marker finds it). */
export function detach(
	file: string,
	args: readonly string[],
	cwd: string,
): number | undefined {
	const child = spawn(file, [...args], {
		cwd,
		detached: true,
		stdio: 'ignore',
		env: {...process.env, LC_ALL: 'C'},
	});
	child.on('error', () => {});
	child.unref();
	return child.pid;
}
