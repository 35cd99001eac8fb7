import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {kubeContext} from '../../../source/checks/kubernetes/context.js';
import {kubeEndpoints} from '../../../source/checks/kubernetes/endpoints.js';
import {kubeService} from '../../../source/checks/kubernetes/service.js';
import type {CheckContext} from '../../../source/checks/types.js';
import type {Facts, Target} from '../../../source/tree/facts.js';
import {kubernetesChecks} from '../../../source/tree/nodes/kubernetes.js';
import {
	createFakeIo,
	type FakeCommand,
	type FakeIoOptions,
} from '../../helpers/fake-io.js';
import {kubeList, recordedObjects} from '../../helpers/k8s-stub.js';

const objects = recordedObjects();
const fixture = (name: string) =>
	readFileSync(
		new URL(`../../fixtures/kubernetes/${name}`, import.meta.url),
		'utf8',
	);
const suffix = '-o json --request-timeout=5s --cache-dir=/dev/null';

/** Kubectl get rows answering from the recorded objects, filtered like the API server would. */
const kubectl: FakeCommand[] = [
	{
		match: `kubectl get services --all-namespaces ${suffix}`,
		stdout: kubeList(objects.services),
	},
	...['web', 'api', 'worker'].map(name => ({
		match: `kubectl get endpointslices -n shop -l kubernetes.io/service-name=${name} ${suffix}`,
		stdout: kubeList(objects.endpointslices, {
			namespace: 'shop',
			labelSelector: `kubernetes.io/service-name=${name}`,
		}),
	})),
	{
		match: `kubectl get pods -n shop ${suffix}`,
		stdout: kubeList(objects.pods, {namespace: 'shop'}),
	},
	{match: `kubectl get nodes ${suffix}`, stdout: kubeList(objects.nodes)},
];

function context(target: Target, facts: Facts, options?: FakeIoOptions) {
	const io = createFakeIo(options ?? {commands: kubectl});
	const ctx: CheckContext = {
		target,
		facts: {target, ...facts},
		answers: {},
		io,
		signal: new AbortController().signal,
		timeoutMs: 1000,
		onCommand() {},
		onLine() {},
	};
	return {ctx, io};
}

const byName: Target = {
	input: 'worker.shop.svc.cluster.local:9000',
	host: 'worker.shop.svc.cluster.local',
	port: 9000,
};

/** Run the three steps the way the engine would, merging facts. */
async function walk(
	target: Target,
	facts: Facts = {},
	options?: FakeIoOptions,
) {
	const first = await kubeContext(
		context(target, facts, {
			commands: [
				{
					match:
						'kubectl config current-context --request-timeout=5s --cache-dir=/dev/null',
					stdout: 'prod\n',
				},
				...(options?.commands ?? kubectl),
			],
		}).ctx,
	);
	let merged: Facts = {...facts, ...first.facts};
	const service = await kubeService(context(target, merged, options).ctx);
	merged = {...merged, ...service.facts};
	const endpoints = merged.kubernetes?.service
		? await kubeEndpoints(context(target, merged, options).ctx)
		: undefined;
	return {first, service, endpoints, facts: merged};
}

describe('kube-context', () => {
	test('kubectl missing: skipped with the reason', async () => {
		const result = await kubeContext(context(byName, {}, {}).ctx);
		expect(result).toMatchObject({
			status: 'skipped',
			detail: 'kubectl is not installed: no Kubernetes cluster to read',
		});
	});

	test('no current context (real kubectl stderr): skipped', async () => {
		const result = await kubeContext(
			context(
				byName,
				{},
				{
					commands: [
						{
							match:
								'kubectl config current-context --request-timeout=5s --cache-dir=/dev/null',
							exitCode: 1,
							stderr: fixture('kubectl-no-context.stderr.txt'),
						},
					],
				},
			).ctx,
		);
		expect(result).toMatchObject({
			status: 'skipped',
			detail:
				'kubectl has no current context (error: current-context is not set): no Kubernetes cluster to read',
		});
		expect(
			kubernetesChecks.find(c => c.id === 'kube-service')?.when({}, {}),
		).toBe('no kubectl context to ask');
	});

	test('not run when the target accepts', () => {
		expect(
			kubernetesChecks[0]?.when(
				{probe: {outcome: 'open', address: '10.0.0.1', ms: 1, addresses: []}},
				{},
			),
		).toBe('the target accepts connections: no Service to look behind');
	});
});

