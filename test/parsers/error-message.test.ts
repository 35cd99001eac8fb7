import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	decodeError,
	knownFormats,
	redactText,
	reportedTarget,
	targetOrMessage,
} from '../../source/parsers/error-message.js';
import {judgeReported} from '../../source/checks/pasted.js';
import type {JudgeInput} from '../../source/checks/define.js';
import type {AddressProbe, Facts, Target} from '../../source/tree/facts.js';

// Every message here was printed by the real client in a namespace (test/fixtures/errors/README.md).
const fixture = (name: string) =>
	readFileSync(
		new URL(`../fixtures/errors/${name}.txt`, import.meta.url),
		'utf8',
	);

type Expected = {
	client: string;
	outcome?: string;
	host?: string;
	port?: number;
	portFrom?: string;
	addresses?: string[];
};

const cases: Array<[string, Expected]> = [
	['curl-refused', {client: 'curl', host: '127.0.0.1', port: 5999}],
	['curl-localhost', {client: 'curl', host: 'localhost', port: 5999}],
	['curl-verbose', {client: 'curl', outcome: 'refused', port: 5999}],
	['curl-timeout', {client: 'curl', outcome: 'timeout', port: 5998}],
	['curl-no-route', {client: 'curl', host: '10.99.0.1', port: 5999}],
	[
		'curl-dns',
		{client: 'curl', outcome: 'dns-failure', host: 'nosuch.invalid'},
	],
	['wget-refused', {client: 'wget', outcome: 'refused', port: 5999}],
	[
		'wget-localhost',
		{
			client: 'wget',
			outcome: 'refused',
			host: 'localhost',
			addresses: ['::1', '127.0.0.1'],
		},
	],
	['wget-timeout', {client: 'wget', outcome: 'timeout', port: 5998}],
	['wget-dns', {client: 'wget', outcome: 'dns-failure', port: 5999}],
	['node-ipv6', {client: 'node', outcome: 'refused', host: '::1', port: 5999}],
	[
		'node-localhost',
		{
			client: 'node',
			outcome: 'refused',
			host: '::1',
			port: 5999,
			addresses: ['::1', '127.0.0.1'],
		},
	],
	['node-refused', {client: 'node', outcome: 'refused', host: '127.0.0.1'}],
	['node-timeout', {client: 'node', outcome: 'timeout', port: 5998}],
	[
		'node-no-route',
		{client: 'node', outcome: 'unreachable', host: '10.99.0.1'},
	],
	[
		'node-dns',
		{client: 'node', outcome: 'dns-failure', host: 'nosuch.invalid'},
	],
	['node-fetch-localhost', {client: 'node', outcome: 'refused'}],
	[
		'python-requests-refused',
		{
			client: 'python-urllib3',
			outcome: 'refused',
			host: '127.0.0.1',
			port: 5999,
		},
	],
	[
		'python-requests-timeout',
		{client: 'python-urllib3', outcome: 'timeout', port: 5998},
	],
	[
		'python-requests-dns',
		{client: 'python-urllib3', outcome: 'dns-failure', host: 'nosuch.invalid'},
	],
	[
		'python-urllib3-refused',
		{
			client: 'python-urllib3',
			outcome: 'refused',
			host: '127.0.0.1',
			port: 5999,
		},
	],
	['python-socket-refused', {client: 'python-socket', outcome: 'refused'}],
	['python-socket-timeout', {client: 'python-socket', outcome: 'timeout'}],
	['python-socket-dns', {client: 'python-socket', outcome: 'dns-failure'}],
	['java-refused', {client: 'java', outcome: 'refused'}],
	['java-timeout', {client: 'java', outcome: 'timeout'}],
	[
		'java-dns',
		{client: 'java', outcome: 'dns-failure', host: 'nosuch.invalid'},
	],
	[
		'psql-refused',
		{client: 'psql', outcome: 'refused', host: '127.0.0.1', port: 5999},
	],
	[
		'psql-localhost',
		{
			client: 'psql',
			outcome: 'refused',
			host: 'localhost',
			port: 5432,
			addresses: ['::1', '127.0.0.1'],
		},
	],
	['psql-timeout', {client: 'psql', outcome: 'timeout', port: 5998}],
	[
		'psql-dns',
		{client: 'psql', outcome: 'dns-failure', port: 5432, portFrom: 'default'},
	],
	[
		'mysql-refused',
		{
			client: 'mysql',
			outcome: 'refused',
			host: '127.0.0.1',
			portFrom: 'default',
		},
	],
	[
		'mysql-default',
		{client: 'mysql', outcome: 'refused', port: 3306, portFrom: 'default'},
	],
	['mysql-timeout', {client: 'mysql', outcome: 'timeout', host: '127.0.0.1'}],
	[
		'redis-cli-refused',
		{client: 'redis-cli', outcome: 'refused', host: '127.0.0.1', port: 5999},
	],
	['redis-cli-default', {client: 'redis-cli', outcome: 'refused', port: 6379}],
	[
		'redis-cli-dns',
		{client: 'redis-cli', outcome: 'dns-failure', host: 'nosuch.invalid'},
	],
	[
		'ssh-refused',
		{client: 'ssh', outcome: 'refused', host: '127.0.0.1', port: 5999},
	],
	[
		'ssh-default',
		{client: 'ssh', outcome: 'refused', port: 22, portFrom: 'message'},
	],
	['ssh-timeout', {client: 'ssh', outcome: 'timeout', port: 5998}],
	['ssh-no-route', {client: 'ssh', outcome: 'unreachable', host: '10.99.0.1'}],
	[
		'ssh-dns',
		{client: 'ssh', outcome: 'dns-failure', port: 22, portFrom: 'default'},
	],
	[
		'nc-refused',
		{client: 'nc', outcome: 'refused', host: '127.0.0.1', port: 5999},
	],
	[
		'nc-localhost',
		{
			client: 'nc',
			outcome: 'refused',
			host: 'localhost',
			addresses: ['::1', '127.0.0.1'],
		},
	],
	['nc-timeout', {client: 'nc', outcome: 'timeout', port: 5998}],
	['nc-dns', {client: 'nc', outcome: 'dns-failure', port: 5999}],
	[
		'kubectl-default',
		{
			client: 'kubectl',
			outcome: 'refused',
			host: 'localhost',
			port: 8080,
			addresses: ['::1'],
		},
	],
	[
		'kubectl-server',
		{client: 'kubectl', outcome: 'refused', host: '127.0.0.1', port: 5999},
	],
	[
		'kubectl-timeout',
		{client: 'kubectl', outcome: 'timeout', host: '127.0.0.1', port: 5998},
	],
	[
		'kubectl-no-route',
		{client: 'kubectl', outcome: 'unreachable', host: '10.99.0.1'},
	],
	['docker-tcp', {client: 'docker', host: '127.0.0.1', port: 5999}],
	// Docker's "error during connect" is Go's own dial error.
	[
		'docker-no-route',
		{client: 'go', outcome: 'unreachable', host: '10.99.0.1', port: 5999},
	],
];

