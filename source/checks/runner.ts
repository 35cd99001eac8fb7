import {spawn, type ChildProcess} from 'node:child_process';
import process from 'node:process';
import {sanitize, shellQuote} from '../text/sanitize.js';
import type {CommandSpec, RunOptions, RunResult, Runner} from './types.js';

const defaultTimeoutMs = 5000;
/**
A command that prints nothing for this long (4 s) is hung (a wrapper stuck in `sleep`, an engine that
does not answer), whatever its own timeout: diagnostic commands print as they go or finish in a
moment, and a tool waiting on several slow steps in a row must still answer in seconds.
*/
const defaultIdleTimeoutMs = 4000;
/** Output kept per stream; the rest is read and dropped (the program is not blocked on a full pipe). */
const maxBuffer = 64 * 1024 * 1024;
/** After a timeout or an abort: SIGTERM to the group, then SIGKILL this much later. */
const forceKillAfterMs = 1000;
/** After the program exits, how long to wait for its pipes to close before leaving them (a child that kept them open). */
const drainMs = 200;

/** Signal the whole process group the command leads (it was started detached, so its pid is the group id). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) {
		return;
	}

	try {
		process.kill(-child.pid, signal);
	} catch {
		// The group is gone already.
	}
}

type Collected = {chunks: Buffer[]; size: number};

function collect(
	stream: NodeJS.ReadableStream | null,
	into: Collected,
	onLine?: (line: string) => void,
): void {
	let rest = '';
	stream?.on('data', (chunk: Buffer) => {
		if (into.size < maxBuffer) {
			const kept = chunk.subarray(0, maxBuffer - into.size);
			into.chunks.push(kept);
			into.size += kept.length;
		}

		if (onLine) {
			const lines = (rest + chunk.toString('utf8')).split('\n');
			rest = lines.pop() ?? '';
			for (const line of lines) {
				onLine(sanitize(line));
			}
		}
	});
}

const text = (collected: Collected) =>
	sanitize(Buffer.concat(collected.chunks).toString('utf8'));

/**
The one runner every external command goes through: an argument array (never a shell), a
timeout, LC_ALL=C, no stdin, output stripped of control sequences. Expected failures (non-zero
exit, timeout, a missing program) are fields of the result, never exceptions.

The command leads its own process group: on a timeout or an abort the whole group is killed (a
shell wrapper's `sleep` dies with it), and the pipes are let go once the program has exited, so a
child that escaped the group cannot keep the tool waiting.
*/
export function createRunner(
	options: {readonly timeoutMs?: number; readonly idleTimeoutMs?: number} = {},
): Runner {
	return async (
		spec: CommandSpec,
		runOptions: RunOptions = {},
	): Promise<RunResult> => {
		const command = shellQuote([spec.file, ...spec.args]);
		const started = performance.now();
		const timeoutMs = spec.timeoutMs ?? options.timeoutMs ?? defaultTimeoutMs;
		const idleMs = options.idleTimeoutMs ?? defaultIdleTimeoutMs;
		if ([spec.file, ...spec.args].some(word => word.includes('\0'))) {
			// No argv can hold NUL; spawn would throw. A failed command, never an exception.
			return {
				command,
				exitCode: undefined,
				stdout: '',
				stderr: 'an argument holds a NUL character: not run',
				timedOut: false,
				notFound: false,
				canceled: false,
				durationMs: 0,
			};
		}

		return new Promise(resolve => {
			const stdout: Collected = {chunks: [], size: 0};
			const stderr: Collected = {chunks: [], size: 0};
			let timedOut = false;
			let canceled = false;
			let notFound = false;
			let exitCode: number | undefined;
			let settled = false;
			const timers: NodeJS.Timeout[] = [];
			let idle: NodeJS.Timeout | undefined;
			const child = spawn(spec.file, [...spec.args], {
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
				env: {...(spec.env ?? process.env), LC_ALL: 'C', LANG: 'C'},
				...(spec.cwd ? {cwd: spec.cwd} : {}),
			});

			const finish = () => {
				if (settled) {
					return;
				}

				settled = true;
				clearTimeout(idle);
				for (const timer of timers) {
					clearTimeout(timer);
				}

				runOptions.signal?.removeEventListener('abort', onAbort);
				if (timedOut || canceled) {
					killGroup(child, 'SIGKILL');
				}

				child.stdout?.destroy();
				child.stderr?.destroy();
				resolve({
					command,
					exitCode: timedOut || canceled ? undefined : exitCode,
					stdout: text(stdout),
					stderr: text(stderr),
					timedOut,
					notFound,
					canceled,
					durationMs: Math.round(performance.now() - started),
				});
			};

			const stop = () => {
				killGroup(child, 'SIGTERM');
				timers.push(
					setTimeout(() => {
						killGroup(child, 'SIGKILL');
						// Whatever still holds the pipes is not ours to wait for.
						timers.push(setTimeout(finish, drainMs));
					}, forceKillAfterMs),
				);
			};

			function onAbort() {
				if (!settled && !timedOut) {
					canceled = true;
					stop();
				}
			}

			let exited = false;
			const onTimeout = () => {
				if (!settled && !canceled && !timedOut && !exited) {
					timedOut = true;
					stop();
				}
			};

			// Silence for idleMs counts as hung; any output restarts the clock.
			const restartIdle = () => {
				clearTimeout(idle);
				if (idleMs < timeoutMs && !settled && !timedOut) {
					idle = setTimeout(onTimeout, idleMs);
				}
			};

			restartIdle();
			child.stdout?.on('data', restartIdle);
			child.stderr?.on('data', restartIdle);
			collect(child.stdout, stdout, runOptions.onLine);
			collect(child.stderr, stderr);
			child.once('error', (error: NodeJS.ErrnoException) => {
				notFound = error.code === 'ENOENT';
				finish();
			});
			child.once('exit', code => {
				exited = true;
				clearTimeout(idle);
				exitCode = code ?? undefined;
				// The pipes normally close with the program; a child it left behind may keep them open.
				timers.push(setTimeout(finish, drainMs));
			});
			child.once('close', finish);
			timers.push(setTimeout(onTimeout, timeoutMs));
			if (runOptions.signal?.aborted) {
				onAbort();
			} else {
				runOptions.signal?.addEventListener('abort', onAbort, {once: true});
			}
		});
	};
}
