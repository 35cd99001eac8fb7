/**
Kubernetes objects from `kubectl get ... -o json` (v1 Service, Pod, Node; discovery.k8s.io/v1
EndpointSlice), the subset the diagnosis needs. Parsers never throw: bad JSON gives an error
string. Matching a target to a Service, pods to a selector and targetPort to container ports is
in model/kubernetes/.
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
