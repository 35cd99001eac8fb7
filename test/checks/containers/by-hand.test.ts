import {expect, test} from 'vitest';
import {judgeByHand} from '../../../source/checks/containers/by-hand.js';
import type {JudgeInput} from '../../../source/checks/define.js';
import type {Facts} from '../../../source/tree/facts.js';
import {containersChecks} from '../../../source/tree/nodes/containers.js';

/* The container-by-hand judge: it measures nothing, so its observations are empty; the facts are the engine step's. */
const target = {input: '127.0.0.1:8080', host: '127.0.0.1', port: 8080};

function input(facts: Facts, uid: number): JudgeInput {
	return {
		target,
		facts: {target, ...facts},
		answers: {container: 'yes'},
		timeoutMs: 3000,
		uid,
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

test('unknown, with the sudo commands for a user who is not root; no finding without a signal', () => {
	const result = judgeByHand({}, input({containers: denied}, 1000));
	expect(result.status).toBe('unknown');
	expect(result.detail).toContain('not root and not in the docker group');
	expect(result.output).toContain('  sudo docker logs --tail 20 NAME');
	expect(result.output?.[0]).toContain(
		'sudo: docker needs root or the docker group',
	);
	expect(result.findings).toEqual([]);
});

test('as root: the same commands without sudo', () => {
	const result = judgeByHand(
		{},
		input(
			{
				containers: {
					...denied,
					problem: 'not-running',
				},
			},
			0,
		),
	);
	expect(result.detail).toContain('the engine does not answer');
	expect(result.output).toContain('  docker logs --tail 20 NAME');
	expect(result.output?.join('\n')).not.toContain('sudo');
});

test('accepted-then-dropped by the probe: container-loopback-bind, only possible', () => {
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
	const result = judgeByHand({}, input({containers: denied, probe}, 1000));
	expect(result.findings?.map(f => [f.id, f.confidence])).toEqual([
		['container-loopback-bind', 'possible'],
	]);
	expect(result.findings?.[0]?.fixes[0]?.command).toBe(
		`sudo nsenter -t "$(sudo docker inspect -f '{{.State.Pid}}' NAME)" -n ss -Htln`,
	);
});
