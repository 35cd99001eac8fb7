import type {Io} from '../types.js';

/**
Why kubectl need not be started at all: KUBECONFIG is not set, HOME is, and there is no ~/.kube/config
(kubectl would then find no context either; starting it costs more than the rest of a local diagnosis).
Undefined when kubectl may have a kubeconfig to read (or HOME is unknown): then it is asked.
*/
export async function noKubeconfig(io: Io): Promise<string | undefined> {
	const home = io.env['HOME'];
	if (io.env['KUBECONFIG'] !== undefined || !home) {
		return undefined;
	}

	const names = await io.readDir(`${home.replace(/\/+$/, '')}/.kube`);
	return names?.includes('config')
		? undefined
		: 'no kubeconfig (KUBECONFIG is not set and ~/.kube/config does not exist): no Kubernetes cluster to read, kubectl not started';
}
