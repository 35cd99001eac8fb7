/**
The built CLI with the REAL kubectl, talking to a local stub of the Kubernetes API that serves
recorded objects (test/fixtures/kubernetes, hand-written to the v1 schema: no cluster can run
here). Targets are NodePorts on 127.0.0.1, where nothing listens, so every probe stays on loopback.
*/
import {existsSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {runJson} from '../helpers/cli.js';
import {
	recordedObjects,
	startK8sStub,
	thisHostAsNode,
	type K8sStub,
} from '../helpers/k8s-stub.js';

// No quiet skip: without kubectl these tests fail (scripts/test.sh installs kubernetes-client).
describe('Kubernetes, through the real kubectl and an API stub', () => {
	let stub: K8sStub;
	const env = () => ({KUBECONFIG: stub.kubeconfig, HOME: stub.home});

	beforeAll(async () => {
		// This host plays a node of the recorded cluster, so its NodePorts are the Services'.
		const recorded = recordedObjects();
		stub = await startK8sStub({
			...recorded,
			nodes: [...recorded.nodes, thisHostAsNode()],
		});
	});

	afterAll(async () => {
		await stub?.close();
	});

	test('a selector that matches no pod: k8s-no-endpoints, naming the pod with the other label', async () => {
		const {report, stderr} = await runJson(['127.0.0.1:30080'], {env: env()});
		expect(report, stderr).toBeDefined();
		expect(report!.steps.find(s => s.id === 'kube-context')).toMatchObject({
			status: 'passed',
			detail: "kubectl's current context is stub",
		});
		expect(report!.steps.find(s => s.id === 'kube-service')?.detail).toContain(
			'Service shop/web',
		);
		const cause = report!.causes.find(c => c.id === 'k8s-no-endpoints');
		expect(cause?.summary).toContain(
			'Service shop/web selects app=web, but no pod in namespace shop has that label (web-6d4cf56db6-2xk8p has app=web-frontend)',
		);
		expect(cause?.evidence).toContain(
			'EndpointSlice web-7xk2q: no endpoints; ports: none',
		);
		expect(cause?.fixes[0]?.command).toBe(
			'kubectl patch service web -n shop -p \'{"spec":{"selector":{"app":"web-frontend"}}}\'',
		);
		// Read-only: only GETs reached the API, and kubectl wrote no discovery cache.
		expect(existsSync(`${stub.home}/.kube`)).toBe(false);
		expect(stub.requests.every(r => r.method === 'GET')).toBe(true);
		expect(stub.requests.map(r => r.url)).toContain(
			'/api/v1/namespaces/shop/pods?limit=500&timeout=5s',
		);
	});

	test('a targetPort no container declares: k8s-port-mismatch with the kubectl patch', async () => {
		const {report, stderr} = await runJson(['127.0.0.1:30081'], {env: env()});
		expect(report, stderr).toBeDefined();
		const cause = report!.causes.find(c => c.id === 'k8s-port-mismatch');
		expect(cause?.summary).toBe(
			"Service shop/api sends nodePort 30081 → port 80 → targetPort 8081, but its pods' containers declare api: 8080/TCP (http): connections reach the pod on 8081 and are refused there.",
		);
		expect(cause?.evidence).toContain(
			'EndpointSlice api-h8n2c: 10.244.1.17 ready (api-5f7b9c8d4-qm2zt); ports: http 8081',
		);
		expect(cause?.fixes[0]?.command).toBe(
			'kubectl patch service api -n shop -p \'{"spec":{"ports":[{"port":80,"targetPort":8080}]}}\'',
		);
		expect(report!.causes.map(c => c.id)).not.toContain('k8s-no-endpoints');
	});

	test("a host that is not one of the cluster's nodes: its port is not the NodePort", async () => {
		const plain = await startK8sStub();
		try {
			const {report} = await runJson(['127.0.0.1:30080'], {
				env: {KUBECONFIG: plain.kubeconfig, HOME: plain.home},
			});
			expect(report!.steps.find(s => s.id === 'kube-service')?.detail).toBe(
				'Service shop/web has nodePort 30080, but 127.0.0.1 is not one of the 2 nodes of context stub: the target is not this Service',
			);
			expect(report!.causes.map(c => c.id)).not.toContain('k8s-no-endpoints');
		} finally {
			await plain.close();
		}
	});

	test('no context: the Kubernetes steps are skipped with the reason', async () => {
		const {report} = await runJson(['127.0.0.1:30080'], {
			env: {KUBECONFIG: `${stub.home}/missing`, HOME: stub.home},
		});
		expect(report!.steps.find(s => s.id === 'kube-context')).toMatchObject({
			status: 'skipped',
		});
		expect(report!.steps.find(s => s.id === 'kube-context')?.detail).toMatch(
			/^kubectl has no current context/,
		);
		expect(report!.steps.find(s => s.id === 'kube-service')).toMatchObject({
			status: 'skipped',
			detail: 'no kubectl context to ask',
		});
		expect(report!.causes.map(c => c.id)).not.toContain('k8s-no-endpoints');
	});
});
