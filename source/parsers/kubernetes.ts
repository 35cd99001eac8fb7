/**
Kubernetes objects from `kubectl get ... -o json` (v1 Service, Pod; discovery.k8s.io/v1
EndpointSlice), the subset the diagnosis needs, and the pure analysis: which Service a target is,
which pods its selector matches, whether they are ready, and whether targetPort names a port
the containers declare. Parsers never throw: bad JSON gives an error string.
*/
import type {KubernetesServicePort} from '../tree/facts.js';
import {asObject, type Json} from '../text/json.js';

export type KubeService = {
	readonly namespace: string;
	readonly name: string;
	readonly type: string;
	readonly clusterIPs: readonly string[];
	readonly externalIPs: readonly string[];
	readonly loadBalancerIPs: readonly string[];
	/** Undefined: no selector (endpoints managed by hand). */
	readonly selector?: Readonly<Record<string, string>>;
	readonly ports: readonly KubeServicePort[];
};

export type KubeServicePort = KubernetesServicePort & {
	readonly protocol: string;
};

export type KubeContainerPort = {
	readonly name?: string;
	readonly containerPort: number;
	readonly protocol: string;
};

export type KubeContainer = {
	readonly name: string;
	readonly ports: readonly KubeContainerPort[];
	readonly ready?: boolean;
	readonly restartCount?: number;
	/** "waiting: CrashLoopBackOff", "terminated: Error (exit 1)", "running". */
	readonly state?: string;
	readonly readinessProbe?: string;
};

export type KubePod = {
	readonly namespace: string;
	readonly name: string;
	readonly labels: Readonly<Record<string, string>>;
	readonly phase: string;
	readonly podIP?: string;
	readonly ready: boolean;
	/** The Ready condition's reason and message, when not ready. */
	readonly notReadyReason?: string;
	readonly deleting: boolean;
	readonly containers: readonly KubeContainer[];
};

export type KubeEndpointSlice = {
	readonly name: string;
	readonly ports: ReadonlyArray<{
		readonly name?: string;
		readonly port?: number;
	}>;
	readonly endpoints: ReadonlyArray<{
		readonly addresses: readonly string[];
		readonly ready: boolean;
		readonly pod?: string;
	}>;
};

const object = asObject;
const array = (value: unknown): unknown[] =>
	Array.isArray(value) ? value : [];
const string = (value: unknown): string | undefined =>
	typeof value === 'string' ? value : undefined;
const number = (value: unknown): number | undefined =>
	typeof value === 'number' ? value : undefined;
const strings = (value: unknown): string[] =>
	array(value).filter((v): v is string => typeof v === 'string');
const record = (value: unknown): Record<string, string> =>
	Object.fromEntries(
		Object.entries(object(value)).filter(
			(entry): entry is [string, string] => typeof entry[1] === 'string',
		),
	);

export type Parsed<T> =
	| {readonly ok: true; readonly items: readonly T[]}
	| {readonly ok: false; readonly error: string};

function parseItems<T>(
	text: string,
	map: (item: Json) => T | undefined,
): Parsed<T> {
	let document: unknown;
	try {
		document = JSON.parse(text);
	} catch {
		return {ok: false, error: 'the output is not JSON'};
	}

	const root = object(document);
	const items = Array.isArray(root['items'])
		? root['items']
		: root['kind']
			? [root]
			: undefined;
	if (!items) {
		return {ok: false, error: 'no "items" in the output'};
	}

	return {
		ok: true,
		items: items
			.map(item => map(object(item)))
			.filter((item): item is T => item !== undefined),
	};
}

export function parseKubeServices(text: string): Parsed<KubeService> {
	return parseItems(text, item => {
		const metadata = object(item['metadata']);
		const spec = object(item['spec']);
		const name = string(metadata['name']);
		if (!name) {
			return undefined;
		}

		const clusterIP = string(spec['clusterIP']);
		const clusterIPs = strings(spec['clusterIPs']);
		const selector =
			spec['selector'] === undefined ? undefined : record(spec['selector']);
		return {
			namespace: string(metadata['namespace']) ?? 'default',
			name,
			type: string(spec['type']) ?? 'ClusterIP',
			clusterIPs: (clusterIPs.length > 0
				? clusterIPs
				: clusterIP
					? [clusterIP]
					: []
			).filter(ip => ip !== 'None'),
			externalIPs: strings(spec['externalIPs']),
			loadBalancerIPs: array(
				object(object(item['status'])['loadBalancer'])['ingress'],
			).flatMap(i => {
				const ip = string(object(i)['ip']);
				return ip ? [ip] : [];
			}),
			...(selector && Object.keys(selector).length > 0 ? {selector} : {}),
			ports: array(spec['ports']).flatMap(p => {
				const port = object(p);
				const number_ = number(port['port']);
				if (number_ === undefined) {
					return [];
				}

				const target = port['targetPort'];
				const portName = string(port['name']);
				const nodePort = number(port['nodePort']);
				return [
					{
						...(portName ? {name: portName} : {}),
						port: number_,
						targetPort:
							typeof target === 'number' || typeof target === 'string'
								? target
								: number_,
						...(nodePort === undefined ? {} : {nodePort}),
						protocol: string(port['protocol']) ?? 'TCP',
					},
				];
			}),
		};
	});
}

