import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {act} from 'react';
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test} from 'vitest';
import {foundationChecks} from '../../source/tree/nodes/foundation.js';
import {causes} from '../../source/tree/causes.js';
import type {Tree} from '../../source/tree/types.js';
import type {Target} from '../../source/tree/facts.js';
import {App, type AppProps} from '../../source/ui/app.js';
import {createFakeIo, type FakeIoOptions} from '../helpers/fake-io.js';
import {
	keys,
	plain,
	press,
	renderApp,
	resize,
	waitFor,
	type Instance,
} from '../helpers/ink.js';
import {longCommand, smallRegistry, smallTree} from './small-tree.js';

const plainTheme = {color: false, ascii: false};
const foundationTree: Tree = {checks: foundationChecks, questions: [], causes};
const localhost: Target = {
	input: 'localhost:5432',
	host: 'localhost',
	port: 5432,
};
const local: Target = {input: '127.0.0.1:5432', host: '127.0.0.1', port: 5432};

/** Localhost is ::1 then 127.0.0.1; the server listens on 127.0.0.1 only (unless `fixed`). */
function familyWorld(world?: {fixed: boolean}, extra: FakeIoOptions = {}) {
	return createFakeIo({
		lookup: {
			localhost: {
				ok: true,
				addresses: [
					{address: '::1', family: 6},
					{address: '127.0.0.1', family: 4},
				],
			},
		},
		connect(address) {
			return address === '127.0.0.1' || world?.fixed
				? {code: 'connect', ms: 1}
				: {code: 'ECONNREFUSED', ms: 1};
		},
		...extra,
	});
}

async function start(
	props: Partial<AppProps> & Pick<AppProps, 'io'>,
): Promise<Instance> {
	return renderApp(<App timeoutMs={1000} theme={plainTheme} {...props} />);
}

afterEach(async () => {
	await act(async () => {
		cleanup();
	});
});

describe('the walk', () => {
	test('walks automatically to the cause, with evidence and numbered fixes, without a question', async () => {
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
		});
		const frame = await waitFor(app, 'Fixes (shown, never run for you):');
		expect(frame).toContain('refused: why is localhost:5432 refused?');
		expect(frame).toContain('✖ Connect to each address (found a problem)');
		expect(frame).toContain('$ connect [::1]:5432 127.0.0.1:5432');
		expect(frame).toContain('--- Cause (confirmed) ---'.replaceAll('-', '─'));
		expect(frame).toContain(
			'localhost resolves to IPv4 and IPv6 addresses and only some accept',
		);
		expect(frame).toContain('What it means:');
		expect(frame).toContain('│ [::1]:5432 (IPv6, dns): refused in 1 ms');
		expect(frame).toMatch(/❯ 1\. sudo ss -Htlnp 'sport = :5432'/);
		expect(frame).toMatch(/ {2}2\. 127\.0\.0\.1:5432/);
		expect(frame).not.toContain('Why I ask');
	});

	test('shows each step live: spinner, title, its limit, the exact command, streamed output', async () => {
		let release!: () => void;
		const gate = new Promise<void>(resolve => {
			release = resolve;
		});
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: {
				...smallRegistry,
				async probe(context) {
					context.onCommand('connect 127.0.0.1:5432');
					context.onLine('first line of output');
					await gate;
					return smallRegistry['probe']!(context);
				},
			},
		});
		const running = await waitFor(app, 'first line of output');
		expect(running).toMatch(/Connect to the target \(limit 3 s\)/);
		expect(running).toContain('$ connect 127.0.0.1:5432');
		expect(running).not.toContain('(found a problem)');
		await act(async () => {
			release();
		});
		await waitFor(
			app,
			'✖ Connect to the target (found a problem): 127.0.0.1:5432: refused',
		);
	});

	test('a question the tool answered itself is shown answered, with its evidence', async () => {
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: smallRegistry,
		});
		const frame = await waitFor(app, 'Is there a reverse proxy');
		expect(frame).toContain(
			'? Does the client run on this host? On this host (found by the tool)',
		);
		expect(frame).toContain(
			'Evidence: the target 127.0.0.1 is an address of this host',
		);
	});

	test('asks a question when needed, with why, and the answer decides the walk', async () => {
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: smallRegistry,
		});
		const asked = await waitFor(
			app,
			'Is there a reverse proxy in front of the service?',
		);
		expect(asked).toContain('Why I ask: Nothing on this host could tell');
		expect(asked).toMatch(/❯ Yes\n {2}No/);
		await press(app, keys.down);
		expect(plain(app.lastFrame())).toMatch(/ {2}Yes\n❯ No/);
		await press(app, keys.enter);
		const frame = await waitFor(app, 'Fixes (shown, never run for you):');
		expect(frame).toContain(
			'Is there a reverse proxy in front of the service? No (your answer)',
		);
		expect(frame).toContain('Nothing listens on port 5432 on this host.');
		expect(frame).toContain(
			'– Ask the proxy about its backend (skipped): no proxy in front',
		);
	});

	test('b goes back to change an answer, and the walk recomputes from there', async () => {
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: smallRegistry,
		});
		await waitFor(app, 'Is there a reverse proxy');
		await press(app, keys.down, keys.enter);
		await waitFor(app, 'Nothing listens on port 5432 on this host.');
		await press(app, 'b');
		const back = await waitFor(
			app,
			'Back: your answer "No" to "Is there a reverse proxy in front of the service?" is undone',
		);
		expect(back.split('Back: your answer')[1]).toContain('Why I ask');
		await press(app, keys.enter);
		const frame = await waitFor(app, 'its backend 127.0.0.1:9000 refuses');
		const after = frame.split('Back: your answer')[1]!;
		expect(after).toContain(
			'Is there a reverse proxy in front of the service? Yes (your answer)',
		);
		expect(after).toContain(
			'✖ Ask the proxy about its backend (found a problem)',
		);
		expect(after).toContain('❯ 1. sudo nginx -T | grep -n upstream');
		expect(after).not.toContain('Nothing listens on port 5432');
	});

	test('b with no answer to undo says so', async () => {
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
		});
		await waitFor(app, 'Fixes (shown');
		await press(app, 'b');
		await waitFor(
			app,
			'Nothing to go back to: you have not answered a question yet.',
		);
	});
});

