/**
The kube-endpoints and kube-service judges on recorded observations (the objects of
test/fixtures/kubernetes, parsed by the parsers), no command table; hostile namespaces, names and
labels through every kubectl fix.
*/
import {describe, expect, test} from 'vitest';
import type {JudgeInput} from '../../../source/checks/define.js';
import type {EndpointsObservations} from '../../../source/checks/kubernetes/endpoints.js';
import {judgeEndpoints} from '../../../source/checks/kubernetes/endpoints-judge.js';
import {judgeService} from '../../../source/checks/kubernetes/service.js';
import {
	parseKubeEndpointSlices,
	parseKubePods,
	parseKubeServices,
	type Parsed,
} from '../../../source/parsers/kubernetes.js';
import type {KubernetesFacts, Target} from '../../../source/tree/facts.js';
import {assertInert, hostileStrings} from '../../helpers/hostile.js';
import {kubeList, recordedObjects} from '../../helpers/k8s-stub.js';

const objects = recordedObjects();
const items = <T>(parsed: Parsed<T>): readonly T[] =>
	parsed.ok ? parsed.items : [];
const pods = items(parseKubePods(kubeList(objects.pods, {namespace: 'shop'})));
const slicesOf = (name: string) =>
	items(
		parseKubeEndpointSlices(
			kubeList(objects.endpointslices, {
				namespace: 'shop',
				labelSelector: `kubernetes.io/service-name=${name}`,
			}),
		),
	);

const target: Target = {
	input: '127.0.0.1:30080',
	host: '127.0.0.1',
	port: 30_080,
};
const input = (kubernetes: KubernetesFacts): JudgeInput => ({
	target,
	facts: {target, kubernetes},
	answers: {},
	timeoutMs: 1000,
	uid: 0,
});
const web: KubernetesFacts = {
	context: 'stub',
	service: 'shop/web',
	namespace: 'shop',
	name: 'web',
	matchedBy: 'nodePort 30080',
	ports: [{port: 80, targetPort: 8080, nodePort: 30_080}],
	selector: {app: 'web'},
};
const observed = (name: string): EndpointsObservations => ({
	slices: {ok: true, items: slicesOf(name)},
	pods: {ok: true, items: pods},
	commands: ['kubectl get ...'],
});

describe('judgeEndpoints', () => {
	test('a selector no pod carries: k8s-no-endpoints, the patch to the near-miss label', () => {
		const result = judgeEndpoints(observed('web'), input(web));
		expect(result.findings?.[0]).toMatchObject({
			id: 'k8s-no-endpoints',
			confidence: 'confirmed',
		});
		expect(result.findings?.[0]?.fixes[0]).toEqual({
			command:
				'kubectl patch service web -n shop -p \'{"spec":{"selector":{"app":"web-frontend"}}}\'',
			why: "Point the selector at the label the pods carry (app=web-frontend); or change the pods' template labels in their Deployment instead.",
			undo: 'kubectl patch service web -n shop -p \'{"spec":{"selector":{"app":"web"}}}\'',
		});
	});

	test('matched by a nodePort on an unverified node: never more than likely', () => {
		const result = judgeEndpoints(
			observed('web'),
			input({...web, unverifiedNode: true}),
		);
		expect(result.findings?.[0]?.confidence).toBe('likely');
	});

	test('slices and pods unreadable: unknown, with the commands by hand', () => {
		const result = judgeEndpoints(
			{
				slices: {ok: false, reason: 'forbidden'},
				pods: {ok: false, reason: 'forbidden'},
				commands: [],
			},
			input(web),
		);
		expect(result.status).toBe('unknown');
		expect(result.detail).toBe(
			'could not read the endpoints or pods of shop/web: forbidden; by hand: kubectl describe service web -n shop; kubectl get endpointslices -n shop -l kubernetes.io/service-name=web --request-timeout=5s',
		);
	});

	test.each(hostileStrings)(
		'hostile namespace, name and label (%j): every fix stays inert',
		hostile => {
			const kube: KubernetesFacts = {
				...web,
				namespace: hostile,
				name: hostile,
				selector: {app: hostile},
				ports: [{port: 80, targetPort: hostile}],
			};
			const hostilePods = pods.map(pod => ({
				...pod,
				name: hostile,
				labels: {app: `${hostile}-x`},
			}));
			const cases: EndpointsObservations[] = [
				// No pod matches (a near miss): the selector patch.
				{
					slices: {ok: true, items: []},
					pods: {ok: true, items: hostilePods},
					commands: [],
				},
				// Pods match, none ready: describe and logs.
				{
					slices: {ok: true, items: []},
					pods: {
						ok: true,
						items: hostilePods.map(p => ({
							...p,
							labels: {app: hostile},
							ready: false,
						})),
					},
					commands: [],
				},
				// Pods unreadable: get pods -l SELECTOR.
				{
					slices: {ok: true, items: []},
					pods: {ok: false, reason: 'forbidden'},
					commands: [],
				},
				// Ready pods, named targetPort missing: the targetPort patch and kubectl exec.
				{
					slices: {ok: true, items: []},
					pods: {
						ok: true,
						items: hostilePods.map(p => ({
							...p,
							labels: {app: hostile},
							ready: true,
							deleting: false,
						})),
					},
					commands: [],
				},
			];
			let fixes = 0;
			for (const observations of cases) {
				const result = judgeEndpoints(observations, input(kube));
				for (const fix of result.findings?.flatMap(f => f.fixes) ?? []) {
					assertInert(fix.command);
					if (fix.undo) {
						assertInert(fix.undo);
					}

					fixes++;
				}
			}

			expect(fixes).toBeGreaterThanOrEqual(6);
		},
	);
});

describe('judgeService', () => {
	const services = items(parseKubeServices(kubeList(objects.services)));

	test('by clusterIP and port', () => {
		const clusterIp: Target = {
			input: '10.96.40.12:9000',
			host: '10.96.40.12',
			port: 9000,
		};
		const result = judgeService(
			{
				kind: 'read',
				services,
				addresses: ['10.96.40.12'],
				commands: ['kubectl get services'],
				localAddresses: ['127.0.0.1'],
				hostname: 'h',
			},
			{...input(web), target: clusterIp, facts: {target: clusterIp}},
		);
		expect(result.facts?.kubernetes).toMatchObject({
			service: 'shop/worker',
			matchedBy: 'clusterIP 10.96.40.12 port 9000',
		});
	});

	test('a nodePort, nodes unreadable: kept, marked unverified', () => {
		const result = judgeService(
			{
				kind: 'read',
				services,
				addresses: ['127.0.0.1'],
				nodes: {ok: false, reason: 'forbidden'},
				commands: [],
				localAddresses: ['127.0.0.1'],
				hostname: 'h',
			},
			input(web),
		);
		expect(result.facts?.kubernetes).toMatchObject({
			service: 'shop/web',
			unverifiedNode: true,
		});
	});
});