describe('kube-service', () => {
	test('the API server refuses (real kubectl stderr): unknown, with the command', async () => {
		const {ctx} = context(
			byName,
			{kubernetes: {context: 'prod'}},
			{
				commands: [
					{
						match: /^kubectl get services/,
						exitCode: 1,
						stderr: fixture('kubectl-api-refused.stderr.txt'),
					},
				],
			},
		);
		const result = await kubeService(ctx);
		expect(result.status).toBe('unknown');
		expect(result.detail).toBe(
			'could not list the Services of context prod: The connection to the server 127.0.0.1:39301 was refused - did you specify the right host or port?; by hand: kubectl get services -A -o wide --request-timeout=5s',
		);
	});

	test("kubectl hangs: the runner's timeout, unknown", async () => {
		const {ctx} = context(
			byName,
			{kubernetes: {context: 'prod'}},
			{commands: [{match: /^kubectl get services/, timedOut: true}]},
		);
		expect((await kubeService(ctx)).detail).toMatch(
			/the API server did not answer within 8 s/,
		);
	});

	test('the bounded, read-only command', async () => {
		const {ctx, io} = context(byName, {kubernetes: {context: 'prod'}});
		await kubeService(ctx);
		expect(io.calls).toEqual([
			`kubectl get services --all-namespaces ${suffix}`,
		]);
	});

	test('by clusterIP and port', async () => {
		const ip: Target = {
			input: '10.96.40.12:9000',
			host: '10.96.40.12',
			port: 9000,
		};
		const {service} = await walk(ip, {
			resolution: {
				ok: true,
				addresses: [{address: '10.96.40.12', family: 4, source: 'literal'}],
			},
		});
		expect(service.detail).toBe(
			'10.96.40.12:9000 is Service shop/worker, by clusterIP 10.96.40.12 port 9000: port 9000 → targetPort rpc; selector app=worker',
		);
	});

	test('nothing matches: passed, no Service facts', async () => {
		const other: Target = {
			input: '127.0.0.1:5432',
			host: '127.0.0.1',
			port: 5432,
		};
		const {service, endpoints} = await walk(other);
		expect(service).toMatchObject({
			status: 'passed',
			detail:
				'none of the 4 Services of context prod has this name, address or nodePort (127.0.0.1:5432)',
		});
		expect(endpoints).toBeUndefined();
	});
});

describe('kube-endpoints', () => {
	test('pods match but none is ready: k8s-no-endpoints naming the pod and why', async () => {
		const {endpoints} = await walk(byName);
		expect(endpoints?.status).toBe('problem');
		const finding = endpoints?.findings?.[0];
		expect(finding).toMatchObject({
			id: 'k8s-no-endpoints',
			confidence: 'confirmed',
		});
		expect(finding?.summary).toContain(
			'worker-7b8c9d6f5-vx4kp: phase Running; Ready=False',
		);
		expect(finding?.evidence).toContain(
			'EndpointSlice worker-m4p9d: 10.244.2.31 not ready (worker-7b8c9d6f5-vx4kp); ports: rpc 9000',
		);
		expect(finding?.fixes.map(f => f.command)).toEqual([
			'kubectl describe pod worker-7b8c9d6f5-vx4kp -n shop',
			'kubectl logs worker-7b8c9d6f5-vx4kp -n shop --all-containers --tail=50 --previous',
		]);
		// The named targetPort resolves: no port mismatch.
		expect(endpoints?.findings?.map(f => f.id)).toEqual(['k8s-no-endpoints']);
		expect(endpoints?.output).toContain(
			'targetPort rpc → container worker port 9000',
		);
	});

	test('a named targetPort no container declares: k8s-port-mismatch, confirmed', async () => {
		const services = objects.services.map(s =>
			(s.metadata as {name: string}).name === 'worker'
				? {
						...s,
						spec: {
							...(s['spec'] as object),
							ports: [
								{name: 'rpc', port: 9000, protocol: 'TCP', targetPort: 'grpc'},
							],
						},
					}
				: s,
		);
		const commands = [
			{
				match: `kubectl get services --all-namespaces ${suffix}`,
				stdout: kubeList(services),
			},
			...kubectl,
		];
		const {endpoints} = await walk(byName, {}, {commands});
		const mismatch = endpoints?.findings?.find(
			f => f.id === 'k8s-port-mismatch',
		);
		expect(mismatch?.confidence).toBe('confirmed');
		expect(mismatch?.summary).toBe(
			'Service shop/worker sends port 9000 → targetPort grpc, but no container of its pods has a port named "grpc" (they declare worker: 9000/TCP (rpc)): Kubernetes cannot resolve it, so the port has no endpoints.',
		);
		expect(mismatch?.fixes[0]?.command).toBe(
			'kubectl patch service worker -n shop -p \'{"spec":{"ports":[{"port":9000,"targetPort":"rpc"}]}}\'',
		);
	});

	test('containers that declare no ports: cannot tell, says how to check', async () => {
		const pods = objects.pods.map(p => {
			const spec = p['spec'] as {containers: Array<Record<string, unknown>>};
			return {
				...p,
				spec: {
					...spec,
					containers: spec.containers.map(({ports: _ports, ...c}) => c),
				},
			};
		});
		const commands = [
			{
				match: `kubectl get pods -n shop ${suffix}`,
				stdout: kubeList(pods, {namespace: 'shop'}),
			},
			...kubectl,
		];
		const api: Target = {input: 'api.shop:80', host: 'api.shop', port: 80};
		const {endpoints} = await walk(api, {}, {commands});
		expect(endpoints?.status).toBe('passed');
		expect(endpoints?.output).toContain(
			'targetPort 8081: the containers declare no ports, so the port the app listens on cannot be read with get; by hand: kubectl exec -n shop api-5f7b9c8d4-qm2zt -- cat /proc/net/tcp /proc/net/tcp6',
		);
	});

	test('a Service without a selector and without endpoints', async () => {
		const services = [
			...objects.services,
			{
				apiVersion: 'v1',
				kind: 'Service',
				metadata: {name: 'legacy', namespace: 'shop'},
				spec: {
					clusterIP: '10.96.9.9',
					ports: [{port: 5432, protocol: 'TCP', targetPort: 5432}],
				},
			},
		];
		const commands = [
			{
				match: `kubectl get services --all-namespaces ${suffix}`,
				stdout: kubeList(services),
			},
			{
				match: `kubectl get endpointslices -n shop -l kubernetes.io/service-name=legacy ${suffix}`,
				stdout: kubeList([]),
			},
		];
		const {endpoints} = await walk(
			{input: 'legacy.shop:5432', host: 'legacy.shop', port: 5432},
			{},
			{commands},
		);
		expect(endpoints?.findings?.[0]).toMatchObject({
			id: 'k8s-no-endpoints',
			confidence: 'confirmed',
		});
		expect(endpoints?.findings?.[0]?.evidence).toEqual([
			'shop/legacy: no selector (its endpoints are managed by hand)',
			'no EndpointSlice for shop/legacy',
		]);
	});

	test('forbidden to list pods: says so and still reads the slices', async () => {
		const commands = [
			{
				match: `kubectl get pods -n shop ${suffix}`,
				exitCode: 1,
				stderr:
					'Error from server (Forbidden): pods is forbidden: User "dev" cannot list resource "pods" in API group "" in the namespace "shop"\n',
			},
			...kubectl,
		];
		const {endpoints} = await walk(byName, {}, {commands});
		expect(endpoints?.output).toContain(
			'pods could not be read: Error from server (Forbidden): pods is forbidden: User "dev" cannot list resource "pods" in API group "" in the namespace "shop"',
		);
		expect(endpoints?.findings?.[0]).toMatchObject({
			id: 'k8s-no-endpoints',
			confidence: 'likely',
		});
		expect(endpoints?.findings?.[0]?.summary).toBe(
			'Service shop/worker has no ready endpoints in its EndpointSlices, so connections to it are refused; its pods could not be read to say why.',
		);
	});
});

