/**
The app's fork "look at the server over SSH?" (issue 11): offered inline at the "another host"
branch when another host refused, never for a local refusal; "Yes" runs the server's side through
the hook (here an injected runner standing in for ssh: no second host in a unit test; the real
ssh path is test/e2e/via.test.ts), "No" runs nothing, `b` goes back. The refusal from another host
uses the fake Io (its connect answers ECONNREFUSED), the local one a real closed port on this host.
*/
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test} from 'vitest';
import {createIo} from '../../source/checks/io.js';
import type {
	LookAtServer,
	LookAtServerOptions,
} from '../../source/look-at-server.js';
import type {Report} from '../../source/report/model.js';
import type {Target} from '../../source/tree/facts.js';
import {App} from '../../source/ui/app.js';
import {closedPort} from '../helpers/cli.js';
import {createFakeIo, loopbackInterfaces} from '../helpers/fake-io.js';
import {
	keys,
	plain,
	press,
	renderApp,
	resize,
	waitFor,
} from '../helpers/ink.js';

const theme = {color: false, ascii: false};
const remote: Target = {
	input: '192.0.2.10:5432',
	host: '192.0.2.10',
	port: 5432,
};

type Call = {
	destination: string;
	client: Report;
	options: LookAtServerOptions;
	resolve: (report: Report) => void;
};

/** A server side that waits until the test answers for it, and records how it was called. */
function deferredServer(): {look: LookAtServer; calls: Call[]} {
	const calls: Call[] = [];
	const look: LookAtServer = async (destination, client, options) =>
		new Promise<Report>(resolve => {
			calls.push({destination, client, options, resolve});
		});
	return {look, calls};
}

/** What the join says when the server shows postgres on its loopback only (the shape of via/join.ts). */
function joined(client: Report): Report {
	const first = client.causes[0]!;
	return {
		...client,
		causes: [
			{
				...first,
				id: 'loopback-only',
				title: 'The service listens on loopback only',
				confidence: 'confirmed',
				summary: 'postgres listens on 127.0.0.1:5432 only, on db1',
				evidence: [
					'from this host: connect 192.0.2.10:5432: refused in 1 ms',
					'on db1: postgres (pid 812) listens on 127.0.0.1:5432 only',
				],
				fixes: [],
			},
			...client.causes,
		],
		server: {
			destination: '192.0.2.10',
			host: 'db1',
			user: 'root',
			privilege: 'root',
			verdict: 'the server names the cause: loopback-only',
			steps: [
				{
					id: 'listeners',
					title: 'Listening sockets',
					status: 'problem',
					detail: 'postgres listens on 127.0.0.1:5432 only',
				},
			],
			commands: 9,
		},
	};
}

afterEach(() => {
	cleanup();
});

async function remoteApp(look: LookAtServer) {
	const io = createFakeIo({interfaces: loopbackInterfaces, uid: 0});
	const app = await renderApp(
		<App
			timeoutMs={1000}
			theme={theme}
			io={io}
			target={remote}
			answers={{proxy: 'no'}}
			lookAtServer={look}
		/>,
	);
	await resize(app, 80, 24);
	return app;
}

