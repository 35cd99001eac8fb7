/**
The words of the kube-endpoints step (pure): EndpointSlice lines, pod lines, and the kubectl
commands of the fixes, every namespace, name and label quoted by `shellQuote`.
*/
import {selectorText} from '../../model/kubernetes/match.js';
import type {KubeEndpointSlice, KubePod} from '../../parsers/kubernetes.js';
import type {KubernetesServicePort} from '../../tree/facts.js';
import {shellQuote} from '../../text/sanitize.js';
import type {Fix} from '../../tree/types.js';
import {requestTimeout} from './kubectl.js';

/** The Service a step is about: namespace and name. */
export type ServiceRef = {readonly namespace: string; readonly name: string};

export const kubectl = (...args: readonly string[]) =>
	shellQuote(['kubectl', ...args]);

export function sliceLines(slices: readonly KubeEndpointSlice[]): string[] {
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

export const describeService = ({namespace, name}: ServiceRef) =>
	kubectl('describe', 'service', name, '-n', namespace);

export const slicesByHand = ({namespace, name}: ServiceRef) =>
	kubectl(
		'get',
		'endpointslices',
		'-n',
		namespace,
		'-l',
		`kubernetes.io/service-name=${name}`,
		`--request-timeout=${requestTimeout}`,
	);

/** Kubectl patch with a JSON merge patch, and its undo. */
function patch(
	{namespace, name}: ServiceRef,
	body: unknown,
	undo: unknown,
	why: string,
): Fix {
	const patchWith = (json: unknown) =>
		kubectl(
			'patch',
			'service',
			name,
			'-n',
			namespace,
			'-p',
			JSON.stringify(json),
		);
	return {command: patchWith(body), why, undo: patchWith(undo)};
}

/** No pod carries the selector's labels: point the selector at the one close label, or look. */
export function selectorFixes(
	ref: ServiceRef,
	selector: Readonly<Record<string, string>>,
	candidate: {readonly key: string; readonly value: string} | undefined,
): Fix[] {
	const look: Fix = {
		command: kubectl('get', 'pods', '-n', ref.namespace, '--show-labels'),
		why: `Compare the pods' labels with the selector ${selectorText(selector)}.`,
	};
	if (candidate) {
		return [
			patch(
				ref,
				{spec: {selector: {...selector, [candidate.key]: candidate.value}}},
				{spec: {selector}},
				`Point the selector at the label the pods carry (${candidate.key}=${candidate.value}); or change the pods' template labels in their Deployment instead.`,
			),
			look,
		];
	}

	return [
		look,
		{
			command: kubectl(
				'get',
				'deployments,statefulsets',
				'-n',
				ref.namespace,
				'-o',
				'wide',
			),
			why: `Is the workload that should carry these labels there, and scaled above 0? (${kubectl('scale', 'deployment/NAME', '-n', ref.namespace, '--replicas=1')})`,
		},
	];
}

/** Pods match, none is ready: their events and logs. */
export function notReadyFixes(ref: ServiceRef, pod: KubePod): Fix[] {
	const restarted = pod.containers.some(c => (c.restartCount ?? 0) > 0);
	return [
		{
			command: kubectl('describe', 'pod', pod.name, '-n', ref.namespace),
			why: 'Its Events say why it is not ready: "Readiness probe failed: ... connection refused" means the app does not listen where the probe looks.',
		},
		{
			command: kubectl(
				'logs',
				pod.name,
				'-n',
				ref.namespace,
				'--all-containers',
				'--tail=50',
				...(restarted ? ['--previous'] : []),
			),
			why: restarted
				? 'The last lines before the container restarted.'
				: 'What the app says while it is not ready.',
		},
	];
}

export function podsByHandFixes(
	ref: ServiceRef,
	selector: Readonly<Record<string, string>>,
): Fix[] {
	return [
		{
			command: kubectl(
				'get',
				'pods',
				'-n',
				ref.namespace,
				'-l',
				selectorText(selector),
				'-o',
				'wide',
			),
			why: 'With a user allowed to list pods: are there pods with these labels, and are they Ready?',
		},
		{command: describeService(ref), why: 'Its Endpoints line, and events.'},
	];
}

/** Which port the app really listens on, read inside the pod. */
export const listenerFix = (ref: ServiceRef, pod: KubePod): Fix => ({
	command: kubectl(
		'exec',
		'-n',
		ref.namespace,
		pod.name,
		'--',
		'cat',
		'/proc/net/tcp',
		'/proc/net/tcp6',
	),
	why: 'Which port the app really listens on (hex, column local_address; state 0A is LISTEN): declared container ports are documentation only.',
});

export function targetPortFix(
	ref: ServiceRef,
	port: KubernetesServicePort,
	suggestion: number | string,
): Fix {
	return patch(
		ref,
		{spec: {ports: [{port: port.port, targetPort: suggestion}]}},
		{spec: {ports: [{port: port.port, targetPort: port.targetPort}]}},
		`Send the Service's port ${port.port} to the port the container declares (${suggestion}).`,
	);
}

export const podPortsLine = (pod: KubePod) =>
	`pod ${pod.name}: ${pod.containers
		.map(
			c =>
				`${c.name} declares ${c.ports.map(cp => `${cp.containerPort}/${cp.protocol}${cp.name ? ` (${cp.name})` : ''}`).join(', ') || 'no ports'}`,
		)
		.join('; ')}`;