describe('keys at the end', () => {
	test('c copies the selected fix with OSC 52 (exact sequence and base64 payload) and confirms', async () => {
		const written: string[] = [];
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
			writeTerminal(data) {
				written.push(data);
			},
		});
		await waitFor(app, 'Fixes (shown');
		await press(app, keys.down, 'c');
		await waitFor(
			app,
			'Copied fix 2 to the clipboard with OSC 52: 127.0.0.1:5432 (14 characters;',
		);
		expect(written).toEqual([
			`\u001B]52;c;${Buffer.from('127.0.0.1:5432').toString('base64')}\u0007`,
		]);
		expect(written[0]).toBe('\u001B]52;c;MTI3LjAuMC4xOjU0MzI=\u0007');
	});

	test('inside tmux the confirmation names set-clipboard; under GNU screen the sequence is wrapped', async () => {
		const written: string[] = [];
		const app = await start({
			io: familyWorld(undefined, {
				env: {TMUX: '/tmp/tmux-0/default,1,0', TERM: 'screen'},
			}),
			target: localhost,
			tree: foundationTree,
			writeTerminal(data) {
				written.push(data);
			},
		});
		await waitFor(app, 'Fixes (shown');
		await press(app, 'c');
		await waitFor(app, frame =>
			frame
				.replaceAll(/\s+/g, ' ')
				.includes('inside tmux this needs: set -g set-clipboard on'),
		);
		expect(written[0]!.startsWith('\u001B]52;c;')).toBe(true);
		await act(async () => {
			cleanup();
		});
		const screen: string[] = [];
		const inScreen = await start({
			io: familyWorld(undefined, {env: {TERM: 'screen.xterm-256color'}}),
			target: localhost,
			tree: foundationTree,
			writeTerminal(data) {
				screen.push(data);
			},
		});
		await waitFor(inScreen, 'Fixes (shown');
		await press(inScreen, 'c');
		await waitFor(inScreen, 'Copied fix 1');
		expect(screen).toEqual([
			`\u001BP\u001B]52;c;${Buffer.from("sudo ss -Htlnp 'sport = :5432'").toString('base64')}\u0007\u001B\\`,
		]);
	});

	test('c before the end copies nothing and says why', async () => {
		const written: string[] = [];
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: smallRegistry,
			writeTerminal(data) {
				written.push(data);
			},
		});
		await waitFor(app, 'Is there a reverse proxy');
		await press(app, 'c');
		await waitFor(app, 'Nothing to copy yet');
		expect(written).toEqual([]);
	});

	test('? turns learn mode on: why each step runs, what its command does, how to read it, and the handshake once', async () => {
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
		});
		await waitFor(app, 'Fixes (shown');
		expect(plain(app.lastFrame())).not.toContain('Why: ');
		await press(app, '?');
		const frame = await waitFor(app, 'How the TCP handshake went:');
		expect(frame).toContain('Learn mode: the steps so far, explained');
		expect(frame).toContain(
			'Why: This is the experiment itself: a real TCP connect to every address',
		);
		expect(frame).toContain(
			'The command: Opens a real TCP connection to each address, as a client would',
		);
		expect(frame).toContain(
			'Reading it: open: the handshake completed (SYN, SYN-ACK).',
		);
		expect(frame).toContain(
			'[::1]:5432: your side sent a SYN ("may I connect?"); a RST ("no") came back in 1 ms.',
		);
		expect(frame).toContain(
			'127.0.0.1:5432: SYN out, SYN-ACK back, ACK out in 1 ms',
		);
		// Skipped steps did not run: no explanation for them (proxy variables apply to URLs only).
		expect(frame).not.toContain('Why: HTTP clients that honour HTTP_PROXY');
		await press(app, '?');
		await waitFor(app, 'Learn mode off.');
		await press(app, '?');
		await waitFor(
			app,
			frame => frame.split('Learn mode: the steps so far').length === 3,
		);
		expect(
			plain(app.lastFrame()).split('How the TCP handshake went').length,
		).toBe(2);
	});

	test('learn mode on from the start explains each step as it finishes', async () => {
		const app = await start({
			io: createFakeIo(),
			tree: smallTree,
			registry: smallRegistry,
		});
		await press(app, '?');
		// On the start screen, ? is text: type a target, then turn learn mode on during the walk.
		await press(app, keys.backspace, ...'127.0.0.1:5432', keys.enter, '?');
		const frame = await waitFor(app, 'Is there a reverse proxy');
		expect(frame).toContain('Why: The experiment itself: one TCP connect.');
		await press(app, keys.down, keys.enter);
		const end = await waitFor(app, 'Fixes (shown');
		expect(end).toMatch(
			/What listens on the port \(found a problem\)[^\n]*\n {2}\$ ss -ltnp\n {2}Why: Nothing listening is the most common cause\./,
		);
	});

	test('e writes the markdown report to a file and shows its path', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'refused-export-'));
		try {
			const app = await start({
				io: familyWorld(),
				target: localhost,
				tree: foundationTree,
				exportDir: dir,
				now: () => new Date('2026-11-24T08:15:00Z'),
			});
			await waitFor(app, 'Fixes (shown');
			await press(app, 'e');
			const file = path.join(dir, 'refused-localhost-5432-20261124-081500.md');
			await waitFor(app, `Report written to ${file}`);
			expect(await readdir(dir)).toEqual([
				'refused-localhost-5432-20261124-081500.md',
			]);
			const text = await readFile(file, 'utf8');
			expect(text.startsWith('# refused: localhost:5432\n')).toBe(true);
			expect(text).toContain('| `::1` | IPv6 | dns | refused | 1 ms |');
			expect(text).toContain('## Cause: ');
			expect(text).toContain(
				'Cause id `address-family-mismatch`, confidence: confirmed.',
			);
			expect(text).toContain(
				"   ```sh\n   sudo ss -Htlnp 'sport = :5432'\n   ```",
			);
			expect(text).toContain('### 3. Connect to each address: found a problem');
			expect(text.endsWith('\n')).toBe(true);
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	test('r reruns the probe after the fix, and the walk ends with nothing wrong', async () => {
		const world = {fixed: false};
		const app = await start({
			io: familyWorld(world),
			target: localhost,
			tree: foundationTree,
		});
		await waitFor(app, 'Fixes (shown');
		world.fixed = true;
		await press(app, 'r');
		const frame = await waitFor(
			app,
			'Nothing is wrong: localhost:5432 accepted the connection',
		);
		const after = frame.split('Rerun: connecting to localhost:5432 again')[1]!;
		expect(after).toContain('✔ Connect to each address (passed)');
		expect(after).not.toContain('Fixes (shown');
		expect(frame.split('Rerun:')[0]).toContain(
			'✖ Connect to each address (found a problem)',
		);
	});

	test("q quits with the report's exit code", async () => {
		let code: number | undefined;
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
			onExit(exitCode) {
				code = exitCode;
			},
		});
		await waitFor(app, 'Fixes (shown');
		await press(app, 'q');
		expect(code).toBe(1);
	});
});

