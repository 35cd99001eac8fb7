/**
The kube-endpoints step: `measure` reads the Service's EndpointSlices and (with a selector) the
pods of its namespace through kubectl; `judgeEndpoints` (./endpoints-judge.ts) decides whether
it has ready endpoints on the right port, ./endpoints-explain.ts words it.
*/
import {
	parseKubeEndpointSlices,
	parseKubePods,
	type KubeEndpointSlice,
	type KubePod,
} from '../../parsers/kubernetes.js';
import {defineCheck} from '../define.js';
import type {CheckContext} from '../types.js';
import {judgeEndpoints} from './endpoints-judge.js';
import {kubectlList, type Read} from './kubectl.js';

export type EndpointsObservations = {
	readonly slices: Read<KubeEndpointSlice>;
	/** Read only when the Service has a selector. */
	readonly pods?: Read<KubePod>;
	readonly commands: readonly string[];
};

export async function measureEndpoints(
	context: CheckContext,
): Promise<EndpointsObservations> {
	const kube = context.facts.kubernetes!;
	const namespace = kube.namespace!;
	const slices = await kubectlList(
		context,
		[
			'endpointslices',
			'-n',
			namespace,
			'-l',
			`kubernetes.io/service-name=${kube.name!}`,
		],
		parseKubeEndpointSlices,
	);
	if (!kube.selector) {
		return {slices: slices.read, commands: [slices.command]};
	}

	const pods = await kubectlList(
		context,
		['pods', '-n', namespace],
		parseKubePods,
	);
	return {
		slices: slices.read,
		pods: pods.read,
		commands: [slices.command, pods.command],
	};
}

/** The Service's endpoints, the pods its selector matches, their readiness, and targetPort against the containers' ports. */
export const kubeEndpoints = defineCheck({
	measure: measureEndpoints,
	judge: judgeEndpoints,
});
