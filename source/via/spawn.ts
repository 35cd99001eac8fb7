/**
How the local `ssh` program runs: the project runner's semantics (an argument array, never a
shell; a timeout; LC_ALL=C; stdin from /dev/null; output sanitised; failures as fields, never
exceptions), plus one thing the plain runner does not do: the process gets its own process group
and a timeout or cancel kills the whole group, so a ProxyCommand or ProxyJump child of ssh cannot
outlive it. The group is only made for non-interactive runs: an interactive ssh must keep the
terminal to ask for a passphrase.
*/
import {execa} from 'execa';
import {sanitize, shellQuote} from '../text/sanitize.js';
import type {CommandSpec, RunOptions, RunResult} from '../checks/types.js';

/** Like RunResult, but stdout is kept as the program wrote it when `raw` (file contents: NULs stay). */
export type SshSpawn = (
	spec: CommandSpec & {readonly raw?: boolean},
	options?: RunOptions,
) => Promise<RunResult>;

const defaultTimeoutMs = 5000;

function killGroup(pid: number | undefined) {
	if (pid === undefined) {
		return;
	}

	try {
		process.kill(-pid, 'SIGKILL');
	} catch {}
}

function streamLines(
	stream: NodeJS.ReadableStream | undefined | null,
	onLine: (line: string) => void,
) {
	let rest = '';
	stream?.on('data', (chunk: Uint8Array) => {
		const lines = (rest + Buffer.from(chunk).toString('utf8')).split('\n');
		rest = lines.pop() ?? '';
		for (const line of lines) {
			onLine(sanitize(line));
		}
	});
}

/** Runs the local ssh program; `group: false` keeps the terminal (an interactive login). */
export function createSshSpawn(options: {readonly group: boolean}): SshSpawn {
	return async (spec, runOptions = {}): Promise<RunResult> => {
		const command = shellQuote([spec.file, ...spec.args]);
		const started = performance.now();
		const controller = new AbortController();
		const subprocess = execa(spec.file, [...spec.args], {
			reject: false,
			stdin: 'ignore',
			env: {LC_ALL: 'C', LANG: 'C'},
			extendEnv: true,
			detached: options.group,
			stripFinalNewline: false,
			maxBuffer: 64 * 1024 * 1024,
			cancelSignal: controller.signal,
			forceKillAfterDelay: 1000,
		});
		let timedOut = false;
		const stop = () => {
			if (options.group) {
				killGroup(subprocess.pid);
			}

			controller.abort();
		};

		const timer = setTimeout(() => {
			timedOut = true;
			stop();
		}, spec.timeoutMs ?? defaultTimeoutMs);
		const onAbort = () => {
			stop();
		};

		runOptions.signal?.addEventListener('abort', onAbort);
		if (runOptions.onLine) {
			streamLines(subprocess.stdout, runOptions.onLine);
		}

		try {
			const result = await subprocess;
			const errorCode = (result as {code?: string}).code;
			return {
				command,
				exitCode: result.exitCode,
				stdout: spec.raw
					? String(result.stdout ?? '')
					: sanitize(String(result.stdout ?? '')),
				stderr: sanitize(String(result.stderr ?? '')),
				timedOut,
				notFound: errorCode === 'ENOENT',
				canceled: !timedOut && Boolean(runOptions.signal?.aborted),
				durationMs: Math.round(performance.now() - started),
			};
		} finally {
			clearTimeout(timer);
			runOptions.signal?.removeEventListener('abort', onAbort);
		}
	};
}
