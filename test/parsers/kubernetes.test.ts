import {describe, expect, test} from 'vitest';
import {
	parseKubeEndpointSlices,
	parseKubeNodes,
	parseKubePods,
	parseKubeServices,
} from '../../source/parsers/kubernetes.js';
import {
	kubeList,
	recordedObjects,
	recordedServicesAndPods,
} from '../helpers/k8s-stub.js';

const objects = recordedObjects();
const {services, pods} = recordedServicesAndPods();

describe('parsers', () => {
	test('services', () => {
		expect(parseKubeServices(kubeList(objects.services)).ok).toBe(true);
		expect(services.map(s => `${s.namespace}/${s.name}`)).toEqual([
			'default/kubernetes',
			'shop/web',
			'shop/api',
			'shop/worker',
		]);
		expect(services[0]?.selector).toBeUndefined();
		expect(services[1]).toEqual({
			namespace: 'shop',
			name: 'web',
			type: 'NodePort',
			clusterIPs: ['10.96.120.34'],
			externalIPs: [],
			loadBalancerIPs: [],
			selector: {app: 'web'},
			ports: [
				{
					name: 'http',
					port: 80,
					targetPort: 8080,
					nodePort: 30_080,
					protocol: 'TCP',
				},
			],
		});
		expect(services[3]?.ports[0]?.targetPort).toBe('rpc');
	});

	test('pods', () => {
		expect(pods.map(p => [p.name, p.ready, p.podIP])).toEqual([
			['web-6d4cf56db6-2xk8p', true, '10.244.1.12'],
			['api-5f7b9c8d4-qm2zt', true, '10.244.1.17'],
			['worker-7b8c9d6f5-vx4kp', false, '10.244.2.31'],
		]);
		const worker = pods[2]!;
		expect(worker.notReadyReason).toBe(
			'ContainersNotReady: containers with unready status: [worker]',
		);
		expect(worker.containers[0]).toEqual({
			name: 'worker',
			ports: [{name: 'rpc', containerPort: 9000, protocol: 'TCP'}],
			ready: false,
			restartCount: 4,
			state: 'running',
			readinessProbe: 'tcp-socket on port rpc',
		});
	});

	test('endpoint slices: null endpoints, ready and not ready', () => {
		const slices = parseKubeEndpointSlices(
			kubeList(objects.endpointslices, {namespace: 'shop'}),
		);
		expect(slices.ok && slices.items).toEqual([
			{name: 'web-7xk2q', ports: [], endpoints: []},
			{
				name: 'api-h8n2c',
				ports: [{name: 'http', port: 8081}],
				endpoints: [
					{addresses: ['10.244.1.17'], ready: true, pod: 'api-5f7b9c8d4-qm2zt'},
				],
			},
			{
				name: 'worker-m4p9d',
				ports: [{name: 'rpc', port: 9000}],
				endpoints: [
					{
						addresses: ['10.244.2.31'],
						ready: false,
						pod: 'worker-7b8c9d6f5-vx4kp',
					},
				],
			},
		]);
	});

	test('bad output', () => {
		expect(
			parseKubeServices(
				'error: You must be logged in to the server (Unauthorized)',
			),
		).toEqual({ok: false, error: 'the output is not JSON'});
		expect(parseKubePods('{"a": 1}')).toEqual({
			ok: false,
			error: 'no "items" in the output',
		});
	});
});

describe('nodes', () => {
	const parsed = parseKubeNodes(kubeList(objects.nodes));
	const nodes = parsed.ok ? parsed.items : [];

	test('parse', () => {
		expect(nodes).toEqual([
			{
				name: 'node-1',
				addresses: [
					{type: 'InternalIP', address: '192.168.49.2'},
					{type: 'Hostname', address: 'node-1'},
				],
			},
			{
				name: 'node-2',
				addresses: [
					{type: 'InternalIP', address: '192.168.49.3'},
					{type: 'Hostname', address: 'node-2'},
				],
			},
		]);
	});
});
