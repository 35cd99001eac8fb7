/**
A small HTTP stub of the Kubernetes API on 127.0.0.1, serving recorded objects, so the REAL
kubectl can talk to it: legacy discovery (/api, /apis, /api/v1, /apis/discovery.k8s.io/v1) and
list endpoints for services, pods and endpointslices, with namespace and equality-based label
selectors. Read-only like a viewer's RBAC: anything but GET is refused (403), unknown paths are
404. Every request is recorded, for asserts.
*/
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
	parseKubePods,
	parseKubeServices,
	type KubePod,
	type KubeService,
} from '../../source/parsers/kubernetes.js';

export type KubeObject = {
	readonly metadata?: {
		readonly name?: string;
		readonly namespace?: string;
		readonly labels?: Record<string, string>;
	};
} & Record<string, unknown>;

export type KubeObjects = {
	readonly services: readonly KubeObject[];
	readonly pods: readonly KubeObject[];
	readonly endpointslices: readonly KubeObject[];
	readonly nodes: readonly KubeObject[];
};

const fixtureDirectory = new URL('../fixtures/kubernetes/', import.meta.url);

/** The recorded objects of test/fixtures/kubernetes (see its README). */
export function recordedObjects(): KubeObjects {
	const items = (name: string) =>
		(
			JSON.parse(readFileSync(new URL(name, fixtureDirectory), 'utf8')) as {
				items: KubeObject[];
			}
		).items;
	return {
		services: items('services.json'),
		pods: items('pods.json'),
		endpointslices: items('endpointslices.json'),
		nodes: items('nodes.json'),
	};
}

/** A Node named after this host, so NodePort targets on this host belong to the recorded cluster. */
export function thisHostAsNode(): KubeObject {
	const name = os.hostname();
	return {
		apiVersion: 'v1',
		kind: 'Node',
		metadata: {
			name,
			labels: {'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux'},
		},
		spec: {podCIDR: '10.244.3.0/24'},
		status: {
			addresses: [
				{address: '192.168.49.4', type: 'InternalIP'},
				{address: name, type: 'Hostname'},
			],
			conditions: [
				{
					status: 'True',
					type: 'Ready',
					reason: 'KubeletReady',
					message: 'kubelet is posting ready status',
				},
			],
		},
	};
}

/** "a=b,c==d,e!=f" → a predicate on labels (what the API server does with ?labelSelector=). */
export function labelMatcher(
	selector: string | undefined,
): (labels: Record<string, string> | undefined) => boolean {
	const terms = (selector ?? '')
		.split(',')
		.filter(Boolean)
		.map(term => {
			const match = /^([^!=]+)(!=|==|=)(.*)$/.exec(term.trim());
			return match
				? {key: match[1]!, not: match[2] === '!=', value: match[3]!}
				: {key: term.trim(), not: false, value: undefined};
		});
	return labels =>
		terms.every(term => {
			const actual = labels?.[term.key];
			if (term.value === undefined) {
				return actual !== undefined;
			}

			return term.not ? actual !== term.value : actual === term.value;
		});
}

/** The recorded services (every namespace) and shop's pods, through the parsers; throws when they do not parse. */
export function recordedServicesAndPods(): {
	services: readonly KubeService[];
	pods: readonly KubePod[];
} {
	const objects = recordedObjects();
	const services = parseKubeServices(kubeList(objects.services));
	const pods = parseKubePods(kubeList(objects.pods, {namespace: 'shop'}));
	if (!services.ok || !pods.ok) {
		throw new Error('the recorded Kubernetes objects do not parse');
	}

	return {services: services.items, pods: pods.items};
}

/** The `kubectl get KIND -o json` document for these objects (a List), filtered like the API would. */
export function kubeList(
	items: readonly KubeObject[],
	filter: {readonly namespace?: string; readonly labelSelector?: string} = {},
): string {
	const matches = labelMatcher(filter.labelSelector);
	const selected = items.filter(
		item =>
			(filter.namespace === undefined ||
				item.metadata?.namespace === filter.namespace) &&
			matches(item.metadata?.labels),
	);
	return `${JSON.stringify({apiVersion: 'v1', items: selected, kind: 'List', metadata: {resourceVersion: ''}}, undefined, 4)}\n`;
}

const resources = {
	v1: [
		{
			name: 'pods',
			singularName: 'pod',
			namespaced: true,
			kind: 'Pod',
			verbs: ['get', 'list', 'watch'],
			shortNames: ['po'],
			categories: ['all'],
		},
		{
			name: 'services',
			singularName: 'service',
			namespaced: true,
			kind: 'Service',
			verbs: ['get', 'list', 'watch'],
			shortNames: ['svc'],
			categories: ['all'],
		},
		{
			name: 'endpoints',
			singularName: 'endpoints',
			namespaced: true,
			kind: 'Endpoints',
			verbs: ['get', 'list', 'watch'],
			shortNames: ['ep'],
		},
		{
			name: 'namespaces',
			singularName: 'namespace',
			namespaced: false,
			kind: 'Namespace',
			verbs: ['get', 'list', 'watch'],
			shortNames: ['ns'],
		},
		{
			name: 'nodes',
			singularName: 'node',
			namespaced: false,
			kind: 'Node',
			verbs: ['get', 'list', 'watch'],
			shortNames: ['no'],
		},
	],
	discovery: [
		{
			name: 'endpointslices',
			singularName: 'endpointslice',
			namespaced: true,
			kind: 'EndpointSlice',
			verbs: ['get', 'list', 'watch'],
		},
	],
};

