import {describe, expect, test} from 'vitest';
import {listenerList} from '../../../source/parsers/listeners.js';
import {questions} from '../../../source/tree/questions.js';
import {
	containersApply,
	containersChecks,
} from '../../../source/tree/nodes/containers.js';
import type {Facts} from '../../../source/tree/facts.js';

const question = questions.find(q => q.key === 'container')!;
const target = {input: '127.0.0.1:8080', host: '127.0.0.1', port: 8080};
const local = {
	addresses: ['127.0.0.1'],
	isLocal: true,
	localTargets: ['127.0.0.1'],
	hostname: 'h',
};
const refused: Facts['probe'] = {
	outcome: 'refused',
	address: '127.0.0.1',
	ms: 1,
	addresses: [
		{
			address: '127.0.0.1',
			family: 4,
			source: 'literal',
			outcome: 'refused',
			ms: 1,
			code: 'ECONNREFUSED',
		},
	],
};

describe('the container question', () => {
	test('waits for the container steps and applies only where they ran', () => {
		expect(question.after).toEqual(['container-engine', 'container-port']);
		expect(question.when({target})).toBe(false);
		expect(
			question.when({
				target,
				local,
				containers: {readable: false, problem: 'permission'},
			}),
		).toBe(true);
	});

	test('yes when a container is tied to the port', () => {
		expect(
			question.auto({
				target,
				containers: {
					engine: 'docker',
					readable: true,
					containers: [],
					container: {name: 'web', id: 'abc', state: 'exited'},
					match: {
						kind: 'stopped',
						id: 'abc',
						name: 'web',
						source: 'docker inspect',
					},
				},
			}),
		).toEqual({
			value: 'yes',
			evidence: 'docker: container web publishes (but is stopped) port 8080',
		});
	});

	test('no when the engine was read and nothing matches, or when there is no engine at all', () => {
		expect(
			question.auto({
				target,
				containers: {engine: 'docker', readable: true, containers: []},
			}),
		).toEqual({
			value: 'no',
			evidence:
				'docker: none of 0 containers publishes or listens on port 8080',
		});
		expect(
			question.auto({target, containers: {readable: false, problem: 'none'}})
				?.value,
		).toBe('no');
	});

	test('yes from docker-proxy on the port when the engine cannot be read; otherwise it asks', () => {
		const listeners: Facts['listeners'] = {
			source: 'ss',
			command: 'ss -Htlnp',
			processesVisible: true,
			listeners: listenerList([
				{
					address: '0.0.0.0',
					port: 8080,
					family: 4,
					process: {name: 'docker-proxy', pid: 42},
				},
			]),
		};
		expect(
			question.auto({
				target,
				listeners,
				containers: {readable: false, problem: 'permission'},
			}),
		).toEqual({
			value: 'yes',
			evidence:
				'docker-proxy (pid 42) listens on port 8080: a container engine publishes it',
		});
		expect(
			question.auto({
				target,
				containers: {readable: false, problem: 'permission'},
			}),
		).toBeUndefined();
		expect(
			question.auto({
				target,
				containers: {readable: false, problem: 'not-running'},
			}),
		).toBeUndefined();
	});
});

describe('when the container steps run', () => {
	test('a local target that refused, or accepted and dropped at once', () => {
		expect(containersApply({target, local, probe: refused})).toBe(true);
		const dropped: Facts['probe'] = {
			...refused,
			outcome: 'open',
			addresses: [
				{
					...refused.addresses[0]!,
					outcome: 'open',
					code: 'connect',
					closedAfterAccept: true,
				},
			],
		};
		expect(containersApply({target, local, probe: dropped})).toBe(true);
	});

	test('not for a remote target, nor a healthy open port', () => {
		expect(
			containersApply({
				target,
				local: {...local, isLocal: false},
				probe: refused,
			}),
		).toContain('not this host');
		const open: Facts['probe'] = {
			...refused,
			outcome: 'open',
			addresses: [{...refused.addresses[0]!, outcome: 'open', code: 'connect'}],
		};
		expect(containersApply({target, local, probe: open})).toContain(
			'neither refused',
		);
	});

	test('the port step needs a readable engine with containers; the logs step a stopped match', () => {
		const [, port, logs] = containersChecks;
		expect(
			port?.when({containers: {readable: false, problem: 'permission'}}, {}),
		).toBe('no container engine could be read');
		expect(port?.when({containers: {readable: true, containers: []}}, {})).toBe(
			'the engine has no containers',
		);
		expect(
			logs?.when(
				{
					containers: {
						readable: true,
						match: {kind: 'published', id: 'a', name: 'a', source: ''},
					},
				},
				{},
			),
		).not.toBe(true);
	});
});

test("a refused private address that is not this host may be a container's own address", () => {
	const containerIp: Facts['probe'] = {
		...refused,
		address: '172.17.0.2',
		addresses: [{...refused.addresses[0]!, address: '172.17.0.2'}],
	};
	expect(
		containersApply({
			target,
			local: {...local, isLocal: false},
			probe: containerIp,
		}),
	).toBe(true);
	const publicIp: Facts['probe'] = {
		...refused,
		address: '8.8.8.8',
		addresses: [{...refused.addresses[0]!, address: '8.8.8.8'}],
	};
	expect(
		containersApply({
			target,
			local: {...local, isLocal: false},
			probe: publicIp,
		}),
	).not.toBe(true);
});

test('not asked about a remote private address when the engine could not be read', () => {
	const remote = {...local, isLocal: false};
	expect(
		question.when({
			target,
			local: remote,
			containers: {readable: false, problem: 'permission'},
		}),
	).toBe(false);
	expect(
		question.when({
			target,
			local: remote,
			containers: {readable: true, containers: []},
		}),
	).toBe(true);
	expect(
		question.when({
			target,
			local,
			containers: {readable: false, problem: 'permission'},
		}),
	).toBe(true);
});
