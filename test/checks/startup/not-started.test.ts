/*
Programs not started when they have nothing to read (issue 14): kubectl without a kubeconfig, the docker
CLI without a socket or context, podman without container storage. Each says why in the step; with a
kubeconfig, a context or storage present (or HOME unknown) the program is asked as before.
*/
import {describe, expect, test} from 'vitest';
import {containerEngineCheck} from '../../../source/checks/containers/engine.js';
import {kubeContext} from '../../../source/checks/kubernetes/context.js';
import type {CheckContext} from '../../../source/checks/types.js';
import {createFakeIo, type FakeIoOptions} from '../../helpers/fake-io.js';

function context(options: FakeIoOptions) {
	const io = createFakeIo(options);
	const ctx: CheckContext = {
		target: {input: '127.0.0.1:18081', host: '127.0.0.1', port: 18_081},
		facts: {},
		answers: {},
		io,
		signal: new AbortController().signal,
		timeoutMs: 3000,
		onCommand() {},
		onLine() {},
	};
	return {ctx, io};
}

const currentContext =
	'kubectl config current-context --request-timeout=5s --cache-dir=/dev/null';

describe('kube-context', () => {
	test('no KUBECONFIG and no ~/.kube/config: skipped without starting kubectl, and says so', async () => {
		const {ctx, io} = context({env: {HOME: '/home/ann'}, dirs: {}});
		const result = await kubeContext(ctx);
		expect(io.calls).toEqual([]);
		expect(result).toEqual({
			status: 'skipped',
			detail:
				'no kubeconfig (KUBECONFIG is not set and ~/.kube/config does not exist): no Kubernetes cluster to read, kubectl not started',
		});
	});

	test('~/.kube/config present: kubectl is asked', async () => {
		const {ctx, io} = context({
			env: {HOME: '/home/ann/'},
			dirs: {'/home/ann/.kube': ['config', 'cache']},
			commands: [{match: currentContext, stdout: 'prod\n'}],
		});
		const result = await kubeContext(ctx);
		expect(io.calls).toEqual([currentContext]);
		expect(result.facts?.kubernetes?.context).toBe('prod');
	});

	test('KUBECONFIG set (even to a missing file) or HOME unknown: kubectl is asked', async () => {
		for (const env of [{HOME: '/home/ann', KUBECONFIG: '/nowhere'}, {}]) {
			const {ctx, io} = context({env});
			await kubeContext(ctx);
			expect(io.calls).toEqual([currentContext]);
		}
	});
});

describe('container-engine', () => {
	test('no socket, no docker context, no podman storage: neither CLI started, the step says why', async () => {
		const {ctx, io} = context({env: {HOME: '/root'}, uid: 0});
		const result = await containerEngineCheck(ctx);
		expect(io.calls).toEqual([]);
		expect(result.status).toBe('passed');
		expect(result.detail).toBe(
			'No container engine here: DOCKER_HOST is not set, no Docker or Podman socket, no docker context in ~/.docker (docker not started), no podman storage at /var/lib/containers/storage (podman not started).',
		);
		expect(result.facts?.containers?.problem).toBe('none');
	});

	test('a docker context in ~/.docker, or DOCKER_CONTEXT: the docker CLI is asked', async () => {
		for (const options of [
			{
				dirs: {'/home/ann/.docker/contexts/meta': ['0a1b']},
				env: {HOME: '/home/ann'},
			},
			{env: {HOME: '/home/ann', DOCKER_CONTEXT: 'remote'}},
		]) {
			const {ctx, io} = context({...options, uid: 1000});
			await containerEngineCheck(ctx);
			expect(io.calls[0]).toBe('docker ps -a -q --no-trunc');
		}
	});

	test("podman storage (root's, or the user's under XDG_DATA_HOME): podman is asked", async () => {
		const root = context({
			env: {HOME: '/root'},
			uid: 0,
			dirs: {'/var/lib/containers': ['storage']},
		});
		await containerEngineCheck(root.ctx);
		expect(root.io.calls).toEqual(['podman ps -a -q --no-trunc']);
		const user = context({
			env: {HOME: '/home/ann', XDG_DATA_HOME: '/data/ann'},
			uid: 1000,
			dirs: {'/data/ann/containers': ['storage']},
		});
		await containerEngineCheck(user.ctx);
		expect(user.io.calls).toEqual(['podman ps -a -q --no-trunc']);
	});

	test('a socket found: its CLI is asked whatever HOME holds', async () => {
		const {ctx, io} = context({
			env: {HOME: '/root'},
			uid: 0,
			dirs: {'/var/run': ['docker.sock']},
		});
		await containerEngineCheck(ctx);
		expect(io.calls[0]).toBe('docker ps -a -q --no-trunc');
	});
});
