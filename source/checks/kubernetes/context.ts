import type {CheckRun} from '../types.js';
import {noKubeconfig} from './kubeconfig.js';
import {requestTimeout} from './kubectl.js';

/** Is there a kubectl with a current context? Local only: reads the kubeconfig, asks no server. */
export const kubeContext: CheckRun = async ({io, signal, onCommand}) => {
	const none = await noKubeconfig(io);
	if (none) {
		return {status: 'skipped', detail: none};
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
};
