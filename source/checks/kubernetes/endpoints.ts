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
	type Parsed,
} from '../../parsers/kubernetes.js';
import {defineCheck} from '../define.js';
import type {CheckContext} from '../types.js';
import {judgeEndpoints} from './endpoints-judge.js';
import {kubectlGet} from './kubectl.js';

export type Read<T> =
	| {readonly ok: true; readonly items: readonly T[]}
	| {readonly ok: false; readonly reason: string};

export type EndpointsObservations = {
	readonly slices: Read<KubeEndpointSlice>;
	/** Read only when the Service has a selector. */
	readonly pods?: Read<KubePod>;
	readonly commands: readonly string[];
};

async function get<T>(
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

export async function measureEndpoints(
	context: CheckContext,
): Promise<EndpointsObservations> {
	const kube = context.facts.kubernetes!;
	const namespace = kube.namespace!;
	const slices = await get(
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

	const pods = await get(context, ['pods', '-n', namespace], parseKubePods);
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
