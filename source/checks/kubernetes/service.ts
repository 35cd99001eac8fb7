import {
	matchService,
	parseKubeServices,
	selectorText,
} from '../../parsers/kubernetes.js';
import type {KubernetesServicePort} from '../../tree/facts.js';
import type {CheckRun} from '../types.js';
import {kubectlGet, requestTimeout} from './kubectl.js';

export const portText = (port: KubernetesServicePort) =>
	`${port.nodePort === undefined ? '' : `nodePort ${port.nodePort} → `}port ${port.port} → targetPort ${port.targetPort}`;

/** Which Service is the target: its DNS name, its clusterIP (or external/LB IP) and port, or a nodePort. */
export const kubeService: CheckRun = async context => {
	const {target, facts} = context;
	const cluster = facts.kubernetes?.context ?? '?';
	const read = await kubectlGet(context, ['services', '--all-namespaces']);
	if (!read.ok) {
		return {
			status: 'unknown',
			detail: `could not list the Services of context ${cluster}: ${read.reason}; by hand: kubectl get services -A -o wide --request-timeout=${requestTimeout}`,
			command: read.command,
		};
	}

	const parsed = parseKubeServices(read.stdout);
	if (!parsed.ok) {
		return {
			status: 'unknown',
			detail: `kubectl's answer could not be read: ${parsed.error}`,
			command: read.command,
		};
	}

	const addresses = facts.resolution?.ok
		? facts.resolution.addresses.map(a => a.address)
		: [target.host];
	const match = matchService(parsed.items, {
		host: target.host,
		port: target.port,
		addresses,
	});
	if (!match) {
		return {
			status: 'passed',
			detail: `none of the ${parsed.items.length} Services of context ${cluster} has this name, address or nodePort (${target.host}:${target.port})`,
			command: read.command,
			facts: {kubernetes: {...facts.kubernetes}},
		};
	}

	const {service} = match;
	const ports = match.ports.map(({protocol: _protocol, ...port}) => port);
	const selector = service.selector
		? `selector ${selectorText(service.selector)}`
		: 'no selector (endpoints managed by hand)';
	const nodeNote =
		match.strength === 'port-only'
			? ` (if ${target.host} is a node of this cluster)`
			: '';
	return {
		status: 'passed',
		detail: `${target.host}:${target.port} is Service ${service.namespace}/${service.name}${nodeNote}, by ${match.matchedBy}: ${ports.map(p => portText(p)).join(', ')}; ${selector}`,
		command: read.command,
		output: [
			`${service.namespace}/${service.name}: type ${service.type}, clusterIP ${service.clusterIPs.join(',') || 'None'}`,
			...service.ports.map(
				({protocol, ...p}) =>
					`  ${p.name ?? '(unnamed)'}: ${portText(p)}/${protocol}`,
			),
			`  ${selector}`,
		],
		facts: {
			kubernetes: {
				...facts.kubernetes,
				service: `${service.namespace}/${service.name}`,
				namespace: service.namespace,
				name: service.name,
				matchedBy: `${match.matchedBy}${nodeNote}`,
				ports,
				...(service.selector ? {selector: service.selector} : {}),
			},
		},
	};
};
