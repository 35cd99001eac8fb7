/*
The container-engine measure: which engines it tries, in which order, with which commands, fed the
real CLI output captured in test/fixtures/docker (a fake runner stands in for the programs, as the
measure is all I/O). The judge alone, on recorded observations: engine-judge.test.ts.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {containerEngineCheck} from '../../../source/checks/containers/engine.js';
import type {CheckContext} from '../../../source/checks/types.js';
import {createFakeIo, type FakeIoOptions} from '../../helpers/fake-io.js';

const fixture = (name: string) =>
	readFileSync(
		new URL(`../../fixtures/docker/${name}`, import.meta.url),
		'utf8',
	);

function context(options: FakeIoOptions) {
	const io = createFakeIo(options);
	const commands: string[] = [];
	const ctx: CheckContext = {
		target: {input: '127.0.0.1:18081', host: '127.0.0.1', port: 18_081},
		facts: {},
		answers: {},
		io,
		signal: new AbortController().signal,
		timeoutMs: 3000,
		onCommand(command) {
			commands.push(command);
		},
		onLine() {},
	};
	return {ctx, io, commands};
}

const ps = {match: 'docker ps -a -q --no-trunc', stdout: fixture('ps-ids.txt')};
const inspect = {
	match: /^docker inspect --type container [\da-f]{64}/,
	stdout: fixture('inspect-all.json'),
};

describe('container-engine', () => {
	test('DOCKER_HOST: the docker CLI lists and inspects every container', async () => {
		const {ctx, io, commands} = context({
			env: {DOCKER_HOST: 'unix:///tmp/x/docker.sock'},
			commands: [ps, inspect],
		});
		const result = await containerEngineCheck(ctx);
		expect(result.status).toBe('passed');
		expect(result.detail).toBe(
			'docker (DOCKER_HOST=unix:///tmp/x/docker.sock): 7 containers, 6 running',
		);
		expect(io.calls[0]).toBe('docker ps -a -q --no-trunc');
		expect(io.calls[1]?.split(' ')).toHaveLength(4 + 7);
		expect(commands).toEqual([
			'docker ps -a -q --no-trunc',
			"docker inspect --type container '<7 IDs>'",
		]);
		expect(result.facts?.containers).toMatchObject({
			engine: 'docker',
			cli: 'docker',
			hostArgs: [],
			readable: true,
		});
		expect(result.facts?.containers?.containers).toHaveLength(7);
		expect(result.output).toContain(
			'localonly  running  0.0.0.0:18081->8080/tcp, [::]:18081->8080/tcp  refused/base',
		);
		expect(result.output).toContain(
			'exited  exited (3)  127.0.0.1:18083->8080/tcp  refused/base',
		);
		expect(result.output).toContain(
			'exposed  running  exposes 9090 (not published)  refused/base',
		);
	});

	test('/var/run/docker.sock without DOCKER_HOST', async () => {
		const {ctx} = context({
			dirs: {'/var/run': ['docker.sock']},
			commands: [ps, inspect],
		});
		const result = await containerEngineCheck(ctx);
		expect(result.facts?.containers).toMatchObject({
			engine: 'docker',
			socket: '/var/run/docker.sock',
			readable: true,
		});
	});

	test('an engine with no containers is readable and empty', async () => {
		const {ctx, io} = context({
			dirs: {'/var/run': ['docker.sock']},
			commands: [{match: 'docker ps -a -q --no-trunc', stdout: ''}],
		});
		const result = await containerEngineCheck(ctx);
		expect(result.status).toBe('passed');
		expect(result.facts?.containers).toMatchObject({
			readable: true,
			containers: [],
		});
		expect(io.calls).toHaveLength(1);
	});

	test('not root and not in the docker group: unknown, with the command to run by hand', async () => {
		const {ctx} = context({
			dirs: {'/var/run': ['docker.sock']},
			uid: 1000,
			commands: [
				{
					match: 'docker ps -a -q --no-trunc',
					exitCode: 1,
					stderr: fixture('error-permission-denied.stderr.txt'),
				},
			],
		});
		const result = await containerEngineCheck(ctx);
		expect(result.status).toBe('unknown');
		expect(result.detail).toContain('not root and not in the docker group');
		expect(result.detail).toContain('sudo docker ps -a');
		expect(result.facts?.containers).toMatchObject({
			readable: false,
			problem: 'permission',
			socket: '/var/run/docker.sock',
		});
	});

	test('the engine is not running: unknown, says so', async () => {
		const {ctx} = context({
			env: {DOCKER_HOST: 'unix:///tmp/nonexistent.sock'},
			commands: [
				{
					match: 'docker ps -a -q --no-trunc',
					exitCode: 1,
					stderr: fixture('error-not-running.stderr.txt'),
				},
			],
		});
		const result = await containerEngineCheck(ctx);
		expect(result.status).toBe('unknown');
		expect(result.detail).toContain('does not answer');
		expect(result.facts?.containers).toMatchObject({
			readable: false,
			problem: 'not-running',
		});
	});

	test('a timeout is unknown, never a guess', async () => {
		const {ctx} = context({
			dirs: {'/var/run': ['docker.sock']},
			commands: [{match: 'docker ps -a -q --no-trunc', timedOut: true}],
		});
		const result = await containerEngineCheck(ctx);
		expect(result.status).toBe('unknown');
		expect(result.facts?.containers).toMatchObject({
			readable: false,
			problem: 'timeout',
		});
	});

	test('a podman socket and no docker CLI: the podman CLI reads it', async () => {
		const {ctx, io} = context({
			dirs: {'/run/podman': ['podman.sock']},
			commands: [
				{match: 'podman ps -a -q --no-trunc', stdout: fixture('ps-ids.txt')},
				{
					match: /^podman inspect --type container /,
					stdout: fixture('inspect-all.json'),
				},
			],
		});
		const result = await containerEngineCheck(ctx);
		expect(io.calls[0]).toBe(
			'docker -H unix:///run/podman/podman.sock ps -a -q --no-trunc',
		);
		expect(result.facts?.containers).toMatchObject({
			engine: 'podman',
			cli: 'podman',
			readable: true,
		});
	});

	test('a podman socket read with the docker CLI keeps -H in every command', async () => {
		const {ctx, io} = context({
			dirs: {'/run/podman': ['podman.sock']},
			commands: [
				{
					match: 'docker -H unix:///run/podman/podman.sock ps -a -q --no-trunc',
					stdout: fixture('ps-ids.txt'),
				},
				{
					match: /^docker -H unix:\/{3}ru(?:n\/podma){2}n.sock inspect /,
					stdout: fixture('inspect-all.json'),
				},
			],
		});
		const result = await containerEngineCheck(ctx);
		expect(io.calls).toHaveLength(2);
		expect(result.facts?.containers).toMatchObject({
			engine: 'podman',
			cli: 'docker',
			hostArgs: ['-H', 'unix:///run/podman/podman.sock'],
		});
	});

	test('no engine at all: passed, nothing to blame', async () => {
		const {ctx, io} = context({});
		const result = await containerEngineCheck(ctx);
		expect(io.calls).toEqual([
			'docker ps -a -q --no-trunc',
			'podman ps -a -q --no-trunc',
		]);
		expect(result.status).toBe('passed');
		expect(result.detail).toBe(
			'No container engine here: DOCKER_HOST is not set, no Docker or Podman socket, no docker CLI, no podman CLI.',
		);
		expect(result.facts?.containers).toEqual({
			readable: false,
			problem: 'none',
			message:
				'no DOCKER_HOST, no Docker or Podman socket, no docker CLI, no podman CLI',
		});
	});

	test('a docker CLI with no engine behind the default socket: no engine here, not unknown', async () => {
		const {ctx} = context({
			commands: [
				{
					match: 'docker ps -a -q --no-trunc',
					exitCode: 1,
					stderr:
						'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
				},
			],
		});
		const result = await containerEngineCheck(ctx);
		expect(result.status).toBe('passed');
		expect(result.detail).toContain(
			'the docker CLI is installed, but no engine runs here (no /var/run/docker.sock), no podman CLI',
		);
		expect(result.facts?.containers?.problem).toBe('none');
	});

	test('a docker context whose engine does not answer: unknown', async () => {
		const {ctx} = context({
			commands: [
				{
					match: 'docker ps -a -q --no-trunc',
					exitCode: 1,
					stderr: fixture('error-not-running.stderr.txt'),
				},
			],
		});
		const result = await containerEngineCheck(ctx);
		expect(result.status).toBe('unknown');
		expect(result.facts?.containers).toMatchObject({
			problem: 'not-running',
			socket: 'docker CLI (its current context)',
		});
	});

	test('a socket but no CLI to read it: unknown', async () => {
		const {ctx} = context({dirs: {'/var/run': ['docker.sock']}});
		const result = await containerEngineCheck(ctx);
		expect(result.status).toBe('unknown');
		expect(result.detail).toContain('neither the docker nor the podman CLI');
	});

	test('inspect failing after a good list is unknown, not "no containers"', async () => {
		const {ctx} = context({
			dirs: {'/var/run': ['docker.sock']},
			commands: [
				ps,
				{match: /^docker inspect /, exitCode: 1, stderr: 'Error: boom\n'},
			],
		});
		const result = await containerEngineCheck(ctx);
		expect(result.status).toBe('unknown');
		expect(result.facts?.containers?.readable).toBe(false);
	});
});

test('an empty podman does not hide a docker engine that could not be read', async () => {
	const {ctx} = context({
		dirs: {'/var/run': ['docker.sock']},
		uid: 1000,
		commands: [
			{
				match: 'docker ps -a -q --no-trunc',
				exitCode: 1,
				stderr: fixture('error-permission-denied.stderr.txt'),
			},
			{match: 'podman ps -a -q --no-trunc', stdout: ''},
		],
	});
	const result = await containerEngineCheck(ctx);
	expect(result.status).toBe('unknown');
	expect(result.facts?.containers).toMatchObject({
		engine: 'docker',
		problem: 'permission',
	});
	expect(result.output).toContain('podman ps -a -q --no-trunc: no containers');
});