describe('the start screen', () => {
	test('asks for a target with examples; a bad target says why; a good one starts the walk', async () => {
		const app = await start({io: familyWorld(), tree: foundationTree});
		const first = await waitFor(app, 'Target:');
		expect(first).toContain('e.g. localhost:5432');
		expect(first).toContain('Practice case:');
		await press(app, ...'host:99999', keys.enter);
		await waitFor(app, 'out of range');
		await press(
			app,
			...Array.from({length: 5}, () => keys.backspace),
			...'5432',
			keys.enter,
		);
		await waitFor(app, 'refused: why is host:5432 refused?');
	});

	test('the practice case starts its server and diagnoses it', async () => {
		let closed = false;
		const app = await start({
			io: familyWorld(),
			tree: foundationTree,
			async startPractice() {
				return {
					target: localhost,
					description: 'A practice server listens on 127.0.0.1:5432 only.',
					async close() {
						closed = true;
					},
				};
			},
		});
		await press(app, keys.down, keys.enter);
		const frame = await waitFor(app, 'Fixes (shown');
		expect(frame).toContain(
			'A practice server listens on 127.0.0.1:5432 only.',
		);
		await press(app, 'q');
		expect(closed).toBe(true);
	});
});

describe('the terminal', () => {
	test('fits 80 columns: no line is wider, and a long fix command is whole on screen', async () => {
		const app = await start({
			io: createFakeIo(),
			tree: smallTree,
			registry: smallRegistry,
		});
		await resize(app, 80, 24);
		await press(app, ...'127.0.0.1:5432', keys.enter);
		await waitFor(app, 'Is there a reverse proxy');
		await press(app, keys.down, keys.enter, keys.down);
		const frame = await waitFor(app, /❯ 2\. sudo sed/);
		for (const line of frame.split('\n')) {
			expect([...line].length, line).toBeLessThanOrEqual(80);
		}

		const live = frame.slice(frame.lastIndexOf('Fixes (shown'));
		expect(live.replaceAll(/\s+/g, '')).toContain(
			longCommand.replaceAll(/\s+/g, ''),
		);
	});

	test('the live area stays shorter than the terminal', async () => {
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
		});
		// Ink clears the whole screen (and the scrollback) on every frame once the live area is as tall as the terminal.
		const liveRows = (frame: string) =>
			frame.slice(frame.lastIndexOf('Fixes (shown')).split('\n').length + 1;
		await resize(app, 80, 16);
		const fixes = await waitFor(app, 'Fixes (shown');
		expect(liveRows(fixes)).toBeLessThan(16);
		await resize(app, 80, 24);
		await press(app, 'h');
		const help = await waitFor(app, 'set -g set-clipboard on');
		expect(liveRows(help)).toBeLessThan(24);
	});

	test('a burst of keys acts on what the user saw, in order', async () => {
		const written: string[] = [];
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: smallRegistry,
			writeTerminal(data) {
				written.push(data);
			},
		});
		await waitFor(app, 'Is there a reverse proxy');
		// Down, Enter in one chunk (as tmux send-keys or a paste sends them): must answer "No".
		await act(async () => {
			app.stdin.write(`${keys.down}${keys.enter}`);
		});
		await waitFor(app, 'Fixes (shown');
		expect(plain(app.lastFrame())).toContain(
			'Is there a reverse proxy in front of the service? No (your answer)',
		);
		await act(async () => {
			app.stdin.write(`${keys.down}c`);
		});
		await waitFor(app, 'Copied fix 2');
		expect(written).toEqual([
			`\u001B]52;c;${Buffer.from(longCommand).toString('base64')}\u0007`,
		]);
	});

	test('plain output has no escape sequences; ASCII symbols replace Unicode ones', async () => {
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
			theme: {color: false, ascii: true},
		});
		await waitFor(app, 'Fixes (shown');
		const raw = app.lastFrame() ?? '';
		expect(raw).not.toContain('\u001B[');
		expect(raw).toContain('x Connect to each address (found a problem)');
		expect(raw).toMatch(/> 1\. sudo ss/);
		expect(raw).toContain('up/down enter | b back');
		expect(raw).not.toMatch(/[✔✖❯─│↑↓]/);
	});
});

describe('pasted input', () => {
	test('a target pasted with its Enter in one chunk starts the walk', async () => {
		const app = await start({io: familyWorld(), tree: foundationTree});
		await act(async () => {
			app.stdin.write('localhost:5432\r');
		});
		await waitFor(app, 'refused: why is localhost:5432 refused?');
	});
});

describe('endings', () => {
	test('refused but no cause found: says so, and lists what could not be told', async () => {
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			answers: {proxy: 'no'},
			registry: {
				...smallRegistry,
				async listener() {
					return {
						status: 'unknown',
						detail: 'ss is not installed: run sudo ss -ltnp by hand',
					};
				},
			},
		});
		const frame = await waitFor(
			app,
			'No cause could be named from here (refused).',
		);
		expect(frame.replaceAll(/\s+/g, ' ')).toContain(
			'Checked 3 steps (1 found a problem, 1 could not tell, 1 skipped).',
		);
		expect(frame).toContain(
			'• What listens on the port: ss is not installed: run sudo ss -ltnp by hand',
		);
		expect(frame).not.toContain('Fixes (shown');
	});
});
