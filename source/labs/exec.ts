/**
How a lab runs a command: an argument array (never a shell string), a timeout, LC_ALL=C, the
output kept short: the project's runner semantics, plus what setting up a lab needs and a
diagnosis never does (an environment for the client, a working folder, a detached service).
*/
import {execFile, spawn} from 'node:child_process';
import process from 'node:process';

export type Ran = {
	readonly code: number | undefined;
	readonly stdout: string;
	readonly stderr: string;
};

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
	return new Promise(resolve => {
		execFile(
			file,
			[...args],
			{
				timeout: options.timeoutMs ?? 10_000,
				killSignal: 'SIGKILL',
				maxBuffer: 4 * 1024 * 1024,
				cwd: options.cwd,
				env: {...(options.env ?? process.env), LC_ALL: 'C'},
				encoding: 'utf8',
			},
			(error, stdout, stderr) => {
				const code =
					error === null
						? 0
						: typeof error.code === 'number'
							? error.code
							: undefined;
				resolve({code, stdout: String(stdout), stderr: String(stderr)});
			},
		);
	});
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
