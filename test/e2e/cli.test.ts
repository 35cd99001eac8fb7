import {readFileSync} from 'node:fs';
import net from 'node:net';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {helpText} from '../../source/help.js';
import {cliPath, closedPort, runJson} from '../helpers/cli.js';
import {schemaErrors} from '../helpers/schema.js';

const cli = async (args: string[], env: Record<string, string> = {}) =>
	execa(process.execPath, [cliPath, ...args], {
		reject: false,
		timeout: 60_000,
		stdin: 'ignore',
		env,
	});

describe('the built CLI', () => {
	let server: net.Server;
	const sockets = new Set<net.Socket>();
	let openPort: number;
	beforeAll(async () => {
		server = net.createServer(socket => {
			sockets.add(socket);
			socket.on('error', () => {});
			socket.end('hello\n');
		});
		await new Promise<void>(resolve => {
			server.listen(0, '127.0.0.1', resolve);
		});
		openPort = (server.address() as net.AddressInfo).port;
	});
	afterAll(async () => {
		for (const socket of sockets) {
			socket.destroy();
		}

		await new Promise(resolve => {
			server.close(resolve);
		});
	});

	test('--help prints the usage, the same text the README shows', async () => {
		const result = await cli(['--help']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toContain('$ refused TARGET [options]');
		expect(result.stdout).toContain('container=yes|no');
		expect(result.stdout).toContain('proxy=yes|no');
		expect(result.stdout.trim()).toContain(helpText.trim());
	});

	test("the README's usage block is exactly --help", async () => {
		const readme = readFileSync(
			new URL('../../README.md', import.meta.url),
			'utf8',
		);
		const block = /<!-- usage -->\n```\n([\s\S]*?)\n```\n<!-- \/usage -->/.exec(
			readme,
		)?.[1];
		const result = await cli(['--help']);
		expect(block).toBe(result.stdout.replace(/\n+$/, ''));
	});

	test('--version prints the package version', async () => {
		const result = await cli(['--version']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
	});

	test('a closed port on 127.0.0.1 is refused: exit 1, valid report', async () => {
		const port = await closedPort();
		const {exitCode, report} = await runJson([`127.0.0.1:${port}`]);
		expect(exitCode).toBe(1);
		expect(report?.probe.outcome).toBe('refused');
		expect(report?.probe.addresses).toEqual([
			{
				address: '127.0.0.1',
				family: 4,
				source: 'literal',
				outcome: 'refused',
				ms: expect.any(Number),
			},
		]);
		expect(schemaErrors(report)).toEqual([]);
		expect(report?.exitCode).toBe(1);
	});

	test('an open port with no problem exits 0 and reports open', async () => {
		const {exitCode, report} = await runJson([`127.0.0.1:${openPort}`]);
		expect(report?.probe.outcome).toBe('open');
		expect(report?.causes).toEqual([]);
		expect(exitCode).toBe(0);
		expect(schemaErrors(report)).toEqual([]);
	});

	test.each([
		[['host:0'], /out of range/],
		[['host:99999'], /out of range/],
		[['host:abc'], /not a number/],
		[['gopherx://host'], /no default port/],
		[['evil;reboot:80'], /no host name can hold/],
		[['--timeout', 'soon', '127.0.0.1:1'], /not a duration/],
		[['--answer', 'color=blue', '127.0.0.1:1'], /unknown key "color"/],
		[['--answer', 'proxy=maybe', '127.0.0.1:1'], /must be one of yes, no/],
		[['--json'], /no target given/],
		// Issue 15, item 9:
		[['redis://%zz:1'], /malformed %-escape/],
		[['--answer', 'proxy=yes=no', '127.0.0.1:1'], /must be one of yes, no/],
		[
			['--answer', 'client=1.2.3.4=oops', '127.0.0.1:1'],
			/client takes the client's IP address/,
		],
		[
			['--answer', 'proxy=yes', '--answer', 'proxy=no', '127.0.0.1:1'],
			/proxy is answered twice/,
		],
		[['postgres://bob:p#w123@ho st/db'], /names no host and port/],
	])(
		'bad usage %j exits 2 with one line and no stack trace',
		async (args, message) => {
			const result = await cli([...args, '--json']);
			expect(result.exitCode).toBe(2);
			expect(result.stdout).toBe('');
			expect(result.stderr).toMatch(message);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr).not.toMatch(/\n\s+at /);
		},
	);

	test('control characters in a bad target are shown visibly on stderr, never raw', async () => {
		const result = await cli([
			'evil\u001B]52;c;ZXZpbA==\u0007host:80',
			'--json',
		]);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain(String.raw`evil\x1b]52;c;ZXZpbA==\x07host`);
		expect(result.stderr).not.toMatch(
			/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/,
		);
	});

	test('a password in a URL that cannot be read is not echoed on stderr', async () => {
		const result = await cli(['postgres://bob:p#w123@ho st/db', '--json']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).not.toContain('p#w123');
		expect(result.stderr).not.toContain('w123');
	});

	test('an internationalised name is accepted, as punycode', async () => {
		const {exitCode, report, stderr} = await runJson(['münchen.invalid:1']);
		expect(exitCode, stderr).toBe(1);
		expect(report?.target.host).toBe('xn--mnchen-3ya.invalid');
		expect(schemaErrors(report)).toEqual([]);
	});

	test('an unknown flag exits 2', async () => {
		const result = await cli(['--frobnicate', '127.0.0.1:1', '--json']);
		expect(result.exitCode).toBe(2);
	});

	test('an internal error exits 3 with one line and no stack trace', async () => {
		const result = await cli(['127.0.0.1:1', '--json'], {
			REFUSED_TEST_CRASH: '1',
		});
		expect(result.exitCode).toBe(3);
		expect(result.stderr.trim()).toBe(
			'refused: internal error: crash requested by REFUSED_TEST_CRASH',
		);
	});

	test('--answer is recorded in the report', async () => {
		const {report} = await runJson([
			`127.0.0.1:${openPort}`,
			'--answer',
			'proxy=no',
		]);
		expect(schemaErrors(report)).toEqual([]);
	});

	test('--timeout takes 3s, 3000ms or 3000', async () => {
		for (const value of ['2s', '500ms', '1500']) {
			const {exitCode} = await runJson([
				`127.0.0.1:${openPort}`,
				'--timeout',
				value,
			]);
			expect(exitCode).toBe(0);
		}
	});

	test('proxy-misroute: HTTP_PROXY names a dead proxy; its password never appears', async () => {
		const port = await closedPort();
		const {report, stdout, stderr} = await runJson(
			[`http://127.0.0.1:${openPort}/`],
			{
				env: {HTTP_PROXY: `http://user:hunter2@127.0.0.1:${port}`},
			},
		);
		expect(report?.causes[0]?.id).toBe('proxy-misroute');
		expect(report?.causes[0]?.confidence).toBe('confirmed');
		expect(report?.causes[0]?.evidence.join('\n')).toContain(
			`127.0.0.1:${port}`,
		);
		expect(report?.causes[0]?.fixes.map(f => f.command).join('\n')).toContain(
			'NO_PROXY',
		);
		expect(stdout + stderr).not.toContain('hunter2');
		expect(schemaErrors(report)).toEqual([]);
	});

	test('proxy variables exempted by NO_PROXY are not blamed', async () => {
		const port = await closedPort();
		const {report} = await runJson([`http://127.0.0.1:${openPort}/`], {
			env: {
				http_proxy: `http://127.0.0.1:${port}`,
				NO_PROXY: 'localhost,127.0.0.0/8',
			},
		});
		expect(report?.causes.map(c => c.id)).not.toContain('proxy-misroute');
		expect(report?.steps.find(s => s.id === 'proxy-env')?.detail).toContain(
			'exempts this host',
		);
	});
});