describe('decodeError on messages the real clients printed', () => {
	test.each(cases)('%s', (name, expected) => {
		const decoded = decodeError(fixture(name));
		expect(decoded.kind).toBe('tcp');
		expect(decoded).toMatchObject(expected);
		if (decoded.kind === 'tcp') {
			// What decided is one real line of the message.
			expect(fixture(name)).toContain(decoded.line);
			if (!('outcome' in expected)) {
				// Curl 7.88's "Couldn't connect to server" says nothing about why: never guessed.
				expect(decoded.outcome).toBeUndefined();
			}
		}
	});

	test.each([
		['docker-unix', 'docker', 'unix:///run/refused-capture/docker.sock'],
		['psql-socket', 'psql', '/run/refused-capture/.s.PGSQL.5432'],
		['mysql-socket', 'mysql', '/run/refused-capture/mysqld.sock'],
		['redis-cli-socket', 'redis-cli', '/run/refused-capture/redis.sock'],
	])(
		'%s is a unix socket, not TCP: no target, and it says so',
		(name, client, path) => {
			const decoded = decodeError(fixture(name));
			expect(decoded).toMatchObject({kind: 'unix', client, path});
			const target = reportedTarget(decoded);
			expect(target).toMatchObject({missing: 'unix'});
			expect('error' in target && target.error).toMatch(
				/unix socket .* not a TCP connection/,
			);
		},
	);

	test('every client in the fixtures is decoded (no capture left untested)', () => {
		const captured = (
			JSON.parse(
				readFileSync(
					new URL('../fixtures/errors/captures.json', import.meta.url),
					'utf8',
				),
			) as Array<{file: string}>
		).map(c => c.file.replace(/\.txt$/, ''));
		const tested = new Set([
			...cases.map(([name]) => name),
			'docker-unix',
			'psql-socket',
			'mysql-socket',
			'redis-cli-socket',
			'curl-credentials',
			'wget-credentials',
			'psql-credentials',
			'redis-cli-credentials',
			'python-requests-credentials',
		]);
		expect(captured.filter(name => !tested.has(name))).toEqual([]);
	});
});

