import type {Parsed} from '../../parsers/kubernetes.js';
import type {CheckContext, RunResult} from '../types.js';

/** The API server gets this long (kubectl's own limit); the runner kills kubectl a little later. */
export const requestTimeout = '5s';
const runnerTimeoutMs = 8000;

export type KubectlRead =
	| {readonly ok: true; readonly stdout: string; readonly command: string}
	| {readonly ok: false; readonly reason: string; readonly command: string};

/** A read-only `kubectl get ... -o json`, bounded by --request-timeout and a runner timeout. */
export async function kubectlGet(
	context: CheckContext,
	args: readonly string[],
): Promise<KubectlRead> {
	const full = [
		'get',
		...args,
		'-o',
		'json',
		`--request-timeout=${requestTimeout}`,
		// Strictly read-only: no discovery cache written under ~/.kube/cache.
		'--cache-dir=/dev/null',
	];
	context.onCommand(`kubectl ${full.join(' ')}`);
	const result = await context.io.run(
		{file: 'kubectl', args: full, timeoutMs: runnerTimeoutMs},
		{signal: context.signal},
	);
	if (result.exitCode === 0 && !result.timedOut) {
		return {ok: true, stdout: result.stdout, command: result.command};
	}

	return {ok: false, reason: kubectlFailure(result), command: result.command};
}

/** Why kubectl failed, in one line: its own last error line, or the timeout. */
export function kubectlFailure(result: RunResult): string {
	if (result.notFound) {
		return 'kubectl is not installed';
	}

	if (result.timedOut) {
		return `the API server did not answer within ${runnerTimeoutMs / 1000} s`;
	}

	const lines = result.stderr
		.split('\n')
		.map(line => line.trim())
		.filter(Boolean);
	// Client-go logs each retry (E1124 ... memcache.go ...); the last plain line is kubectl's verdict.
	const verdict =
		lines.findLast(line => !/^[EIW]\d{4} /.test(line)) ?? lines.at(-1);
	return verdict ?? `kubectl exited with ${result.exitCode ?? '?'}`;
}

/** A list read and parsed: the items, or why they could not be had. */
export type Read<T> =
	| {readonly ok: true; readonly items: readonly T[]}
	| {readonly ok: false; readonly reason: string};

/** `kubectlGet` and a parser: the objects, or why not (kubectl's error, or an answer that is not the list). */
export async function kubectlList<T>(
	context: CheckContext,
	args: readonly string[],
	parse: (text: string) => Parsed<T>,
): Promise<{read: Read<T>; command: string}> {
	const result = await kubectlGet(context, args);
	if (!result.ok) {
		return {read: {ok: false, reason: result.reason}, command: result.command};
	}

	const parsed = parse(result.stdout);
	return {
		read: parsed.ok
			? {ok: true, items: parsed.items}
			: {
					ok: false,
					reason: `kubectl's answer could not be read: ${parsed.error}`,
				},
		command: result.command,
	};
}
