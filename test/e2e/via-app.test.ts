/**
The app's fork "look at the server over SSH?", end to end: the built CLI in an 80x24 pseudo-terminal
(xterm headless renders the screen) in the client namespace of the real OpenSSH lab
(test/helpers/sshd.ts), started without --via on a port of the server that refuses. The walk ends on
a refusal from another host; the fork offers "Yes: ssh SERVER"; enter runs the server's side over
the user's own ssh (BatchMode) and the card shows the joined cause with the server's evidence;
`b` goes back. A wrong host key is a one-line failure with the command to run in the terminal.
*/
import process from 'node:process';
import * as pty from '@lydell/node-pty';
import {execa} from 'execa';
import xterm from '@xterm/headless';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {cliPath} from '../helpers/cli.js';
import {createSshLab, type SshLab} from '../helpers/sshd.js';

const {Terminal} = xterm;

let lab: SshLab;

beforeAll(async () => {
	lab = await createSshLab();
});

afterAll(async () => {
	await lab?.cleanup();
});

type Screen = {
	readonly text: () => Promise<string>;
	readonly waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
	readonly press: (keys: string) => void;
	readonly exited: Promise<number>;
};

/** The app in a pty inside the client namespace (whose /etc/passwd gives root the lab's ~/.ssh). */
function startApp(args: readonly string[]): Screen {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (
			value !== undefined &&
			!['CI', 'FORCE_COLOR', 'NO_COLOR'].includes(name)
		) {
			env[name] = value;
		}
	}

	const terminal = new Terminal({cols: 80, rows: 24, allowProposedApi: true});
	const app = pty.spawn(
		'ip',
		['netns', 'exec', lab.client, process.execPath, cliPath, ...args],
		{
			cols: 80,
			rows: 24,
			env: {
				...env,
				HOME: lab.clientHome,
				TERM: 'xterm-256color',
				LANG: 'C.UTF-8',
			},
		},
	);
	let pending = Promise.resolve();
	app.onData(data => {
		pending = pending.then(
			async () =>
				new Promise<void>(resolve => {
					terminal.write(data, resolve);
				}),
		);
	});
	const exited = new Promise<number>(resolve => {
		app.onExit(({exitCode}) => {
			resolve(exitCode);
		});
	});
	const text = async () => {
		await pending;
		const buffer = terminal.buffer.active;
		return Array.from(
			{length: 24},
			(_, row) =>
				buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '',
		).join('\n');
	};

	return {
		text,
		async waitFor(pattern, timeoutMs = 60_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const screen = await text();
				if (pattern.test(screen)) {
					return screen;
				}

				if (Date.now() > deadline) {
					app.kill();
					throw new Error(
						`timed out waiting for ${String(pattern)}; the screen was:\n${screen}`,
					);
				}

				await new Promise(resolve => {
					setTimeout(resolve, 50);
				});
			}
		},
		press(keys) {
			app.write(keys);
		},
		exited,
	};
}

describe('the app offers to look at the server over SSH', () => {
	const port = 5432;
	const stops: Array<() => void> = [];
	afterEach(() => {
		for (const stop of stops.splice(0)) {
			stop();
		}

		lab.writeKnownHosts();
	});

	test('a server on its loopback only: yes runs the server side over ssh, the cause is loopback-only confirmed with its evidence; b goes back', async () => {
		const listener = await lab.ns.listen('127.0.0.1', port);
		stops.push(() => listener.kill());
		const before = lab.connections();
		const files = lab.snapshot();
		const app = startApp([
			`${lab.server}:${port}`,
			'--timeout',
			'1s',
			'--answer',
			'proxy=no',
		]);
		const asked = await app.waitFor(/Look at the server over SSH\?/);
		expect(asked).toContain(
			"Why I ask: the server's listeners, firewall and logs can only be",
		);
		expect(asked).toContain(`1. Yes: ssh ${lab.server}`);
		expect(asked).not.toContain('(confirmed)');
		expect(lab.connections().tcp).toBe(before.tcp);

		app.press('\r');
		const joined = await app.waitFor(/Cause: loopback-only \(confirmed\)/);
		expect(joined).toMatch(/server +on root@\S+: /);
		expect(joined).toMatch(/│ from this host: connect \S+:5432: refused/);
		expect(joined).toMatch(
			/✖ bind +node \(pid \d+\) listens on 127\.0\.0\.1:5432 only/,
		);
		expect(joined).toMatch(/On \S+: /);
		expect(lab.connections().tcp - before.tcp).toBe(1);
		expect(lab.snapshot()).toEqual(files);

		app.press('b');
		const back = await app.waitFor(/Back: your answer "Yes: ssh /);
		expect(back).not.toContain('loopback-only (confirmed)');
		expect(back).toContain('Look at the server over SSH?');

		app.press('q');
		expect(await app.exited).toBe(1);
	}, 120_000);

	test('a wrong host key: one line from ssh at the branch, and the --via command to run in the terminal', async () => {
		lab.writeKnownHosts(
			`${lab.server} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBQ9jX6Tt4q1D2Kk0b9lWc3dB0gkqj0s0b4n8mIh5z7P\n`,
		);
		const app = startApp([
			`${lab.server}:${port}`,
			'--timeout',
			'1s',
			'--answer',
			'proxy=no',
		]);
		await app.waitFor(/Look at the server over SSH\?/);
		app.press('1');
		const failed = await app.waitFor(/server +ssh \S+: /);
		expect(failed).toMatch(/host key/i);
		expect(failed).toContain(`--via ${lab.server}`);
		expect(failed).not.toContain('(confirmed)');
		app.press('q');
		expect(await app.exited).toBe(1);
	}, 120_000);
	test('q while the server side runs: the app exits and leaves no ssh behind', async () => {
		const listener = await lab.ns.listen('127.0.0.1', port);
		stops.push(() => listener.kill());
		const app = startApp([
			`${lab.server}:${port}`,
			'--timeout',
			'1s',
			'--answer',
			'proxy=no',
		]);
		await app.waitFor(/Look at the server over SSH\?/);
		app.press('\r');
		await app.waitFor(/BatchMode/);
		app.press('q');
		expect(await app.exited).toBe(1);
		const sshLeft = async () => {
			const {stdout} = await execa('ps', ['-eo', 'args'], {reject: false});
			return String(stdout)
				.split('\n')
				.filter(line => /^\S*ssh /.test(line) && line.includes(lab.server));
		};

		const deadline = Date.now() + 10_000;
		let left = await sshLeft();
		while (left.length > 0 && Date.now() < deadline) {
			await new Promise(resolve => {
				setTimeout(resolve, 100);
			});
			left = await sshLeft();
		}

		expect(left).toEqual([]);
	}, 120_000);
});
