import {execa} from 'execa';
import {sanitize, shellQuote} from '../text/sanitize.js';
import type {CommandSpec, RunOptions, RunResult, Runner} from './types.js';

const defaultTimeoutMs = 5000;
const maxBuffer = 64 * 1024 * 1024;

/**
The one runner every external command goes through: an argument array (never a shell), a
timeout, LC_ALL=C, no stdin, output stripped of control sequences. Expected failures (non-zero
exit, timeout, a missing program) are fields of the result, never exceptions.
*/
export function createRunner(
	options: {readonly timeoutMs?: number} = {},
): Runner {
	return async (
		spec: CommandSpec,
		runOptions: RunOptions = {},
	): Promise<RunResult> => {
		const command = shellQuote([spec.file, ...spec.args]);
		const started = performance.now();
		const subprocess = execa(spec.file, [...spec.args], {
			reject: false,
			timeout: spec.timeoutMs ?? options.timeoutMs ?? defaultTimeoutMs,
			forceKillAfterDelay: 1000,
			stdin: 'ignore',
			env: {LC_ALL: 'C', LANG: 'C'},
			extendEnv: true,
			maxBuffer,
			stripFinalNewline: false,
			...(runOptions.signal ? {cancelSignal: runOptions.signal} : {}),
		});
		if (runOptions.onLine) {
			const onLine = runOptions.onLine;
			let rest = '';
			subprocess.stdout?.on('data', (chunk: Uint8Array) => {
				const lines = (rest + Buffer.from(chunk).toString('utf8')).split('\n');
				rest = lines.pop() ?? '';
				for (const line of lines) {
					onLine(sanitize(line));
				}
			});
		}

		const result = await subprocess;
		const errorCode = (result as {code?: string}).code;
		return {
			command,
			exitCode: result.exitCode,
			stdout: sanitize(String(result.stdout ?? '')),
			stderr: sanitize(String(result.stderr ?? '')),
			timedOut: Boolean(result.timedOut),
			notFound: errorCode === 'ENOENT',
			canceled: Boolean(result.isCanceled),
			durationMs: Math.round(performance.now() - started),
		};
	};
}
