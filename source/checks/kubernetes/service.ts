import {
	matchService,
	nodeOf,
	parseKubeNodes,
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
	const name = `${service.namespace}/${service.name}`;
	const commands = [read.command];
	let {matchedBy} = match;
	let nodeNote = '';
	// A nodePort is open on the cluster's nodes only: is the target one of them?
	if (match.strength === 'port-only') {
		const nodesRead = await kubectlGet(context, ['nodes']);
		commands.push(nodesRead.command);
		const nodes = nodesRead.ok ? parseKubeNodes(nodesRead.stdout) : undefined;
		if (nodes?.ok) {
			const node = nodeOf(nodes.items, {
				addresses,
				isLocal: facts.local?.isLocal ?? false,
				localAddresses:
					facts.local?.addresses ?? context.io.interfaces().map(i => i.address),
				hostname: facts.local?.hostname ?? context.io.hostname(),
			});
			if (!node) {
				return {
					status: 'passed',
					detail: `Service ${name} has nodePort ${target.port}, but ${target.host} is not one of the ${nodes.items.length} nodes of context ${cluster}: the target is not this Service`,
					command: commands.join('; '),
					output: nodes.items.map(
						n =>
							`node ${n.name}: ${n.addresses.map(a => `${a.type} ${a.address}`).join(', ')}`,
					),
					facts: {kubernetes: {...facts.kubernetes}},
				};
			}

			matchedBy = `${match.matchedBy} on node ${node.node.name} (${node.how})`;
		} else {
			const reason = nodesRead.ok
				? nodes && !nodes.ok
					? nodes.error
					: ''
				: nodesRead.reason;
			nodeNote = ` (if ${target.host} is a node of this cluster: the nodes could not be listed: ${reason})`;
		}
	}

	const ports = match.ports.map(({protocol: _protocol, ...port}) => port);
	const selector = service.selector
		? `selector ${selectorText(service.selector)}`
		: 'no selector (endpoints managed by hand)';
	return {
		status: 'passed',
		detail: `${target.host}:${target.port} is Service ${name}${nodeNote}, by ${matchedBy}: ${ports.map(p => portText(p)).join(', ')}; ${selector}`,
		command: commands.join('; '),
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
				matchedBy: `${matchedBy}${nodeNote}`,
				...(nodeNote ? {unverifiedNode: true} : {}),
				ports,
				...(service.selector ? {selector: service.selector} : {}),
			},
		},
	};
};
