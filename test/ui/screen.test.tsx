/**
The walk as a tree, on the real tree at 80x24 and 60x20. Real where the machine allows it: a closed
local port and a listener on 127.0.0.1 dialed on ::1 run every real check against this host; a
refusal from another host and a container case use the fake Io (no second host, no Docker here)
with the captured docker fixtures of test/fixtures/docker (see its README).
*/
import {readFileSync} from 'node:fs';
import net from 'node:net';
import {act} from 'react';
import {cleanup} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {createIo} from '../../source/checks/io.js';
import {placedChecks, shape} from '../../source/tree/shape.js';
import type {Target} from '../../source/tree/facts.js';
import {App, type AppProps} from '../../source/ui/app.js';
import {closedPort} from '../helpers/cli.js';
import {createFakeIo, loopbackInterfaces} from '../helpers/fake-io.js';
import {
	keys,
	plain,
	press,
	renderApp,
	resize,
	waitFor,
	type Instance,
} from '../helpers/ink.js';

const plainTheme = {color: false, ascii: false};
const sizes = [
	[80, 24],
	[60, 20],
] as const;

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/docker/${name}`, import.meta.url), 'utf8');

async function startAt(
	columns: number,
	rows: number,
	props: Pick<AppProps, 'io' | 'target'>,
): Promise<Instance> {
	const app = await renderApp(
		<App timeoutMs={1000} theme={plainTheme} {...props} />,
	);
	await resize(app, columns, rows);
	return app;
}

/** The labels of the tree lines, top to bottom (trunk labels mapped back to their check ids). */
function treeLabels(frame: string): string[] {
	const trunk = new Map(shape.trunk.map(step => [step.label, step.check]));
	const labels: string[] = [];
	for (const line of frame.split('\n')) {
		const match = /[├└]─ \S+ (\S+(?: \S+)?)/.exec(line);
		if (match) {
			const [first] = match[1]!.split(' ');
			const two = match[1]!;
			labels.push(trunk.get(two) ?? trunk.get(first!) ?? first!);
		}
	}

	return labels;
}

/** What every final frame must show, at any size. */
function expectEnd(
	frame: string,
	size: readonly [number, number],
	cause: string,
	firstFix: string,
) {
	const [columns, rows] = size;
	const lines = frame.split('\n');
	expect(lines.length).toBeLessThan(rows);
	for (const line of lines) {
		expect([...line].length, line).toBeLessThanOrEqual(columns);
	}

	expect(frame).toContain(`Cause: ${cause}`);
	const fixLine = lines.find(line => /^[❯ ] 1\. /.test(line));
	expect(fixLine, frame).toBeDefined();
	const shown = fixLine!.slice(5).trim();
	expect(shown.startsWith(firstFix) || firstFix.startsWith(shown), frame).toBe(
		true,
	);
	// No ruled-out branch takes more than one line: the next line is another tree line or the card.
	for (const [index, line] of lines.entries()) {
		if (line.includes('ruled out:')) {
			expect(lines[index + 1], frame).toMatch(/^[ ❯][─│└├]|^──/);
		}
	}

	// Steps in the order of the tree's shape.
	const seen = treeLabels(frame)
		.map(label => placedChecks(shape).indexOf(label))
		.filter(index => index >= 0);
	expect(seen.length).toBeGreaterThanOrEqual(3);
	expect(seen).toEqual(seen.toSorted((a, b) => a - b));
}

afterEach(async () => {
	await act(async () => {
		cleanup();
	});
});

describe.each(sizes)('the tree at %ix%i', (columns, rows) => {
	const size = [columns, rows] as const;
	let server: net.Server;
	let v4Port: number;
	beforeAll(async () => {
		server = net.createServer(socket => socket.end());
		await new Promise<void>(resolve => {
			server.listen(0, '127.0.0.1', resolve);
		});
		v4Port = (server.address() as net.AddressInfo).port;
	});
	afterAll(async () => {
		await new Promise(resolve => {
			server.close(resolve);
		});
	});

	test('a closed local port: trunk, the branch taken, the rest folded, the cause and its first fix', async () => {
		const port = await closedPort();
		const target: Target = {
			input: `127.0.0.1:${port}`,
			host: '127.0.0.1',
			port,
		};
		const app = await startAt(columns, rows, {io: createIo(), target});
		const frame = await waitFor(app, /done in/, 30_000);
		expect(frame).toMatch(/├─ ✖ connect +127\.0\.0\.1:\d+: refused/);
		expect(frame).toMatch(/├─ ✖ this host +taken:/);
		expect(frame).toMatch(/▸ addresses +ruled out: the name has only one/);
		const fix = /Cause: (\S+)/.exec(frame)![1]!;
		expect(['no-listener', 'wrong-port']).toContain(fix);
		const firstFix = /1\. (.+)/.exec(frame)![1]!.trim();
		expectEnd(frame, size, fix, firstFix);
		// Steps that did not apply cost no line of their own.
		expect(frame).not.toMatch(/skipped/);
	}, 40_000);

	test('a listener on 127.0.0.1 dialed on ::1: the address family is the cause', async () => {
		const target: Target = {
			input: `[::1]:${v4Port}`,
			host: '::1',
			port: v4Port,
		};
		const app = await startAt(columns, rows, {io: createIo(), target});
		const frame = await waitFor(app, /done in/, 30_000);
		expect(frame).toMatch(/✖ bind +node \(pid \d+\) listens on 127\.0\.0\.1/);
		expectEnd(
			frame,
			size,
			'address-family-mismatch',
			`server.listen(${v4Port}, '::')`,
		);
	}, 40_000);

	test('a refusal from another host: the proxy question is asked inline, answered, and the branch grows', async () => {
		const target: Target = {
			input: '192.0.2.10:5432',
			host: '192.0.2.10',
			port: 5432,
		};
		const io = createFakeIo({interfaces: loopbackInterfaces, uid: 0});
		const app = await startAt(columns, rows, {io, target});
		const asked = await waitFor(app, /proxy\?/);
		expect(asked).toContain('Why I ask:');
		expect(asked).toMatch(/❯ 1\. Yes/);
		expect(asked).toMatch(/▸ this host +ruled out/);
		await press(app, keys.down, keys.enter);
		const ended = await waitFor(app, /done in/);
		expect(ended).toMatch(/↳ proxy\? No \(your answer\): Is there a reverse/);
		// The walk ends on the fork "look at the server over SSH?" (test/ui/via-fork.test.tsx): no.
		expect(ended).toContain('Look at the server over SSH?');
		await press(app, keys.down, keys.enter);
		const frame = await waitFor(app, /via\? +No \(your answer\)/);
		expect(frame).toMatch(/\? another host +taken/);
		const cause = /Cause: (\S+)/.exec(frame)![1]!;
		const firstFix = /^[❯ ] 1\. (.+)/m.exec(frame)![1]!.trim();
		expectEnd(frame, size, cause, firstFix);
	}, 40_000);

	test('a container that exited: the containers branch is taken and names it', async () => {
		const target: Target = {
			input: '127.0.0.1:18083',
			host: '127.0.0.1',
			port: 18_083,
		};
		const io = createFakeIo({
			interfaces: loopbackInterfaces,
			uid: 0,
			env: {DOCKER_HOST: 'unix:///tmp/x/docker.sock'},
			commands: [
				{match: 'docker ps -a -q --no-trunc', stdout: fixture('ps-ids.txt')},
				{
					match: /^docker inspect --type container [\da-f]{64}/,
					stdout: fixture('inspect-all.json'),
				},
				{
					match: /^docker logs/,
					stdout: fixture('logs-exited.stdout.txt'),
					stderr: fixture('logs-exited.stderr.txt'),
				},
			],
		});
		const app = await startAt(columns, rows, {io, target});
		const frame = await waitFor(app, /done in/, 30_000);
		expect(frame).toMatch(/✖ containers +taken/);
		const firstFix = /1\. (.+)/.exec(frame)![1]!.trim();
		expectEnd(frame, size, 'container-exited', firstFix);
		expect(plain(app.lastFrame())).toBe(frame);
	}, 40_000);
});