describe('credentials in pasted text never come out', () => {
	test.each([
		'curl-credentials',
		'psql-credentials',
		'redis-cli-credentials',
		'python-requests-credentials',
		'wget-credentials',
	])('%s', name => {
		const text = fixture(name);
		const decoded = decodeError(text);
		const target = reportedTarget(decoded);
		const shown = JSON.stringify([decoded, target]);
		expect(shown).not.toContain('s3cret-pw');
		expect(shown).not.toContain('hunter2');
		expect(redactText(text)).not.toMatch(/s3cret-pw|hunter2/);
		expect('error' in target).toBe(false);
	});

	test('redaction keeps the host (the last @ of the authority) and redacts credential parameters', () => {
		expect(
			redactText(
				'see http://john@corp.example:Secret1@proxy:3128/x?password=p1&a=2 now',
			),
		).toBe('see http://***@proxy:3128/x?password=***&a=2 now');
	});
});

describe('reportedTarget and targetOrMessage', () => {
	test('a Node error on ::1 walks ::1 (the address the client dialed first)', () => {
		const target = reportedTarget(decodeError(fixture('node-localhost')));
		expect(target).toMatchObject({
			host: '::1',
			port: 5999,
			input: '[::1]:5999',
			reported: {
				client: 'node',
				outcome: 'refused',
				addresses: ['::1', '127.0.0.1'],
			},
		});
	});

	test('a message that names no target asks for one; a target typed with it wins', () => {
		const decoded = decodeError(fixture('python-socket-refused'));
		expect(reportedTarget(decoded)).toMatchObject({missing: 'target'});
		const typed: Target = {input: 'db:5432', host: 'db', port: 5432};
		expect(reportedTarget(decoded, typed)).toMatchObject({
			host: 'db',
			port: 5432,
			reported: {
				client: 'python-socket',
				outcome: 'refused',
				portFrom: 'typed',
			},
		});
	});

	test('text that is no known message lists the formats', () => {
		const decoded = decodeError('something went wrong, please try later');
		expect(decoded).toEqual({kind: 'unknown'});
		const target = reportedTarget(decoded);
		expect('error' in target && target.error).toContain(knownFormats[0]);
		expect('error' in target && target.error).toContain('kubectl');
	});

	test('the prompt takes a target or a message', () => {
		expect(targetOrMessage('localhost:5432')).toMatchObject({
			host: 'localhost',
			port: 5432,
		});
		expect(targetOrMessage('localhost:5432')).not.toHaveProperty('reported');
		expect(targetOrMessage(fixture('ssh-refused'))).toMatchObject({
			host: '127.0.0.1',
			port: 5999,
			reported: {client: 'ssh'},
		});
		expect(targetOrMessage('localhost')).toMatchObject({
			error: expect.stringMatching(/has no port.*paste the error message/),
		});
		expect(targetOrMessage('it does not work at all')).toMatchObject({
			error: expect.stringContaining('Known formats'),
		});
	});

	test('terminal escapes in a paste are removed before anything is decoded or shown', () => {
		const decoded = decodeError(
			`\u001B]52;c;ZXZpbA==\u0007${fixture('nc-refused')}`,
		);
		expect(JSON.stringify(decoded)).not.toMatch(/\\u001b|zxzpba/i);
	});
});

