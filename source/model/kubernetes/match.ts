/**
Kubernetes matching (pure, on parsed objects): which Service a target names (DNS name, clusterIP,
external or load balancer IP, nodePort), which pods a selector matches and the near misses,
whether targetPort (a number or a name) is a port the containers declare, why a pod is not
ready, and whether the target is one of the cluster's nodes.
*/
import type {
	KubeNode,
	KubePod,
	KubeService,
	KubeServicePort,
} from '../../parsers/kubernetes.js';

export type ServiceMatch = {
	readonly service: KubeService;
	/** "name web.shop.svc.cluster.local", "clusterIP 10.96.0.10 port 80", "nodePort 30080". */
	readonly matchedBy: string;
	readonly ports: readonly KubeServicePort[];
	/** How sure: a name or clusterIP is the Service; a NodePort number may be another cluster's. */
	readonly strength: 'exact' | 'port-only';
};

/** Find the Service a target names: by DNS name, by clusterIP/externalIP/LB IP and port, or by nodePort. */
export function matchService(
	services: readonly KubeService[],
	target: {
		readonly host: string;
		readonly port: number;
		readonly addresses: readonly string[];
	},
): ServiceMatch | undefined {
	const host = target.host.toLowerCase().replace(/\.$/, '');
	const labels = host.split('.');
	for (const service of services) {
		const [name, namespace, svc] = labels;
		const byName =
			name === service.name &&
			((namespace === service.namespace &&
				(svc === undefined || svc === 'svc')) ||
				(labels.length === 1 && service.namespace === 'default'));
		if (byName) {
			const onPort = service.ports.filter(p => p.port === target.port);
			return {
				service,
				matchedBy: `name ${host}`,
				ports: onPort.length > 0 ? onPort : service.ports,
				strength: 'exact',
			};
		}
	}

	for (const service of services) {
		const ips = [
			...service.clusterIPs,
			...service.externalIPs,
			...service.loadBalancerIPs,
		];
		const ip = ips.find(
			address => target.addresses.includes(address) || address === host,
		);
		const ports = service.ports.filter(p => p.port === target.port);
		if (ip && ports.length > 0) {
			const kind = service.clusterIPs.includes(ip)
				? 'clusterIP'
				: service.externalIPs.includes(ip)
					? 'externalIP'
					: 'load balancer IP';
			return {
				service,
				matchedBy: `${kind} ${ip} port ${target.port}`,
				ports,
				strength: 'exact',
			};
		}
	}

	for (const service of services) {
		const ports = service.ports.filter(p => p.nodePort === target.port);
		if (ports.length > 0) {
			return {
				service,
				matchedBy: `nodePort ${target.port}`,
				ports,
				strength: 'port-only',
			};
		}
	}

	return undefined;
}

export const selectorText = (selector: Readonly<Record<string, string>>) =>
	Object.entries(selector)
		.map(([key, value]) => `${key}=${value}`)
		.join(',');

export function selects(
	selector: Readonly<Record<string, string>>,
	labels: Readonly<Record<string, string>>,
): boolean {
	return Object.entries(selector).every(
		([key, value]) => labels[key] === value,
	);
}

export type PortCheck =
	| {
			readonly kind: 'ok';
			readonly port: KubeServicePort;
			readonly containerPort: number;
			readonly container: string;
	  }
	| {readonly kind: 'undeclared'; readonly port: KubeServicePort}
	| {
			readonly kind: 'mismatch';
			readonly port: KubeServicePort;
			/** Named targetPort missing in every pod: Kubernetes cannot resolve it, so it is certain. */
			readonly named: boolean;
			/** What the containers declare: "api: 8080/TCP (http)". */
			readonly declared: readonly string[];
			/** The declared port to point targetPort at, when there is exactly one candidate. */
			readonly suggestion?: number | string;
	  };