describe('the fork "look at the server over SSH?"', () => {
	test('asked at the "another host" branch when another host refused; yes runs the server side and its cause replaces the possible ones; b goes back', async () => {
		const {look, calls} = deferredServer();
		const app = await remoteApp(look);
		const asked = await waitFor(app, /Look at the server over SSH\?/, 30_000);
		expect(asked).toMatch(/another host +taken/);
		expect(asked).toMatch(/via\? +Look at the server over SSH\?/);
		expect(asked).toContain(
			"Why I ask: the server's listeners, firewall and logs can only be read",
		);
		expect(asked).toMatch(/❯ 1\. Yes: ssh 192\.0\.2\.10/);
		expect(asked).toMatch(/2\. No/);
		const before = /Cause: (\S+) \((\w+)\)/.exec(asked)!;
		expect(before[2]).not.toBe('confirmed');

		await press(app, keys.enter);
		const running = await waitFor(app, /ssh 192\.0\.2\.10 \(BatchMode/);
		expect(running).toMatch(/Yes: ssh 192\.0\.2\.10 \(your answer\)/);
		expect(calls).toHaveLength(1);
		expect(calls[0]!.destination).toBe('192.0.2.10');
		expect(calls[0]!.client.target.host).toBe('192.0.2.10');
		expect(calls[0]!.client.probe.outcome).toBe('refused');
		expect(calls[0]!.options.answers).toEqual({proxy: 'no'});

		calls[0]!.resolve(joined(calls[0]!.client));
		const done = await waitFor(app, /Cause: loopback-only \(confirmed\)/);
		expect(done).toMatch(/server +on root@db1: the server names the cause/);
		expect(done).toContain('on db1: postgres (pid 812) listens');

		// The server's steps open in the detail pane like this host's.
		await press(app, keys.down, keys.enter);
		const detail = await waitFor(app, /Listening sockets \(on db1\)/);
		expect(detail).toContain('postgres listens on 127.0.0.1:5432 only');
		await press(app, keys.escape);

		await press(app, 'b');
		const back = await waitFor(app, /❯ 1\. Yes: ssh 192\.0\.2\.10/);
		expect(back).toContain(`Cause: ${before[1]!} (${before[2]!})`);
		expect(back).not.toContain('loopback-only (confirmed)');
		expect(back).toContain('Back: your answer "Yes: ssh 192.0.2.10"');
	}, 40_000);

	test('an SSH failure is one line at the branch, with the command to run in the terminal', async () => {
		const {look, calls} = deferredServer();
		const app = await remoteApp(look);
		await waitFor(app, /Look at the server over SSH\?/, 30_000);
		await press(app, '1');
		await waitFor(app, /BatchMode/);
		const client = calls[0]!.client;
		const message =
			'authentication failed: root@192.0.2.10: Permission denied (publickey,password)';
		calls[0]!.resolve({
			...client,
			server: {
				destination: '192.0.2.10',
				verdict: message,
				steps: [],
				commands: 0,
				error: {kind: 'auth', message},
			},
		});
		const failed = await waitFor(
			app,
			/server +ssh 192\.0\.2\.10: authentication/,
		);
		// The card keeps this host's possible causes: nothing was measured on the server.
		expect(failed).toContain(`Cause: ${client.causes[0]!.id}`);
		expect(failed).toMatch(/refused 192\.0\.2\.10:5432 --via 192\.0\.2\.10/);
	}, 40_000);

	test('no runs nothing and says so; b asks again', async () => {
		const {look, calls} = deferredServer();
		const app = await remoteApp(look);
		await waitFor(app, /Look at the server over SSH\?/, 30_000);
		await press(app, keys.down, keys.enter);
		const frame = await waitFor(app, /via\? +No \(your answer\)/);
		expect(frame).not.toContain('BatchMode');
		expect(calls).toHaveLength(0);
		await press(app, 'b');
		await waitFor(app, /❯ 1\. Yes: ssh 192\.0\.2\.10/);
	}, 40_000);

	test('not offered for a refusal on this host', async () => {
		const port = await closedPort();
		const {look, calls} = deferredServer();
		const app = await renderApp(
			<App
				timeoutMs={1000}
				theme={theme}
				io={createIo()}
				target={{input: `127.0.0.1:${port}`, host: '127.0.0.1', port}}
				lookAtServer={look}
			/>,
		);
		await resize(app, 80, 24);
		const frame = await waitFor(app, /done in/, 30_000);
		expect(frame).toContain('Cause: no-listener');
		expect(frame).not.toContain('Look at the server');
		expect(frame).not.toContain('via?');
		await press(app, '1', keys.enter);
		expect(plain(app.lastFrame())).not.toContain('BatchMode');
		expect(calls).toHaveLength(0);
	}, 40_000);
});