describe('judgeReported: what the client saw against the probe now', () => {
	const probeOf = (
		outcome: AddressProbe['outcome'],
		address = '127.0.0.1',
	): AddressProbe => ({
		address,
		family: address.includes(':') ? 6 : 4,
		source: 'literal',
		outcome,
		ms: 1,
		code: outcome === 'refused' ? 'ECONNREFUSED' : 'ETIMEDOUT',
	});
	const input = (target: Target, facts: Facts): JudgeInput => ({
		target,
		facts,
		answers: {},
		timeoutMs: 3000,
		uid: 0,
	});
	const from = (name: string) => {
		const target = reportedTarget(decodeError(fixture(name)));
		if ('error' in target) {
			throw new Error(target.error);
		}

		return target;
	};

	const withProbe = (target: Target, probes: AddressProbe[]): Facts => ({
		target,
		resolution: {ok: true, addresses: probes},
		probe: {
			outcome: probes[0]!.outcome,
			address: probes[0]!.address,
			ms: 1,
			addresses: probes,
		},
	});

	test('a timeout then, refused now: the situation changed', () => {
		const target = from('nc-timeout');
		const result = judgeReported(
			{},
			input(target, withProbe(target, [probeOf('refused')])),
		);
		expect(result.status).toBe('problem');
		expect(result.detail).toBe(
			'the client saw a timeout; now it is refused: the situation changed (127.0.0.1:5998)',
		);
		expect(result.facts?.reported).toEqual({
			now: 'refused',
			address: '127.0.0.1',
			changed: true,
		});
	});

	test('refused then and now: the same situation', () => {
		const target = from('psql-refused');
		const result = judgeReported(
			{},
			input(target, withProbe(target, [probeOf('refused')])),
		);
		expect(result.status).toBe('passed');
		expect(result.facts?.reported?.changed).toBe(false);
	});

	test('the probe compared is the one of the address the client dialed first', () => {
		const target = from('kubectl-default');
		const result = judgeReported(
			{},
			input(
				target,
				withProbe(target, [
					probeOf('open', '127.0.0.1'),
					probeOf('refused', '::1'),
				]),
			),
		);
		expect(result.detail).toContain('now it is refused too ([::1]:8080)');
		expect(result.output).toContain(
			'the client dialed ::1 first; this host dials 127.0.0.1 first for localhost',
		);
	});

	test('curl\'s "Couldn\'t connect" is not compared: could not tell, and how to see it', () => {
		const target = from('curl-refused');
		const result = judgeReported(
			{},
			input(target, withProbe(target, [probeOf('refused')])),
		);
		expect(result.status).toBe('unknown');
		expect(result.output?.join('\n')).toContain('curl -v');
	});

	test('nothing probed: unknown, never a clean result', () => {
		const target = from('ssh-refused');
		const result = judgeReported({}, input(target, {target}));
		expect(result.status).toBe('unknown');
		expect(result.detail).toContain('nc -vz 127.0.0.1 5999');
	});

	test('a port the message did not name is said to be the default', () => {
		const target = from('psql-dns');
		const result = judgeReported(
			{},
			input(target, {
				target,
				resolution: {ok: false, code: 'ENOTFOUND', message: 'not found'},
			}),
		);
		expect(result.status).toBe('passed');
		expect(result.output?.join('\n')).toContain("5432 is psql's default");
	});
});