function containerState(status: Json): string | undefined {
	const state = object(status['state']);
	const waiting = object(state['waiting']);
	const terminated = object(state['terminated']);
	if (state['waiting']) {
		return `waiting: ${string(waiting['reason']) ?? 'unknown reason'}`;
	}

	if (state['terminated']) {
		return `terminated: ${string(terminated['reason']) ?? 'unknown reason'} (exit ${number(terminated['exitCode']) ?? '?'})`;
	}

	return state['running'] ? 'running' : undefined;
}

const portText = (value: unknown) =>
	typeof value === 'number' || typeof value === 'string' ? String(value) : '?';

function probeText(probe: unknown): string | undefined {
	const p = object(probe);
	const http = object(p['httpGet']);
	const tcp = object(p['tcpSocket']);
	if (p['httpGet']) {
		return `http-get ${string(http['path']) ?? '/'} on port ${portText(http['port'])}`;
	}

	if (p['tcpSocket']) {
		return `tcp-socket on port ${portText(tcp['port'])}`;
	}

	if (p['exec']) {
		return `exec ${strings(object(p['exec'])['command']).join(' ')}`;
	}

	return undefined;
}

export function parseKubePods(text: string): Parsed<KubePod> {
	return parseItems(text, item => {
		const metadata = object(item['metadata']);
		const spec = object(item['spec']);
		const status = object(item['status']);
		const name = string(metadata['name']);
		if (!name) {
			return undefined;
		}

		const conditions = array(status['conditions']).map(c => object(c));
		const ready = conditions.find(c => c['type'] === 'Ready');
		const statuses = array(status['containerStatuses']).map(s => object(s));
		const podIP = string(status['podIP']);
		const notReady =
			ready && ready['status'] !== 'True'
				? [string(ready['reason']), string(ready['message'])]
						.filter(Boolean)
						.join(': ')
				: undefined;
		return {
			namespace: string(metadata['namespace']) ?? 'default',
			name,
			labels: record(metadata['labels']),
			phase: string(status['phase']) ?? 'Unknown',
			...(podIP ? {podIP} : {}),
			ready: ready?.['status'] === 'True',
			...(notReady ? {notReadyReason: notReady} : {}),
			deleting: metadata['deletionTimestamp'] !== undefined,
			containers: array(spec['containers']).map(c => {
				const container = object(c);
				const containerName = string(container['name']) ?? '?';
				const containerStatus = statuses.find(s => s['name'] === containerName);
				const state = containerStatus
					? containerState(containerStatus)
					: undefined;
				const readiness = probeText(container['readinessProbe']);
				return {
					name: containerName,
					ports: array(container['ports']).flatMap(p => {
						const port = object(p);
						const containerPort = number(port['containerPort']);
						const portName = string(port['name']);
						return containerPort === undefined
							? []
							: [
									{
										...(portName ? {name: portName} : {}),
										containerPort,
										protocol: string(port['protocol']) ?? 'TCP',
									},
								];
					}),
					...(typeof containerStatus?.['ready'] === 'boolean'
						? {ready: containerStatus['ready']}
						: {}),
					...(containerStatus &&
					typeof containerStatus['restartCount'] === 'number'
						? {restartCount: containerStatus['restartCount']}
						: {}),
					...(state ? {state} : {}),
					...(readiness ? {readinessProbe: readiness} : {}),
				};
			}),
		};
	});
}

export function parseKubeEndpointSlices(
	text: string,
): Parsed<KubeEndpointSlice> {
	return parseItems(text, item => {
		const name = string(object(item['metadata'])['name']);
		if (!name) {
			return undefined;
		}

		return {
			name,
			ports: array(item['ports']).map(p => {
				const port = object(p);
				const portName = string(port['name']);
				const portNumber = number(port['port']);
				return {
					...(portName ? {name: portName} : {}),
					...(portNumber === undefined ? {} : {port: portNumber}),
				};
			}),
			endpoints: array(item['endpoints']).map(e => {
				const endpoint = object(e);
				const conditions = object(endpoint['conditions']);
				const targetRef = object(endpoint['targetRef']);
				const pod =
					targetRef['kind'] === 'Pod' ? string(targetRef['name']) : undefined;
				// Per the API, a nil "ready" means ready.
				return {
					addresses: strings(endpoint['addresses']),
					ready: conditions['ready'] !== false,
					...(pod ? {pod} : {}),
				};
			}),
		};
	});
}

// --- analysis ---------------------------------------------------------------------------------

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
	if (typeof port.targetPort === 'string') {
		const hit = declared.find(d => d.name === port.targetPort);
		if (hit) {
			return {
				kind: 'ok',
				port,
				containerPort: hit.containerPort,
				container: hit.container,
			};
		}

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

	const hit = declared.find(d => d.containerPort === port.targetPort);
	if (hit) {
		return {
			kind: 'ok',
			port,
			containerPort: hit.containerPort,
			container: hit.container,
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

export type KubeNode = {
	readonly name: string;
	/** InternalIP, ExternalIP and Hostname addresses. */
	readonly addresses: ReadonlyArray<{
		readonly type: string;
		readonly address: string;
	}>;
};

export function parseKubeNodes(text: string): Parsed<KubeNode> {
	return parseItems(text, item => {
		const name = string(object(item['metadata'])['name']);
		if (!name) {
			return undefined;
		}

		return {
			name,
			addresses: array(object(item['status'])['addresses']).flatMap(a => {
				const entry = object(a);
				const type = string(entry['type']);
				const address = string(entry['address']);
				return type && address ? [{type, address}] : [];
			}),
		};
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
