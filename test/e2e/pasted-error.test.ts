/**
The pasted error (refused --error) on messages the real clients print at test run time, in a
private network namespace: 127.0.0.1:5999 closed, 127.0.0.1:5998 dropped, 10.99.0.1 unroutable,
names unresolvable (scripts/capture-errors.mjs, the same captures as test/fixtures/errors).
*/
import {execFileSync} from 'node:child_process';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {
	captureAll,
	prepareNamespace,
	runIn,
	// @ts-expect-error: a plain ES module script, no types.
} from '../../scripts/capture-errors.mjs';
import {cliPath, runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';

type Capture = {
	client: string;
	name: string;
	text: string;
	transcript?: boolean;
};

/** What each capture must decode to: the target, and what the client saw (null: its message does not say). */
const expected: Record<
	string,
	{
		host?: string;
		port?: number;
		outcome?: string | null;
		unix?: boolean;
		changed?: boolean;
	}
> = {
	'curl-refused': {host: '127.0.0.1', port: 5999, outcome: null},
	'curl-localhost': {host: 'localhost', port: 5999, outcome: null},
	'curl-verbose': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'curl-timeout': {host: '127.0.0.1', port: 5998, outcome: 'timeout'},
	'curl-no-route': {host: '10.99.0.1', port: 5999, outcome: null},
	'wget-refused': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'wget-localhost': {host: 'localhost', port: 5999, outcome: 'refused'},
	'wget-timeout': {host: '127.0.0.1', port: 5998, outcome: 'timeout'},
	'wget-dns': {host: 'nosuch.invalid', port: 5999, outcome: 'dns-failure'},
	'node-refused': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'node-ipv6': {host: '::1', port: 5999, outcome: 'refused'},
	'node-localhost': {host: '::1', port: 5999, outcome: 'refused'},
	'node-timeout': {host: '127.0.0.1', port: 5998, outcome: 'timeout'},
	'node-no-route': {host: '10.99.0.1', port: 5999, outcome: 'unreachable'},
	'python-requests-refused': {
		host: '127.0.0.1',
		port: 5999,
		outcome: 'refused',
	},
	'python-requests-timeout': {
		host: '127.0.0.1',
		port: 5998,
		outcome: 'timeout',
	},
	'python-requests-dns': {
		host: 'nosuch.invalid',
		port: 5999,
		outcome: 'dns-failure',
	},
	'psql-refused': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'psql-localhost': {host: 'localhost', port: 5432, outcome: 'refused'},
	'psql-timeout': {host: '127.0.0.1', port: 5998, outcome: 'timeout'},
	'psql-dns': {host: 'nosuch.invalid', port: 5432, outcome: 'dns-failure'},
	'psql-socket': {unix: true},
	'mysql-default': {host: '127.0.0.1', port: 3306, outcome: 'refused'},
	'mysql-socket': {unix: true},
	'redis-cli-refused': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'redis-cli-default': {host: '127.0.0.1', port: 6379, outcome: 'refused'},
	'redis-cli-dns': {host: 'nosuch.invalid', port: 6379, outcome: 'dns-failure'},
	'redis-cli-socket': {unix: true},
	'ssh-refused': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'ssh-default': {host: '127.0.0.1', port: 22, outcome: 'refused'},
	'ssh-timeout': {host: '127.0.0.1', port: 5998, outcome: 'timeout'},
	'ssh-dns': {host: 'nosuch.invalid', port: 22, outcome: 'dns-failure'},
	'ssh-no-route': {host: '10.99.0.1', port: 5999, outcome: 'unreachable'},
	'nc-refused': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'nc-localhost': {host: 'localhost', port: 5999, outcome: 'refused'},
	'nc-timeout': {host: '127.0.0.1', port: 5998, outcome: 'timeout'},
	'nc-dns': {host: 'nosuch.invalid', port: 5999, outcome: 'dns-failure'},
	'kubectl-default': {host: 'localhost', port: 8080, outcome: 'refused'},
	'kubectl-server': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'kubectl-timeout': {host: '127.0.0.1', port: 5998, outcome: 'timeout'},
	'kubectl-no-route': {host: '10.99.0.1', port: 5999, outcome: 'unreachable'},
	'docker-tcp': {host: '127.0.0.1', port: 5999, outcome: null},
	'docker-no-route': {host: '10.99.0.1', port: 5999, outcome: 'unreachable'},
	'docker-unix': {unix: true},
	'curl-credentials': {host: '127.0.0.1', port: 5999, outcome: null},
	'psql-credentials': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'redis-cli-credentials': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'python-requests-credentials': {
		host: '127.0.0.1',
		port: 5999,
		outcome: 'refused',
	},
	'wget-credentials': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'java-dns': {},
	'java-refused': {},
	'java-timeout': {},
	'python-urllib3-refused': {host: '127.0.0.1', port: 5999, outcome: 'refused'},
	'python-socket-refused': {},
	'python-socket-timeout': {},
	'python-socket-dns': {},
	'node-fetch-localhost': {},
	'curl-dns': {},
	'mysql-refused': {host: '127.0.0.1', port: 3306, outcome: 'refused'},
	// MariaDB's message names no port: its default 3306 is walked (and said to be the default), and
	// there a connection is refused, not dropped: the step says the situation differs.
	'mysql-timeout': {
		host: '127.0.0.1',
		port: 3306,
		outcome: 'timeout',
		changed: true,
	},
	'node-dns': {},
};

/** Run refused in the namespace with the message on stdin (--error -). */
async function pasted(
	ns: Netns,
	text: string,
	args: readonly string[] = [],
): Promise<{
	exitCode: number | undefined;
	stdout: string;
	stderr: string;
	report?: any;
}> {
	const result = await ns.exec(
		process.execPath,
		[cliPath, '--error', '-', '--timeout', '1s', '--json', ...args],
		{input: text, timeout: 60_000},
	);
	let report;
	try {
		report = JSON.parse(String(result.stdout));
	} catch {}

	return {
		exitCode: result.exitCode,
		stdout: String(result.stdout),
		stderr: String(result.stderr),
		report,
	};
}

let ns: Netns;
let captures: Capture[] = [];
let missing: string[] = [];

beforeAll(async () => {
	ns = await createNetns();
	prepareNamespace(ns.name);
	({captures, missing} = captureAll({netns: ns.name}) as {
		captures: Capture[];
		missing: string[];
	});
}, 300_000);

afterAll(async () => {
	await ns?.cleanup();
});

describe('messages printed by the real clients now, in the namespace', () => {
	test('every client the tests install is there (none skipped quietly)', () => {
		expect(missing).toEqual([]);
		expect(captures.length).toBeGreaterThanOrEqual(55);
		expect(Object.keys(expected).toSorted()).toEqual(
			captures.map(c => `${c.client}-${c.name}`).toSorted(),
		);
	});

	test('each decodes to the target the client dialed and what it saw; the walk compares it with now', async () => {
		const failures: string[] = [];
		const queue = [...captures];
		const worker = async () => {
			for (let capture = queue.shift(); capture; capture = queue.shift()) {
				const id = `${capture.client}-${capture.name}`;
				const want = expected[id];
				if (!want) {
					failures.push(`${id}: no expectation`);
					continue;
				}

				const result = await pasted(ns, capture.text);
				const all = result.stdout + result.stderr;
				if (/s3cret-pw|hunter2/.test(all)) {
					failures.push(`${id}: a credential was printed`);
				}

				if (want.unix) {
					if (result.exitCode !== 2 || !result.stderr.includes('unix socket')) {
						failures.push(
							`${id}: expected exit 2 and "unix socket", got ${result.exitCode}: ${result.stderr}`,
						);
					}

					continue;
				}

				if (want.host === undefined) {
					// The message names no host or port: exit 2, saying what to add.
					if (
						result.exitCode !== 2 ||
						!result.stderr.includes('give the target with it')
					) {
						failures.push(
							`${id}: expected exit 2 asking for the target, got ${result.exitCode}: ${result.stderr}`,
						);
					}

					continue;
				}

				const report = result.report;
				const got = {
					host: report?.target.host,
					port: report?.target.port,
					outcome: report?.reported?.outcome,
				};
				if (
					result.exitCode !== 1 ||
					JSON.stringify(got) !==
						JSON.stringify({
							host: want.host,
							port: want.port,
							outcome: want.outcome,
						})
				) {
					failures.push(
						`${id}: got exit ${result.exitCode} ${JSON.stringify(got)}, want ${JSON.stringify(want)}; ${result.stderr}`,
					);
					continue;
				}

				const schema = schemaErrors(report);
				if (schema.length > 0) {
					failures.push(`${id}: schema: ${schema.join('; ')}`);
				}

				// Same namespace, same state: what the client saw is what the probe gets now.
				if (
					want.outcome !== null &&
					report.reported.changed !== (want.changed ?? false)
				) {
					failures.push(
						`${id}: expected no change, got now=${report.reported.now}`,
					);
				}
			}
		};

		await Promise.all([worker(), worker(), worker()]);
		expect(failures).toEqual([]);
	}, 600_000);
});

describe('what the message reveals is used', () => {
	test('Node on ::1 with a server on 127.0.0.1: the family mismatch at once', async () => {
		const server = await ns.listen('127.0.0.1', 5432);
		try {
			const {text} = runIn(ns.name, [
				'node',
				'-e',
				"require('node:net').connect(5432, '::1')",
			]) as {text: string};
			expect(text).toContain('connect ECONNREFUSED ::1:5432');
			const result = await pasted(ns, text);
			expect(result.report?.target).toMatchObject({host: '::1', port: 5432});
			expect(result.report?.causes[0]?.id).toBe('address-family-mismatch');
			expect(result.report?.causes[0]?.confidence).toBe('confirmed');
			expect(result.report?.reported).toMatchObject({
				client: 'node',
				outcome: 'refused',
				now: 'refused',
				changed: false,
			});
		} finally {
			server.kill();
		}
	});

	test('a timeout then, refused now: "the situation changed", in the report and the markdown', async () => {
		const {text} = runIn(
			ns.name,
			['nc', '-vz', '-w', '2', '127.0.0.1', '5997'],
			{},
		) as {text: string};
		// Nothing drops 5997: nc saw a refusal. Make the client's view a timeout for real instead: drop, capture, undrop.
		expect(text).toContain('Connection refused');
		const rule = ['INPUT', '-p', 'tcp', '--dport', '5997', '-j', 'DROP'];
		execFileSync('ip', ['netns', 'exec', ns.name, 'iptables', '-A', ...rule]);
		const dropped = runIn(ns.name, [
			'nc',
			'-vz',
			'-w',
			'2',
			'127.0.0.1',
			'5997',
		]) as {text: string};
		execFileSync('ip', ['netns', 'exec', ns.name, 'iptables', '-D', ...rule]);
		expect(dropped.text).toContain('timed out');
		const json = await pasted(ns, dropped.text);
		expect(json.report?.reported).toMatchObject({
			outcome: 'timeout',
			now: 'refused',
			changed: true,
		});
		const step = json.report?.steps.find(
			(s: {id: string}) => s.id === 'pasted',
		);
		expect(step).toMatchObject({
			status: 'problem',
			detail:
				'the client saw a timeout; now it is refused: the situation changed (127.0.0.1:5997)',
		});
		const markdown = await ns.exec(
			process.execPath,
			[cliPath, '--error', dropped.text, '--timeout', '1s', '--markdown'],
			{timeout: 60_000},
		);
		expect(String(markdown.stdout)).toContain(
			'the client saw a timeout; now it is refused: the situation changed',
		);
		expect(String(markdown.stdout)).toContain('**the situation changed**');
	});

	test('a message that names no target takes the target typed with it', async () => {
		const capture = captures.find(
			c => c.client === 'python-socket' && c.name === 'refused',
		)!;
		const result = await pasted(ns, capture.text, ['127.0.0.1:5999']);
		expect(result.exitCode).toBe(1);
		expect(result.report?.reported).toMatchObject({
			client: 'python-socket',
			outcome: 'refused',
			portFrom: 'typed',
			now: 'refused',
		});
	});

	test('text that is no known message: exit 2 with the known formats', async () => {
		const result = await pasted(ns, 'it does not work, help');
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain('Known formats');
		expect(result.stderr).toContain('kubectl');
		expect(result.stdout).toBe('');
	});
});

describe('--error without a namespace', () => {
	test('--error TEXT with a credential URL in a transcript: the secret never appears', async () => {
		const capture = captures.find(
			c => c.client === 'curl' && c.name === 'credentials',
		)!;
		const result = await runJson([
			'--error',
			capture.text,
			'--timeout',
			'500ms',
		]);
		expect(capture.text).toContain('s3cret-pw');
		expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
		expect(result.report?.reported?.client).toBe('curl');
	});
});
