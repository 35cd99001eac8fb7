/**
The kube-service step: which Service is the target (its DNS name, its clusterIP or external/LB IP
and port, or a nodePort on one of the cluster's nodes). `measure` lists the Services (and the
nodes, for a nodePort match) through kubectl; `judgeService` matches them (model/kubernetes).
*/
import {
	matchService,
	nodeOf,
	selectorText,
	type ServiceMatch,
} from '../../model/kubernetes/match.js';
import {
	parseKubeNodes,
	parseKubeServices,
	type KubeNode,
	type KubeService,
} from '../../parsers/kubernetes.js';
import type {CheckResult} from '../../tree/types.js';
import {defineCheck, type JudgeInput} from '../define.js';
import type {CheckContext} from '../types.js';
import {kubectl} from './endpoints-explain.js';
import {kubectlList, requestTimeout, type Read} from './kubectl.js';
import {portText} from './service-explain.js';

export type ServiceObservations =
	| {
			readonly kind: 'unreadable';
			readonly reason: string;
			readonly command: string;
	  }
	| {
			readonly kind: 'read';
			readonly services: readonly KubeService[];
			/** The addresses the target resolved to. */
			readonly addresses: readonly string[];
			/** Listed only for a match by nodePort alone. */
			readonly nodes?: Read<KubeNode>;
			readonly commands: readonly string[];
			readonly localAddresses: readonly string[];
			readonly hostname: string;
	  };

const targetOf = (input: Pick<JudgeInput, 'target' | 'facts'>) => ({
	host: input.target.host,
	port: input.target.port,
	addresses: input.facts.resolution?.ok
		? input.facts.resolution.addresses.map(a => a.address)
		: [input.target.host],
});

export async function measureService(
	context: CheckContext,
): Promise<ServiceObservations> {
	const {facts, io} = context;
	const {read, command} = await kubectlList(
		context,
		['services', '--all-namespaces'],
		parseKubeServices,
	);
	if (!read.ok) {
		return {kind: 'unreadable', reason: read.reason, command};
	}

	const target = targetOf(context);
	const base = {
		kind: 'read' as const,
		services: read.items,
		addresses: target.addresses,
		localAddresses:
			facts.local?.addresses ?? io.interfaces().map(i => i.address),
		hostname: facts.local?.hostname ?? io.hostname(),
	};
	// A nodePort is open on the cluster's nodes only: is the target one of them?
	if (matchService(read.items, target)?.strength !== 'port-only') {
		return {...base, commands: [command]};
	}

	const nodes = await kubectlList(context, ['nodes'], parseKubeNodes);
	return {...base, nodes: nodes.read, commands: [command, nodes.command]};
}

function serviceFound(
	input: JudgeInput,
	match: ServiceMatch,
	how: {matchedBy: string; nodeNote: string},
	command: string,
): CheckResult {
	const {target, facts} = input;
	const {service} = match;
	const name = `${service.namespace}/${service.name}`;
	const ports = match.ports.map(({protocol: _protocol, ...port}) => port);
	const selector = service.selector
		? `selector ${selectorText(service.selector)}`
		: 'no selector (endpoints managed by hand)';
	return {
		status: 'passed',
		detail: `${target.host}:${target.port} is Service ${name}${how.nodeNote}, by ${how.matchedBy}: ${ports.map(p => portText(p)).join(', ')}; ${selector}`,
		command,
		output: [
			`${name}: type ${service.type}, clusterIP ${service.clusterIPs.join(',') || 'None'}`,
			...service.ports.map(
				({protocol, ...p}) =>
					`  ${p.name ?? '(unnamed)'}: ${portText(p)}/${protocol}`,
			),
			`  ${selector}`,
		],
		facts: {
			kubernetes: {
				...facts.kubernetes,
				service: name,
				namespace: service.namespace,
				name: service.name,
				matchedBy: `${how.matchedBy}${how.nodeNote}`,
				...(how.nodeNote ? {unverifiedNode: true} : {}),
				ports,
				...(service.selector ? {selector: service.selector} : {}),
			},
		},
	};
}

export function judgeService(
	obs: ServiceObservations,
	input: JudgeInput,
): CheckResult {
	const {target, facts} = input;
	const cluster = facts.kubernetes?.context ?? '?';
	if (obs.kind === 'unreadable') {
		return {
			status: 'unknown',
			detail: `could not list the Services of context ${cluster}: ${obs.reason}; by hand: ${kubectl('get', 'services', '-A', '-o', 'wide', `--request-timeout=${requestTimeout}`)}`,
			command: obs.command,
		};
	}

	const command = obs.commands.join('; ');
	const match = matchService(obs.services, targetOf(input));
	const notThis = (detail: string, output?: string[]): CheckResult => ({
		status: 'passed',
		detail,
		command,
		...(output ? {output} : {}),
		facts: {kubernetes: {...facts.kubernetes}},
	});
	if (!match) {
		return notThis(
			`none of the ${obs.services.length} Services of context ${cluster} has this name, address or nodePort (${target.host}:${target.port})`,
		);
	}

	if (match.strength !== 'port-only' || !obs.nodes) {
		return serviceFound(
			input,
			match,
			{matchedBy: match.matchedBy, nodeNote: ''},
			command,
		);
	}

	if (!obs.nodes.ok) {
		const nodeNote = ` (if ${target.host} is a node of this cluster: the nodes could not be listed: ${obs.nodes.reason})`;
		return serviceFound(
			input,
			match,
			{matchedBy: match.matchedBy, nodeNote},
			command,
		);
	}

	const node = nodeOf(obs.nodes.items, {
		addresses: obs.addresses,
		isLocal: facts.local?.isLocal ?? false,
		localAddresses: obs.localAddresses,
		hostname: obs.hostname,
	});
	if (!node) {
		return notThis(
			`Service ${match.service.namespace}/${match.service.name} has nodePort ${target.port}, but ${target.host} is not one of the ${obs.nodes.items.length} nodes of context ${cluster}: the target is not this Service`,
			obs.nodes.items.map(
				n =>
					`node ${n.name}: ${n.addresses.map(a => `${a.type} ${a.address}`).join(', ')}`,
			),
		);
	}

	return serviceFound(
		input,
		match,
		{
			matchedBy: `${match.matchedBy} on node ${node.node.name} (${node.how})`,
			nodeNote: '',
		},
		command,
	);
}

/** Which Service is the target: its DNS name, its clusterIP (or external/LB IP) and port, or a nodePort. */
export const kubeService = defineCheck({
	measure: measureService,
	judge: judgeService,
});
