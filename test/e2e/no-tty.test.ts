import {existsSync} from 'node:fs';
import net from 'node:net';
import process from 'node:process';
import * as pty from '@lydell/node-pty';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {cliPath, closedPort} from '../helpers/cli.js';

const env = () => {
	const copy: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (value !== undefined && name !== 'CI') {
			copy[name] = value;
		}
	}

	return copy;
};

describe('without a terminal, the CLI prints the report instead of the app', () => {
	let server: net.Server;
	let openPort: number;
	beforeAll(async () => {
		expect(
			existsSync(cliPath),
			'dist/cli.js is missing: run npm run build first',
		).toBe(true);
		server = net.createServer(socket => socket.end());
		await new Promise<void>(resolve => {
			server.listen(0, '127.0.0.1', resolve);
		});
		openPort = (server.address() as net.AddressInfo).port;
	});
	afterAll(async () => {
		await new Promise(resolve => {
			server.close(resolve);
		});
	});

	test('echo | refused HOST:PORT prints the markdown report of a refused port and exits 1', async () => {
		const port = await closedPort();
		const result = await execa(
			process.execPath,
			[cliPath, `127.0.0.1:${port}`],
			{
				input: '\n',
				reject: false,
				timeout: 60_000,
				env: env(),
				extendEnv: false,
			},
		);
		expect(result.stderr).not.toMatch(/raw mode/i);
		expect(result.exitCode).toBe(1);
		expect(result.stdout.startsWith(`# refused: 127.0.0.1:${port}\n`)).toBe(
			true,
		);
		expect(result.stdout).toContain(
			`| \`127.0.0.1\` | IPv4 | literal | refused |`,
		);
		expect(result.stdout).toContain('## Steps');
		expect(result.stdout).not.toContain('\u001B[');
	});

	test('an open port: the report says nothing is wrong, exit 0', async () => {
		const result = await execa(
			process.execPath,
			[cliPath, `127.0.0.1:${openPort}`],
			{
				input: '\n',
				reject: false,
				timeout: 60_000,
				env: env(),
				extendEnv: false,
			},
		);
		expect(result.exitCode, result.stdout + result.stderr).toBe(0);
		expect(result.stdout).toContain('Nothing is wrong');
	});

	test('stdout a terminal but stdin a pipe (echo | refused in a shell): the report, no crash', async () => {
		const port = await closedPort();
		const shell = pty.spawn(
			'bash',
			[
				'--norc',
				'--noprofile',
				'-c',
				`echo | node ${cliPath} 127.0.0.1:${port}; echo "EXIT=$?"`,
			],
			{
				cols: 80,
				rows: 24,
				cwd: process.cwd(),
				env: {...env(), TERM: 'xterm-256color'},
			},
		);
		let output = '';
		// Done when the shell printed the exit code: the pty may report its exit before the last bytes are read.
		await new Promise<void>(resolve => {
			shell.onData(data => {
				output += data;
				if (/EXIT=\d/.test(output)) {
					resolve();
				}
			});
		});
		shell.kill();
		expect(output).toContain(`# refused: 127.0.0.1:${port}`);
		expect(output).toMatch(/EXIT=1/);
		expect(output).not.toMatch(/raw mode/i);
	});
});

describe('refused --tree', () => {
	test('without a target: the whole decision tree as a chart within 80 columns, exit 0', async () => {
		const result = await execa(process.execPath, [cliPath, '--tree'], {
			reject: false,
			env: env(),
			extendEnv: false,
		});
		expect(result.exitCode).toBe(0);
		expect(result.stdout.startsWith('refused: the decision tree\n')).toBe(true);
		expect(result.stdout).toContain('TARGET\n├─ environment: Where this runs');
		expect(result.stdout).toContain('? proxy: Is there a reverse proxy');
		for (const line of result.stdout.split('\n')) {
			expect([...line].length, line).toBeLessThanOrEqual(80);
		}
	});

	test('with a target: the path of this diagnosis marked on it, exit 1 for a refusal', async () => {
		const port = await closedPort();
		const result = await execa(
			process.execPath,
			[cliPath, '--tree', `127.0.0.1:${port}`],
			{reject: false, timeout: 60_000, env: env(), extendEnv: false},
		);
		expect(result.exitCode).toBe(1);
		expect(result.stdout).toContain(`» 127.0.0.1:${port}\n`);
		expect(result.stdout).toContain('» ├─ probe: Connect to each address');
		expect(result.stdout).toMatch(/» {4}│ {2}├─ bind: /);
		expect(result.stdout).toMatch(/\(this diagnosis\)/);
		for (const line of result.stdout.split('\n')) {
			expect([...line].length, line).toBeLessThanOrEqual(80);
		}
	});
});
