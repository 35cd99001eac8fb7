/**
Kubernetes matching (model/kubernetes/match.ts) on the recorded objects of
test/fixtures/kubernetes, parsed by the parsers.
*/
import {describe, expect, test} from 'vitest';
import {
	checkTargetPort,
	matchService,
	nearMisses,
	nodeOf,
	podProblem,
	selects,
} from '../../../source/model/kubernetes/match.js';
import {
	parseKubeNodes,
	type KubePod,
} from '../../../source/parsers/kubernetes.js';
import {
	kubeList,
	recordedObjects,
	recordedServicesAndPods,
} from '../../helpers/k8s-stub.js';

const objects = recordedObjects();
const {services, pods} = recordedServicesAndPods();

describe('matchService', () => {
	test.each([
		[
			'web.shop.svc.cluster.local',
			80,
			[],
			'shop/web',
			'name web.shop.svc.cluster.local',
			'exact',
		],
		['web.shop', 80, [], 'shop/web', 'name web.shop', 'exact'],
		['kubernetes', 443, [], 'default/kubernetes', 'name kubernetes', 'exact'],
		[
			'worker.internal',
			9000,
			['10.96.40.12'],
			'shop/worker',
			'clusterIP 10.96.40.12 port 9000',
			'exact',
		],
		[
			'127.0.0.1',
			30_081,
			['127.0.0.1'],
			'shop/api',
			'nodePort 30081',
			'port-only',
		],
	])('%s:%d', (...[host, port, addresses, service, matchedBy, strength]) => {
		const match = matchService(services, {host, port, addresses});
		expect(match && `${match.service.namespace}/${match.service.name}`).toBe(
			service,
		);
		expect(match?.matchedBy).toBe(matchedBy);
		expect(match?.strength).toBe(strength);
	});

	test('no match', () => {
		expect(
			matchService(services, {
				host: '127.0.0.1',
				port: 5432,
				addresses: ['127.0.0.1'],
			}),
		).toBeUndefined();
		expect(
			matchService(services, {
				host: '10.96.40.12',
				port: 80,
				addresses: ['10.96.40.12'],
			}),
		).toBeUndefined();
	});
});

test('why a pod is not ready, in one line', () => {
	expect(podProblem(pods[2]!)).toBe(
		'worker-7b8c9d6f5-vx4kp: phase Running; Ready=False (ContainersNotReady: containers with unready status: [worker]); container worker: running but not ready, 4 restarts, readiness probe tcp-socket on port rpc',
	);
});

describe('selector and ports', () => {
	test('selector matching and near misses', () => {
		expect(pods.filter(p => selects({app: 'web'}, p.labels))).toEqual([]);
		expect(
			nearMisses({app: 'web'}, pods).map(m => [m.pod.name, m.key, m.value]),
		).toEqual([
			['web-6d4cf56db6-2xk8p', 'app', 'web-frontend'],
			['api-5f7b9c8d4-qm2zt', 'app', 'api'],
			['worker-7b8c9d6f5-vx4kp', 'app', 'worker'],
		]);
	});

	test('numeric targetPort no container declares', () => {
		const api = services.find(s => s.name === 'api')!;
		expect(
			checkTargetPort(
				api.ports[0]!,
				pods.filter(p => p.labels['app'] === 'api'),
			),
		).toEqual({
			kind: 'mismatch',
			port: api.ports[0],
			named: false,
			declared: ['api: 8080/TCP (http)'],
			suggestion: 8080,
		});
	});

	test('named targetPort resolved, and missing', () => {
		const worker = services.find(s => s.name === 'worker')!;
		const workerPods = pods.filter(p => p.labels['app'] === 'worker');
		expect(checkTargetPort(worker.ports[0]!, workerPods)).toMatchObject({
			kind: 'ok',
			containerPort: 9000,
			container: 'worker',
		});
		expect(
			checkTargetPort(
				{port: 9000, targetPort: 'grpc', protocol: 'TCP'},
				workerPods,
			),
		).toMatchObject({kind: 'mismatch', named: true, suggestion: 'rpc'});
	});

	test('no declared ports: cannot tell', () => {
		const bare: KubePod = {
			namespace: 'x',
			name: 'p',
			labels: {},
			phase: 'Running',
			ready: true,
			deleting: false,
			containers: [{name: 'c', ports: []}],
		};
		expect(
			checkTargetPort({port: 80, targetPort: 8080, protocol: 'TCP'}, [bare])
				.kind,
		).toBe('undeclared');
	});
});

describe('nodes', () => {
	const parsed = parseKubeNodes(kubeList(objects.nodes));
	const nodes = parsed.ok ? parsed.items : [];

	test.each([
		[['192.168.49.2'], false, [], 'x', 'node-1', 'InternalIP 192.168.49.2'],
		[
			['127.0.0.1'],
			true,
			['127.0.0.1', '192.168.49.3'],
			'x',
			'node-2',
			'this host has its InternalIP 192.168.49.3',
		],
		[
			['127.0.0.1'],
			true,
			['127.0.0.1'],
			'NODE-1',
			'node-1',
			"this host's name is NODE-1",
		],
		[['127.0.0.1'], true, ['127.0.0.1'], 'laptop', undefined, undefined],
		[['10.0.0.9'], false, ['192.168.49.2'], 'node-1', undefined, undefined],
	])(
		'%j local=%s',
		(...[addresses, isLocal, localAddresses, hostname, name, how]) => {
			const hit = nodeOf(nodes, {addresses, isLocal, localAddresses, hostname});
			expect(hit?.node.name).toBe(name);
			expect(hit?.how).toBe(how);
		},
	);
});
