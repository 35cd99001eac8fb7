import type {CheckResult} from '../../tree/types.js';
import {defineCheck} from '../define.js';
import type {CheckContext, RunResult} from '../types.js';
import {noKubeconfig} from './kubeconfig.js';
import {requestTimeout} from './kubectl.js';

/** What the context step saw: no kubeconfig to read (kubectl not started), or kubectl's answer. */
export type ContextObservation =
	| {readonly kind: 'no-kubeconfig'; readonly why: string}
	| {readonly kind: 'ran'; readonly result: RunResult};

/** `kubectl config current-context`: local only, reads the kubeconfig, asks no server. */
async function measureContext({
	io,
	signal,
	onCommand,
}: CheckContext): Promise<ContextObservation> {
	const none = await noKubeconfig(io);
	if (none) {
		return {kind: 'no-kubeconfig', why: none};
	}

	// The gcloud kubectl dispatcher asks the server's /version even here (to pick a client version):
	// bound it, and keep its HTTP cache out of ~/.kube.
	const args = [
		'config',
		'current-context',
		`--request-timeout=${requestTimeout}`,
		'--cache-dir=/dev/null',
	];
	onCommand(`kubectl ${args.join(' ')}`);
	const result = await io.run(
		{file: 'kubectl', args, timeoutMs: 8000},
		{signal},
	);
	return {kind: 'ran', result};
}

export function judgeContext(observation: ContextObservation): CheckResult {
	if (observation.kind === 'no-kubeconfig') {
		return {status: 'skipped', detail: observation.why};
	}

	const {result} = observation;
	if (result.notFound) {
		return {
			status: 'skipped',
			detail: 'kubectl is not installed: no Kubernetes cluster to read',
			command: result.command,
		};
	}

	const context = result.stdout.trim();
	if (result.exitCode !== 0 || result.timedOut || !context) {
		const reason = result.timedOut
			? 'timed out'
			: (result.stderr.trim().split('\n').at(-1) ?? 'no output');
		return {
			status: 'skipped',
			detail: `kubectl has no current context (${reason}): no Kubernetes cluster to read`,
			command: result.command,
		};
	}

	return {
		status: 'passed',
		detail: `kubectl's current context is ${context}`,
		command: result.command,
		output: [context],
		facts: {kubernetes: {context}},
	};
}

/** Is there a kubectl with a current context? */
export const kubeContext = defineCheck({
	measure: measureContext,
	judge: judgeContext,
});
