import {
	checkTargetPort,
	nearMisses,
	parseKubeEndpointSlices,
	parseKubePods,
	podProblem,
	selectorText,
	selects,
	type KubeEndpointSlice,
	type KubePod,
} from '../../parsers/kubernetes.js';
import type {Confidence, Finding, Fix} from '../../tree/types.js';
import type {CheckRun} from '../types.js';
import {kubectlGet, requestTimeout} from './kubectl.js';
import {portText} from './service.js';

function sliceLines(slices: readonly KubeEndpointSlice[]): string[] {
	return slices.map(slice => {
		const ports =
			slice.ports
				.map(p => `${p.name ? `${p.name} ` : ''}${p.port ?? '?'}`)
				.join(', ') || 'none';
		const endpoints =
			slice.endpoints
				.map(
					e =>
						`${e.addresses.join(',')} ${e.ready ? 'ready' : 'not ready'}${e.pod ? ` (${e.pod})` : ''}`,
				)
				.join('; ') || 'no endpoints';
		return `EndpointSlice ${slice.name}: ${endpoints}; ports: ${ports}`;
	});
}

/** The nodePort match may be another cluster's port: never more than likely. */
const capped = (confidence: Confidence, portOnly: boolean): Confidence =>
	portOnly && confidence === 'confirmed' ? 'likely' : confidence;

