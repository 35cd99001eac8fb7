import {expect, test} from 'vitest';
import {containerByHand} from '../../../source/checks/containers/by-hand.js';
import type {CheckContext} from '../../../source/checks/types.js';
import type {Facts} from '../../../source/tree/facts.js';
import {containersChecks} from '../../../source/tree/nodes/containers.js';
import {createFakeIo} from '../../helpers/fake-io.js';

const target = {input: '127.0.0.1:8080', host: '127.0.0.1', port: 8080};

function context(facts: Facts): CheckContext {
	return {
		target,
		facts: {target, ...facts},
		answers: {container: 'yes'},
		io: createFakeIo(),
		signal: new AbortController().signal,
		timeoutMs: 3000,
		onCommand() {},
		onLine() {},
	};
}

const denied: Facts['containers'] = {
	engine: 'docker',
	cli: 'docker',
	socket: '/var/run/docker.sock',
	readable: false,
	problem: 'permission',
};

test('runs only when the engine exists but cannot be read, and the answer is yes', () => {
	const node = containersChecks.find(c => c.id === 'container-by-hand')!;
	expect(node.when({containers: denied}, {container: 'yes'})).toBe(true);
	expect(node.when({containers: denied}, {container: 'no'})).not.toBe(true);
	expect(node.when({containers: denied}, {})).not.toBe(true);
	expect(
		node.when(
			{containers: {readable: false, problem: 'none'}},
			{container: 'yes'},
		),
	).not.toBe(true);
	expect(
		node.when({containers: {readable: true}}, {container: 'yes'}),
	).not.toBe(true);
});

test('unknown, with the sudo commands; no finding without a signal', async () => {
	const result = await containerByHand(context({containers: denied}));
	expect(result.status).toBe('unknown');
	expect(result.detail).toContain('not root and not in the docker group');
	expect(result.output).toContain('  sudo docker logs --tail 20 NAME');
	expect(result.findings).toEqual([]);
});

test('accepted-then-dropped by the probe: container-loopback-bind, only possible', async () => {
	const probe: Facts['probe'] = {
		outcome: 'open',
		address: '127.0.0.1',
		ms: 1,
		addresses: [
			{
				address: '127.0.0.1',
				family: 4,
				source: 'literal',
				outcome: 'open',
				ms: 1,
				code: 'connect',
				closedAfterAccept: true,
			},
		],
	};
	const result = await containerByHand(context({containers: denied, probe}));
	expect(result.findings?.map(f => [f.id, f.confidence])).toEqual([
		['container-loopback-bind', 'possible'],
	]);
});