export type K8sStub = {
	readonly url: string;
	/** A kubeconfig (current-context "stub") pointing at the stub, in a temp dir. */
	readonly kubeconfig: string;
	/** A HOME for kubectl's discovery cache, so tests never write to the real one. */
	readonly home: string;
	readonly requests: Array<{readonly method: string; readonly url: string}>;
	readonly close: () => Promise<void>;
};

export async function startK8sStub(
	objects: KubeObjects = recordedObjects(),
): Promise<K8sStub> {
	const requests: Array<{method: string; url: string}> = [];
	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://stub');
		requests.push({
			method: request.method ?? '?',
			url: url.pathname + url.search,
		});
		const send = (status: number, body: unknown) => {
			response.writeHead(status, {'content-type': 'application/json'});
			response.end(typeof body === 'string' ? body : JSON.stringify(body));
		};

		const status = (code: number, reason: string, message: string) => {
			send(code, {
				kind: 'Status',
				apiVersion: 'v1',
				metadata: {},
				status: 'Failure',
				message,
				reason,
				code,
			});
		};

		if (request.method !== 'GET') {
			status(
				403,
				'Forbidden',
				`${request.method} is not allowed: this stub is read-only`,
			);
			return;
		}

		const p = url.pathname;
		if (p === '/version') {
			send(200, {
				major: '1',
				minor: '30',
				gitVersion: 'v1.30.0',
				platform: 'linux/amd64',
			});
			return;
		}

		if (p === '/api') {
			send(200, {
				kind: 'APIVersions',
				versions: ['v1'],
				serverAddressByClientCIDRs: [
					{clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443'},
				],
			});
			return;
		}

		if (p === '/apis') {
			const version = {groupVersion: 'discovery.k8s.io/v1', version: 'v1'};
			send(200, {
				kind: 'APIGroupList',
				apiVersion: 'v1',
				groups: [
					{
						name: 'discovery.k8s.io',
						versions: [version],
						preferredVersion: version,
					},
				],
			});
			return;
		}

		if (p === '/api/v1') {
			send(200, {
				kind: 'APIResourceList',
				groupVersion: 'v1',
				resources: resources.v1,
			});
			return;
		}

		if (p === '/apis/discovery.k8s.io/v1') {
			send(200, {
				kind: 'APIResourceList',
				apiVersion: 'v1',
				groupVersion: 'discovery.k8s.io/v1',
				resources: resources.discovery,
			});
			return;
		}

		const list =
			/^\/(?:api\/v1|apis\/discovery\.k8s\.io\/v1)(?:\/namespaces\/([^/]+))?\/(services|pods|endpointslices|nodes)$/.exec(
				p,
			);
		if (list) {
			const [, namespace, kind] = list;
			const items = objects[kind as keyof KubeObjects];
			const listKind = {
				services: 'ServiceList',
				pods: 'PodList',
				endpointslices: 'EndpointSliceList',
				nodes: 'NodeList',
			}[kind as keyof KubeObjects];
			const document = JSON.parse(
				kubeList(items, {
					namespace,
					labelSelector: url.searchParams.get('labelSelector') ?? undefined,
				}),
			) as {items: unknown[]};
			send(200, {
				kind: listKind,
				apiVersion: kind === 'endpointslices' ? 'discovery.k8s.io/v1' : 'v1',
				metadata: {resourceVersion: '4242'},
				items: document.items,
			});
			return;
		}

		status(404, 'NotFound', 'the server could not find the requested resource');
	});
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	const {port} = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;
	const directory = mkdtempSync(path.join(os.tmpdir(), 'refused-k8s-'));
	const kubeconfig = path.join(directory, 'kubeconfig');
	writeFileSync(
		kubeconfig,
		[
			'apiVersion: v1',
			'kind: Config',
			'clusters:',
			'- name: stub',
			'  cluster:',
			`    server: ${url}`,
			'contexts:',
			'- name: stub',
			'  context:',
			'    cluster: stub',
			'    user: viewer',
			'current-context: stub',
			'users:',
			'- name: viewer',
			'  user: {}',
			'',
		].join('\n'),
	);
	return {
		url,
		kubeconfig,
		home: directory,
		requests,
		async close() {
			server.closeAllConnections();
			await new Promise<void>(resolve => {
				server.close(() => {
					resolve();
				});
			});
			rmSync(directory, {recursive: true, force: true});
		},
	};
}