/** The Service's endpoints, the pods its selector matches, their readiness, and targetPort against the containers' ports. */
export const kubeEndpoints: CheckRun = async context => {
	const kube = context.facts.kubernetes!;
	const namespace = kube.namespace!;
	const name = kube.name!;
	const service = `${namespace}/${name}`;
	const portOnly = kube.unverifiedNode ?? false;
	const commands: string[] = [];
	const output: string[] = [];
	const findings: Finding[] = [];
	const describe = `kubectl describe service ${name} -n ${namespace}`;

	const slicesRead = await kubectlGet(context, [
		'endpointslices',
		'-n',
		namespace,
		'-l',
		`kubernetes.io/service-name=${name}`,
	]);
	commands.push(slicesRead.command);
	const slicesParsed = slicesRead.ok
		? parseKubeEndpointSlices(slicesRead.stdout)
		: undefined;
	const slices = slicesParsed?.ok ? slicesParsed.items : [];
	if (slicesRead.ok) {
		output.push(
			...(slices.length > 0
				? sliceLines(slices)
				: [`no EndpointSlice for ${service}`]),
		);
	} else {
		output.push(`EndpointSlices could not be read: ${slicesRead.reason}`);
	}

	const readyEndpoints = slices.flatMap(s =>
		s.endpoints.filter(e => e.ready),
	).length;
	const selector = kube.selector;
	let pods: KubePod[] = [];
	let podsReadable = false;
	if (selector) {
		const podsRead = await kubectlGet(context, ['pods', '-n', namespace]);
		commands.push(podsRead.command);
		const parsed = podsRead.ok ? parseKubePods(podsRead.stdout) : undefined;
		if (parsed?.ok) {
			pods = [...parsed.items];
			podsReadable = true;
		} else {
			output.push(
				`pods could not be read: ${podsRead.ok ? (parsed && !parsed.ok ? parsed.error : '') : podsRead.reason}`,
			);
		}
	}

	const command = commands.join('; ');
	const facts = {kubernetes: {...kube, readyEndpoints}};
	if (!slicesRead.ok && !podsReadable) {
		return {
			status: 'unknown',
			detail: `could not read the endpoints or pods of ${service}: ${slicesRead.reason}; by hand: ${describe}; kubectl get endpointslices -n ${namespace} -l kubernetes.io/service-name=${name} --request-timeout=${requestTimeout}`,
			command,
			output,
		};
	}

	const selected = pods.filter(
		pod =>
			selector &&
			selects(selector, pod.labels) &&
			pod.phase !== 'Succeeded' &&
			pod.phase !== 'Failed',
	);
	const ready = selected.filter(pod => pod.ready && !pod.deleting);
	if (selector && podsReadable) {
		output.push(
			`selector ${selectorText(selector)}: ${selected.length} of ${pods.length} pods in ${namespace} match, ${ready.length} ready`,
			...selected
				.filter(pod => !pod.ready || pod.deleting)
				.map(pod => podProblem(pod)),
		);
	}

	const endpointsEvidence = slicesRead.ok
		? slices.length > 0
			? sliceLines(slices)
			: [`no EndpointSlice for ${service}`]
		: [];

	// No pod matches the selector at all.
	if (selector && podsReadable && selected.length === 0) {
		const misses = nearMisses(selector, pods);
		const value = Object.values(selector)[0] ?? '';
		const close = misses.filter(
			m => m.value.includes(value) || value.includes(m.value),
		);
		const candidates = [
			...new Set(
				(close.length > 0 ? close : misses).map(m => `${m.key}=${m.value}`),
			),
		];
		const fixes: Fix[] = [
			{
				command: `kubectl get pods -n ${namespace} --show-labels`,
				why: `Compare the pods' labels with the selector ${selectorText(selector)}.`,
			},
		];
		if (close.length > 0 && candidates.length === 1) {
			const [key, labelValue] = candidates[0]!.split('=') as [string, string];
			fixes.unshift({
				command: `kubectl patch service ${name} -n ${namespace} -p '${JSON.stringify({spec: {selector: {...selector, [key]: labelValue}}})}'`,
				why: `Point the selector at the label the pods carry (${candidates[0]}); or change the pods' template labels in their Deployment instead.`,
				undo: `kubectl patch service ${name} -n ${namespace} -p '${JSON.stringify({spec: {selector}})}'`,
			});
		} else {
			fixes.push({
				command: `kubectl get deployments,statefulsets -n ${namespace} -o wide`,
				why: 'Is the workload that should carry these labels there, and scaled above 0? (kubectl scale deployment/<name> -n NAMESPACE --replicas=1)'.replace(
					'NAMESPACE',
					namespace,
				),
			});
		}

		findings.push({
			id: 'k8s-no-endpoints',
			confidence: capped('confirmed', portOnly),
			summary: `Service ${service} selects ${selectorText(selector)}, but no pod in namespace ${namespace} has ${Object.keys(selector).length === 1 ? 'that label' : 'those labels'}${
				close.length > 0
					? ` (${close.map(m => `${m.pod.name} has ${m.key}=${m.value}`).join(', ')})`
					: ''
			}: it has no endpoints, so connections to it are refused.`,
			evidence: [
				`${service}: ${kube.matchedBy ?? ''}; selector ${selectorText(selector)}`,
				...endpointsEvidence,
				`kubectl get pods -n ${namespace}: ${pods.length} pods, none with ${selectorText(selector)}`,
				...misses
					.slice(0, 5)
					.map(m => `pod ${m.pod.name}: ${m.key}=${m.value}`),
			],
			fixes,
		});
	} else if (selected.length > 0 && ready.length === 0) {
		// Pods match, none is ready.
		const first = selected[0]!;
		const restarted = first.containers.some(c => (c.restartCount ?? 0) > 0);
		findings.push({
			id: 'k8s-no-endpoints',
			confidence: capped('confirmed', portOnly),
			summary: `Service ${service} selects ${selected.length} pod${selected.length === 1 ? '' : 's'} (${selectorText(selector!)}), but none is ready, so it has no ready endpoints and connections are refused: ${selected
				.slice(0, 3)
				.map(pod => podProblem(pod))
				.join('; ')}.`,
			evidence: [
				`${service}: ${kube.matchedBy ?? ''}; selector ${selectorText(selector!)}`,
				...endpointsEvidence,
				...selected.slice(0, 5).map(pod => podProblem(pod)),
			],
			fixes: [
				{
					command: `kubectl describe pod ${first.name} -n ${namespace}`,
					why: 'Its Events say why it is not ready: "Readiness probe failed: ... connection refused" means the app does not listen where the probe looks.',
				},
				{
					command: `kubectl logs ${first.name} -n ${namespace} --all-containers --tail=50${restarted ? ' --previous' : ''}`,
					why: restarted
						? 'The last lines before the container restarted.'
						: 'What the app says while it is not ready.',
				},
			],
		});
	} else if (!selector && slicesRead.ok && readyEndpoints === 0) {
		findings.push({
			id: 'k8s-no-endpoints',
			confidence: capped('confirmed', portOnly),
			summary: `Service ${service} has no selector and no ready endpoints: nothing receives its traffic, so connections are refused.`,
			evidence: [
				`${service}: no selector (its endpoints are managed by hand)`,
				...endpointsEvidence,
			],
			fixes: [
				{
					command: describe,
					why: 'A Service without a selector needs EndpointSlices created by hand (or by a controller): check they exist and point at live addresses.',
				},
			],
		});
	} else if (
		selector &&
		!podsReadable &&
		slicesRead.ok &&
		readyEndpoints === 0
	) {
		// The pods could not be read (RBAC): the slices alone say there is nothing ready, not why.
		findings.push({
			id: 'k8s-no-endpoints',
			confidence: capped('likely', portOnly),
			summary: `Service ${service} has no ready endpoints in its EndpointSlices, so connections to it are refused; its pods could not be read to say why.`,
			evidence: [
				`${service}: selector ${selectorText(selector)}`,
				...endpointsEvidence,
			],
			fixes: [
				{
					command: `kubectl get pods -n ${namespace} -l ${selectorText(selector)} -o wide`,
					why: 'With a user allowed to list pods: are there pods with these labels, and are they Ready?',
				},
				{command: describe, why: 'Its Endpoints line, and events.'},
			],
		});
	}

	// TargetPort against the ports the ready (else all selected) pods declare.
	const checked = ready.length > 0 ? ready : selected;
	if (checked.length > 0) {
		for (const port of kube.ports ?? []) {
			const result = checkTargetPort({...port, protocol: 'TCP'}, checked);
			if (result.kind === 'ok') {
				output.push(
					`targetPort ${port.targetPort} → container ${result.container} port ${result.containerPort}`,
				);
				continue;
			}

			const pod = checked[0]!;
			const verify = {
				command: `kubectl exec -n ${namespace} ${pod.name} -- cat /proc/net/tcp /proc/net/tcp6`,
				why: 'Which port the app really listens on (hex, column local_address; state 0A is LISTEN): declared container ports are documentation only.',
			};
			if (result.kind === 'undeclared') {
				output.push(
					`targetPort ${port.targetPort}: the containers declare no ports, so the port the app listens on cannot be read with get; by hand: ${verify.command}`,
				);
				continue;
			}

			const suggestion = result.suggestion;
			findings.push({
				id: 'k8s-port-mismatch',
				confidence: capped(result.named ? 'confirmed' : 'likely', portOnly),
				summary: result.named
					? `Service ${service} sends ${portText(port)}, but no container of its pods has a port named "${port.targetPort}" (they declare ${result.declared.join('; ')}): Kubernetes cannot resolve it, so the port has no endpoints.`
					: `Service ${service} sends ${portText(port)}, but its pods' containers declare ${result.declared.join('; ')}: connections reach the pod on ${port.targetPort} and are refused there.`,
				evidence: [
					`${service}: ${portText(port)}`,
					...endpointsEvidence,
					...checked
						.slice(0, 3)
						.map(
							p =>
								`pod ${p.name}: ${p.containers.map(c => `${c.name} declares ${c.ports.map(cp => `${cp.containerPort}/${cp.protocol}${cp.name ? ` (${cp.name})` : ''}`).join(', ') || 'no ports'}`).join('; ')}`,
						),
				],
				fixes: [
					...(suggestion === undefined
						? []
						: [
								{
									command: `kubectl patch service ${name} -n ${namespace} -p '${JSON.stringify({spec: {ports: [{port: port.port, targetPort: suggestion}]}})}'`,
									why: `Send the Service's port ${port.port} to the port the container declares (${suggestion}).`,
									undo: `kubectl patch service ${name} -n ${namespace} -p '${JSON.stringify({spec: {ports: [{port: port.port, targetPort: port.targetPort}]}})}'`,
								},
							]),
					verify,
				],
			});
		}
	}

	const problem = findings.length > 0;
	return {
		status: problem ? 'problem' : 'passed',
		detail: problem
			? findings.map(f => f.summary).join(' ')
			: `${service} has ${readyEndpoints} ready endpoint${readyEndpoints === 1 ? '' : 's'}${checked.length > 0 ? ` and its targetPort matches the containers' ports` : ''}`,
		command,
		output,
		facts,
		...(problem ? {findings} : {}),
	};
};
