import {readFileSync} from 'node:fs';
import {expect, test} from 'vitest';
import {
	classify,
	judgeEngine,
	type Candidate,
	type EngineRead,
} from '../../../source/checks/containers/engine-judge.js';
import type {JudgeInput} from '../../../source/checks/define.js';
import {parseDockerInspect} from '../../../source/parsers/docker-inspect.js';
import {parseDockerError} from '../../../source/parsers/docker-logs.js';

/*
The container-engine judge on recorded observations: each read is what `docker ps` / `inspect`
answered on a real engine (test/fixtures/docker: permission denied as nobody, no daemon, the seven
containers of inspect-all.json), with no fake command table.
*/
const fixture = (name: string) =>
	readFileSync(
		new URL(`../../fixtures/docker/${name}`, import.meta.url),
		'utf8',
	);

const socket: Candidate = {
	engine: 'docker',
	cli: 'docker',
	hostArgs: [],
	socket: '/var/run/docker.sock',
};
const podman: Candidate = {
	engine: 'podman',
	cli: 'podman',
	hostArgs: [],
	socket: 'podman CLI',
};

function failed(candidate: Candidate, stderr: string): EngineRead {
	return {
		candidate,
		display: `${candidate.cli} ps -a -q --no-trunc`,
		ps: {
			notFound: false,
			timedOut: false,
			exitCode: 1,
			error: parseDockerError(stderr),
		},
	};
}

function listed(candidate: Candidate, ids: string[]): EngineRead {
	return {
		candidate,
		display: `${candidate.cli} ps -a -q --no-trunc`,
		ps: {
			notFound: false,
			timedOut: false,
			exitCode: 0,
			error: parseDockerError(''),
		},
		ids,
	};
}

const input = (uid: number): JudgeInput => ({
	target: {input: '127.0.0.1:18081', host: '127.0.0.1', port: 18_081},
	facts: {},
	answers: {},
	timeoutMs: 3000,
	uid,
});

test('the socket closed to a user: unknown, and the sudo command says docker needs root or the docker group', () => {
	const denied = failed(socket, fixture('error-permission-denied.stderr.txt'));
	expect(classify(denied)).toMatchObject({
		kind: 'failed',
		problem: 'permission',
	});
	const result = judgeEngine({reads: [denied]}, input(1000));
	expect(result.status).toBe('unknown');
	expect(result.detail).toBe(
		"docker at /var/run/docker.sock could not be read: not root and not in the docker group, so the engine's socket is closed to this user. Check by hand: sudo docker ps -a",
	);
});

test('an engine that does not answer: systemctl with sudo for a user, without it for root', () => {
	const down = failed(socket, fixture('error-not-running.stderr.txt'));
	expect(judgeEngine({reads: [down]}, input(1000)).detail).toContain(
		'Check by hand: sudo systemctl status docker ; docker ps -a',
	);
	expect(judgeEngine({reads: [down]}, input(0)).detail).toContain(
		'Check by hand: systemctl status docker ; docker ps -a',
	);
});

test('an empty podman after a denied docker: the denied one is reported, the empty one noted', () => {
	const result = judgeEngine(
		{
			reads: [
				failed(socket, fixture('error-permission-denied.stderr.txt')),
				listed(podman, []),
			],
		},
		input(1000),
	);
	expect(result.status).toBe('unknown');
	expect(result.facts?.containers).toMatchObject({
		engine: 'docker',
		problem: 'permission',
	});
	expect(result.output).toContain('podman ps -a -q --no-trunc: no containers');
});

test('listed and inspected: passed, every container in the facts', () => {
	const ids = fixture('ps-ids.txt').trim().split('\n');
	const result = judgeEngine(
		{
			reads: [
				{
					...listed(socket, ids),
					inspect: {
						display: "docker inspect --type container '<7 IDs>'",
						containers: parseDockerInspect(fixture('inspect-all.json')),
						timedOut: false,
						error: parseDockerError(''),
					},
				},
			],
		},
		input(0),
	);
	expect(result.status).toBe('passed');
	expect(result.detail).toBe(
		'docker (/var/run/docker.sock): 7 containers, 6 running',
	);
	expect(result.command).toBe(
		"docker ps -a -q --no-trunc ; docker inspect --type container '<7 IDs>'",
	);
	expect(result.facts?.containers?.containers).toHaveLength(7);
});

test('listed but the inspect failed: unknown with its error, never "no containers"', () => {
	const result = judgeEngine(
		{
			reads: [
				{
					...listed(socket, ['a'.repeat(64)]),
					inspect: {
						display: "docker inspect --type container '<1 IDs>'",
						containers: parseDockerInspect(
							fixture('inspect-missing.stdout.txt'),
						),
						timedOut: false,
						error: parseDockerError(fixture('inspect-missing.stderr.txt')),
					},
				},
			],
		},
		input(0),
	);
	expect(result.status).toBe('unknown');
	expect(result.facts?.containers).toMatchObject({
		readable: false,
		problem: 'error',
	});
	expect(result.detail).toContain('inspecting them failed');
});
