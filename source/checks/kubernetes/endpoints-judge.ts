/**
The kube-endpoints judge (pure): no pod matches the selector, pods match but none is ready, no
selector and no endpoints, pods unreadable but no ready endpoint (k8s-no-endpoints); targetPort
no container declares (k8s-port-mismatch). A Service matched by a nodePort alone is never more
than likely.
*/
import {
	checkTargetPort,
	nearMisses,
	podProblem,
	selectorText,
	selects,
} from '../../model/kubernetes/match.js';
import type {KubePod} from '../../parsers/kubernetes.js';
import type {KubernetesFacts} from '../../tree/facts.js';
import type {CheckResult, Confidence, Finding} from '../../tree/types.js';
import type {JudgeInput} from '../define.js';
import type {EndpointsObservations} from './endpoints.js';
import {
	describeService,
	listenerFix,
	notReadyFixes,
	podPortsLine,
	podsByHandFixes,
	selectorFixes,
	sliceLines,
	slicesByHand,
	targetPortFix,
	type ServiceRef,
} from './endpoints-explain.js';
import {portText} from './service-explain.js';

/** What every finding of this step needs. */
type Scene = {
	readonly kube: KubernetesFacts;
	readonly ref: ServiceRef;
	readonly service: string;
	readonly selector?: Readonly<Record<string, string>>;
	readonly pods: readonly KubePod[];
	readonly podsReadable: boolean;
	readonly selected: readonly KubePod[];
	readonly ready: readonly KubePod[];
	readonly readyEndpoints: number;
	readonly slicesReadable: boolean;
	readonly endpointsEvidence: readonly string[];
	/** The nodePort match may be another cluster's port: never more than likely. */
	readonly capped: (confidence: Confidence) => Confidence;
};

function noPodMatches(scene: Scene): Finding {
	const {ref, service, pods} = scene;
	const selector = scene.selector!;
	const misses = nearMisses(selector, pods);
	const value = Object.values(selector)[0] ?? '';
	const close = misses.filter(
		m => m.value.includes(value) || value.includes(m.value),
	);
	const candidates = [
		...new Map(
			(close.length > 0 ? close : misses).map(m => [`${m.key}=${m.value}`, m]),
		).values(),
	];
	const candidate =
		close.length > 0 && candidates.length === 1 ? candidates[0] : undefined;
	return {
		id: 'k8s-no-endpoints',
		confidence: scene.capped('confirmed'),
		summary: `Service ${service} selects ${selectorText(selector)}, but no pod in namespace ${ref.namespace} has ${Object.keys(selector).length === 1 ? 'that label' : 'those labels'}${
			close.length > 0
				? ` (${close.map(m => `${m.pod.name} has ${m.key}=${m.value}`).join(', ')})`
				: ''
		}: it has no endpoints, so connections to it are refused.`,
		evidence: [
			`${service}: ${scene.kube.matchedBy ?? ''}; selector ${selectorText(selector)}`,
			...scene.endpointsEvidence,
			`kubectl get pods -n ${ref.namespace}: ${pods.length} pods, none with ${selectorText(selector)}`,
			...misses.slice(0, 5).map(m => `pod ${m.pod.name}: ${m.key}=${m.value}`),
		],
		fixes: selectorFixes(ref, selector, candidate),
	};
}

function noneReady(scene: Scene): Finding {
	const {service, selected} = scene;
	const selector = selectorText(scene.selector!);
	return {
		id: 'k8s-no-endpoints',
		confidence: scene.capped('confirmed'),
		summary: `Service ${service} selects ${selected.length} pod${selected.length === 1 ? '' : 's'} (${selector}), but none is ready, so it has no ready endpoints and connections are refused: ${selected
			.slice(0, 3)
			.map(pod => podProblem(pod))
			.join('; ')}.`,
		evidence: [
			`${service}: ${scene.kube.matchedBy ?? ''}; selector ${selector}`,
			...scene.endpointsEvidence,
			...selected.slice(0, 5).map(pod => podProblem(pod)),
		],
		fixes: notReadyFixes(scene.ref, selected[0]!),
	};
}

function noSelector(scene: Scene): Finding {
	return {
		id: 'k8s-no-endpoints',
		confidence: scene.capped('confirmed'),
		summary: `Service ${scene.service} has no selector and no ready endpoints: nothing receives its traffic, so connections are refused.`,
		evidence: [
			`${scene.service}: no selector (its endpoints are managed by hand)`,
			...scene.endpointsEvidence,
		],
		fixes: [
			{
				command: describeService(scene.ref),
				why: 'A Service without a selector needs EndpointSlices created by hand (or by a controller): check they exist and point at live addresses.',
			},
		],
	};
}

/** The pods could not be read (RBAC): the slices alone say there is nothing ready, not why. */
function podsUnreadable(scene: Scene): Finding {
	return {
		id: 'k8s-no-endpoints',
		confidence: scene.capped('likely'),
		summary: `Service ${scene.service} has no ready endpoints in its EndpointSlices, so connections to it are refused; its pods could not be read to say why.`,
		evidence: [
			`${scene.service}: selector ${selectorText(scene.selector!)}`,
			...scene.endpointsEvidence,
		],
		fixes: podsByHandFixes(scene.ref, scene.selector!),
	};
}