describe("NodePort targets: only on the cluster's nodes", () => {
	const nodePort: Target = {
		input: '127.0.0.1:30080',
		host: '127.0.0.1',
		port: 30_080,
	};
	const loopback = (hostname: string): Facts => ({
		resolution: {
			ok: true,
			addresses: [{address: '127.0.0.1', family: 4, source: 'literal'}],
		},
		local: {
			addresses: ['127.0.0.1', '10.1.2.3'],
			isLocal: true,
			localTargets: ['127.0.0.1'],
			hostname,
		},
	});

	test("a node's address", async () => {
		const target: Target = {
			input: '192.168.49.3:30080',
			host: '192.168.49.3',
			port: 30_080,
		};
		const {service, endpoints} = await walk(target, {
			resolution: {
				ok: true,
				addresses: [{address: '192.168.49.3', family: 4, source: 'literal'}],
			},
		});
		expect(service.detail).toBe(
			'192.168.49.3:30080 is Service shop/web, by nodePort 30080 on node node-2 (InternalIP 192.168.49.3): nodePort 30080 → port 80 → targetPort 8080; selector app=web',
		);
		expect(endpoints?.findings?.[0]).toMatchObject({
			id: 'k8s-no-endpoints',
			confidence: 'confirmed',
		});
	});

	test('this host, when it is a node (by its name)', async () => {
		const {service} = await walk(nodePort, loopback('node-1'));
		expect(service.detail).toContain(
			"by nodePort 30080 on node node-1 (this host's name is node-1)",
		);
	});

	test('this host, when it is not a node: not this Service', async () => {
		const {service, endpoints} = await walk(nodePort, loopback('laptop'));
		expect(service.detail).toBe(
			'Service shop/web has nodePort 30080, but 127.0.0.1 is not one of the 2 nodes of context prod: the target is not this Service',
		);
		expect(service.facts?.kubernetes?.service).toBeUndefined();
		expect(endpoints).toBeUndefined();
	});

	test('nodes cannot be listed (RBAC): kept, but never more than likely', async () => {
		const commands = [
			{
				match: `kubectl get nodes ${suffix}`,
				exitCode: 1,
				stderr:
					'Error from server (Forbidden): nodes is forbidden: User "dev" cannot list resource "nodes" in API group "" at the cluster scope\n',
			},
			...kubectl,
		];
		const {service, endpoints} = await walk(nodePort, loopback('laptop'), {
			commands,
		});
		expect(service.detail).toContain(
			'(if 127.0.0.1 is a node of this cluster: the nodes could not be listed: Error from server (Forbidden): nodes is forbidden',
		);
		expect(service.facts?.kubernetes?.unverifiedNode).toBe(true);
		expect(endpoints?.findings?.[0]).toMatchObject({
			id: 'k8s-no-endpoints',
			confidence: 'likely',
		});
	});
});