/** Does targetPort (number or name) match a port the selected pods' containers declare? */
export function checkTargetPort(
	port: KubeServicePort,
	pods: readonly KubePod[],
): PortCheck {
	const containers = pods.flatMap(pod => pod.containers);
	const declared = containers.flatMap(c =>
		c.ports
			.filter(p => p.protocol === port.protocol)
			.map(p => ({container: c.name, ...p})),
	);
	const describe = [
		...new Set(
			declared.map(
				d =>
					`${d.container}: ${d.containerPort}/${d.protocol}${d.name ? ` (${d.name})` : ''}`,
			),
		),
	];
	const distinctNumbers = [...new Set(declared.map(d => d.containerPort))];
	// A named targetPort matches a port's name; a number, its number.
	const hit = declared.find(d =>
		typeof port.targetPort === 'string'
			? d.name === port.targetPort
			: d.containerPort === port.targetPort,
	);
	if (hit) {
		return {
			kind: 'ok',
			port,
			containerPort: hit.containerPort,
			container: hit.container,
		};
	}

	if (typeof port.targetPort === 'string') {
		const names = [...new Set(declared.flatMap(d => (d.name ? [d.name] : [])))];
		return {
			kind: 'mismatch',
			port,
			named: true,
			declared: describe,
			...(names.length === 1
				? {suggestion: names[0]!}
				: distinctNumbers.length === 1
					? {suggestion: distinctNumbers[0]!}
					: {}),
		};
	}

	if (declared.length === 0) {
		return {kind: 'undeclared', port};
	}

	return {
		kind: 'mismatch',
		port,
		named: false,
		declared: describe,
		...(distinctNumbers.length === 1 ? {suggestion: distinctNumbers[0]!} : {}),
	};
}

/** One line on why a pod is not ready: phase, Ready condition, containers waiting or restarting. */
export function podProblem(pod: KubePod): string {
	const parts = [`phase ${pod.phase}`];
	if (pod.deleting) {
		parts.push('terminating');
	}

	if (pod.notReadyReason) {
		parts.push(`Ready=False (${pod.notReadyReason})`);
	} else if (!pod.ready) {
		parts.push('not Ready');
	}

	for (const container of pod.containers) {
		const bits = [
			container.state && container.state !== 'running'
				? container.state
				: undefined,
			container.ready === false && container.state === 'running'
				? 'running but not ready'
				: undefined,
			container.restartCount ? `${container.restartCount} restarts` : undefined,
			container.ready === false && container.readinessProbe
				? `readiness probe ${container.readinessProbe}`
				: undefined,
		].filter(Boolean);
		if (bits.length > 0) {
			parts.push(`container ${container.name}: ${bits.join(', ')}`);
		}
	}

	return `${pod.name}: ${parts.join('; ')}`;
}

/** Pods of the namespace that share a label key with the selector but not its value: likely the intended ones. */
export function nearMisses(
	selector: Readonly<Record<string, string>>,
	pods: readonly KubePod[],
): Array<{
	readonly pod: KubePod;
	readonly key: string;
	readonly value: string;
}> {
	return pods.flatMap(pod => {
		const key = Object.keys(selector).find(
			k => pod.labels[k] !== undefined && pod.labels[k] !== selector[k],
		);
		return key ? [{pod, key, value: pod.labels[key]!}] : [];
	});
}

/**
Is the target one of the cluster's nodes (where a nodePort is open)? By address, or, for a target
on this host, by this host's addresses or hostname.
*/
export function nodeOf(
	nodes: readonly KubeNode[],
	target: {
		readonly addresses: readonly string[];
		readonly isLocal: boolean;
		readonly localAddresses: readonly string[];
		readonly hostname: string;
	},
): {readonly node: KubeNode; readonly how: string} | undefined {
	for (const node of nodes) {
		const hit = node.addresses.find(a => target.addresses.includes(a.address));
		if (hit) {
			return {node, how: `${hit.type} ${hit.address}`};
		}
	}

	if (!target.isLocal) {
		return undefined;
	}

	const host = target.hostname.toLowerCase();
	for (const node of nodes) {
		const own = node.addresses.find(a =>
			target.localAddresses.includes(a.address),
		);
		if (own) {
			return {node, how: `this host has its ${own.type} ${own.address}`};
		}

		if (
			node.name.toLowerCase() === host ||
			node.addresses.some(
				a => a.type === 'Hostname' && a.address.toLowerCase() === host,
			)
		) {
			return {node, how: `this host's name is ${target.hostname}`};
		}
	}

	return undefined;
}