function endpointsFinding(scene: Scene): Finding | undefined {
	const {selector, podsReadable, selected, ready} = scene;
	if (selector && podsReadable && selected.length === 0) {
		return noPodMatches(scene);
	}

	if (selected.length > 0 && ready.length === 0) {
		return noneReady(scene);
	}

	const noneInSlices = scene.slicesReadable && scene.readyEndpoints === 0;
	if (!selector && noneInSlices) {
		return noSelector(scene);
	}

	return selector && !podsReadable && noneInSlices
		? podsUnreadable(scene)
		: undefined;
}

/** TargetPort against the ports the ready (else all selected) pods declare. */
function portFindings(
	scene: Scene,
	output: string[],
): {findings: Finding[]; checked: readonly KubePod[]} {
	const checked = scene.ready.length > 0 ? scene.ready : scene.selected;
	const findings: Finding[] = [];
	if (checked.length === 0) {
		return {findings, checked};
	}

	for (const port of scene.kube.ports ?? []) {
		const result = checkTargetPort({...port, protocol: 'TCP'}, checked);
		const verify = listenerFix(scene.ref, checked[0]!);
		if (result.kind === 'ok') {
			output.push(
				`targetPort ${port.targetPort} → container ${result.container} port ${result.containerPort}`,
			);
		} else if (result.kind === 'undeclared') {
			output.push(
				`targetPort ${port.targetPort}: the containers declare no ports, so the port the app listens on cannot be read with get; by hand: ${verify.command}`,
			);
		} else {
			const {suggestion} = result;
			findings.push({
				id: 'k8s-port-mismatch',
				confidence: scene.capped(result.named ? 'confirmed' : 'likely'),
				summary: result.named
					? `Service ${scene.service} sends ${portText(port)}, but no container of its pods has a port named "${port.targetPort}" (they declare ${result.declared.join('; ')}): Kubernetes cannot resolve it, so the port has no endpoints.`
					: `Service ${scene.service} sends ${portText(port)}, but its pods' containers declare ${result.declared.join('; ')}: connections reach the pod on ${port.targetPort} and are refused there.`,
				evidence: [
					`${scene.service}: ${portText(port)}`,
					...scene.endpointsEvidence,
					...checked.slice(0, 3).map(p => podPortsLine(p)),
				],
				fixes: [
					...(suggestion === undefined
						? []
						: [targetPortFix(scene.ref, port, suggestion)]),
					verify,
				],
			});
		}
	}

	return {findings, checked};
}

function sceneOf(obs: EndpointsObservations, kube: KubernetesFacts): Scene {
	const ref = {namespace: kube.namespace!, name: kube.name!};
	const {selector} = kube;
	const slices = obs.slices.ok ? obs.slices.items : [];
	const pods = obs.pods?.ok ? obs.pods.items : [];
	const selected = pods.filter(
		pod =>
			selector &&
			selects(selector, pod.labels) &&
			pod.phase !== 'Succeeded' &&
			pod.phase !== 'Failed',
	);
	const service = `${ref.namespace}/${ref.name}`;
	return {
		kube,
		ref,
		service,
		...(selector ? {selector} : {}),
		pods,
		podsReadable: obs.pods?.ok ?? false,
		selected,
		ready: selected.filter(pod => pod.ready && !pod.deleting),
		readyEndpoints: slices.flatMap(s => s.endpoints.filter(e => e.ready))
			.length,
		slicesReadable: obs.slices.ok,
		endpointsEvidence: obs.slices.ok
			? slices.length > 0
				? sliceLines(slices)
				: [`no EndpointSlice for ${service}`]
			: [],
		capped: confidence =>
			kube.unverifiedNode && confidence === 'confirmed' ? 'likely' : confidence,
	};
}

function observedLines(obs: EndpointsObservations, scene: Scene): string[] {
	const lines = obs.slices.ok
		? [...scene.endpointsEvidence]
		: [`EndpointSlices could not be read: ${obs.slices.reason}`];
	if (obs.pods && !obs.pods.ok) {
		lines.push(`pods could not be read: ${obs.pods.reason}`);
	}

	if (scene.selector && scene.podsReadable) {
		lines.push(
			`selector ${selectorText(scene.selector)}: ${scene.selected.length} of ${scene.pods.length} pods in ${scene.ref.namespace} match, ${scene.ready.length} ready`,
			...scene.selected
				.filter(pod => !pod.ready || pod.deleting)
				.map(pod => podProblem(pod)),
		);
	}

	return lines;
}

export function judgeEndpoints(
	obs: EndpointsObservations,
	input: JudgeInput,
): CheckResult {
	const kube = input.facts.kubernetes!;
	const scene = sceneOf(obs, kube);
	const command = obs.commands.join('; ');
	const output = observedLines(obs, scene);
	if (!obs.slices.ok && !scene.podsReadable) {
		return {
			status: 'unknown',
			detail: `could not read the endpoints or pods of ${scene.service}: ${obs.slices.reason}; by hand: ${describeService(scene.ref)}; ${slicesByHand(scene.ref)}`,
			command,
			output,
		};
	}

	const finding = endpointsFinding(scene);
	const ports = portFindings(scene, output);
	const findings = [...(finding ? [finding] : []), ...ports.findings];
	const problem = findings.length > 0;
	const {readyEndpoints} = scene;
	return {
		status: problem ? 'problem' : 'passed',
		detail: problem
			? findings.map(f => f.summary).join(' ')
			: `${scene.service} has ${readyEndpoints} ready endpoint${readyEndpoints === 1 ? '' : 's'}${ports.checked.length > 0 ? ` and its targetPort matches the containers' ports` : ''}`,
		command,
		output,
		facts: {kubernetes: {...kube, readyEndpoints}},
		...(problem ? {findings} : {}),
	};
}
