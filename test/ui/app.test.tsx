/**
The app's flows with the fake Io: the walk as a tree, the inline question and `b`, the keys (copy,
learn, export, rerun, map, focus, quit), the start screen, pasted input and plain terminals. The
real tree on real ports is in screen.test.tsx.
*/
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {act} from 'react';
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {runs} from '../../source/checks/registry.js';
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
const flat = (frame: string) => frame.replaceAll(/\s+/g, ' ');

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
	const app = await renderApp(
		<App timeoutMs={1000} theme={plainTheme} {...props} />,
	);
	await resize(app, 80, 24);
	return app;
}

afterEach(async () => {
	await act(async () => {
		cleanup();
	});
});

describe('the walk as a tree', () => {
	test('the trunk, the verdicts, the cause card with evidence and numbered fixes', async () => {
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
		});
		const frame = await waitFor(app, 'Fixes (shown, never run for you)');
		expect(frame).toMatch(/^refused localhost:5432 +done in/);
		expect(frame).toMatch(/├─ ✔ resolve +localhost → ::1, 127\.0\.0\.1/);
		expect(frame).toMatch(
			/├─ ✖ connect +first address \[::1]:5432: refused; 127\.0\.0\.1: open/,
		);
		expect(frame).toMatch(/├─ ✖ addresses +taken:/);
		expect(frame).toMatch(/│ {2}└─ ✖ families/);
		expect(frame).toContain('── Cause: address-family-mismatch (confirmed) ──');
		expect(frame).toContain('What it means:');
		expect(frame).toMatch(/❯ 1\. sudo ss -Htlnp 'sport = :5432'/);
	});

	test('a running step: spinner, elapsed time and the enforced limit; its command and output below', async () => {
		let release!: () => void;
		const gate = new Promise<void>(resolve => {
			release = resolve;
		});
		let now = 1_000_000;
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			clock: () => now,
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
		now += 1500;
		const running = await waitFor(app, /1\.5 s \(limit 14 s\)/);
		// The limit shown is the one enforced: the check's own 3 s + --timeout 1 s + 10 s.
		expect(running).toMatch(
			/├─ . connect +\d\.\d s of 14 s limit: Connect to the target/,
		);
		expect(running).toContain('$ connect 127.0.0.1:5432');
		expect(running).toContain('│ first line of output');
		await act(async () => {
			release();
		});
		await waitFor(app, /├─ ✖ connect +127\.0\.0\.1:5432: refused/);
	});

	test('a question appears inline at its branch with why; the answer grows the branch', async () => {
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: smallRegistry,
		});
		const asked = await waitFor(app, 'Is there a reverse proxy');
		expect(asked).toMatch(
			/├─ \? a proxy in front +taken:[^\n]*\n[ ❯]│ {2}└─ \? proxy\? +Is there a reverse proxy in front of the service\?/,
		);
		expect(asked).toContain('Why I ask: Nothing on this host could tell');
		expect(asked).toMatch(/❯ 1\. Yes\n.* {3}2\. No/);
		await press(app, keys.down);
		expect(plain(app.lastFrame())).toMatch(/ {3}1\. Yes\n.*❯ 2\. No/);
		await press(app, keys.enter);
		const frame = await waitFor(app, 'Fixes (shown');
		expect(frame).toContain('↳ proxy? No (your answer)');
		expect(frame).toMatch(/✖ listener +nothing listens on port 5432/);
		expect(frame).toContain('Nothing listens on port 5432 on this host.');
		expect(frame).not.toContain('Why I ask');
		// The automatic answer stays one line with who answered it.
		expect(frame).toMatch(/↳ client\? +On this host \(found by the tool\)/);
	});

	test('b goes back to the question and the tree regrows from there', async () => {
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
		const back = await waitFor(app, 'Why I ask');
		expect(flat(back)).toContain(
			'Back: your answer "No" to "Is there a reverse proxy in front of the service?" is undone',
		);
		expect(back).not.toContain('Cause:');
		await press(app, keys.enter);
		const frame = await waitFor(app, 'its backend 127.0.0.1:9000 refuses');
		expect(frame).toContain('↳ proxy? Yes (your answer)');
		expect(frame).toMatch(/✖ backend +the proxy answers 502/);
		expect(frame).toContain('❯ 1. sudo nginx -T | grep -n upstream');
		expect(frame).not.toContain('nothing listens on port 5432');
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

	test('a ruled-out branch is one line saying why; enter unfolds it to its steps', async () => {
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
		});
		const frame = await waitFor(app, 'Fixes (shown');
		const line = frame.split('\n').find(row => row.includes('another host'))!;
		expect(line).toMatch(
			/▸ another host +ruled out: applies only when a remote host refused/,
		);
		// Walk the cursor to it and open it.
		const {tree: rows} = {tree: frame.split('\n')};
		expect(rows.length).toBeLessThan(24);
		for (let index = 0; index < 12; index++) {
			if (/^❯.*another host/m.test(plain(app.lastFrame()))) {
				break;
			}

			await press(app, keys.down);
		}

		await press(app, keys.enter);
		const open = await waitFor(app, /└─ · remote +applies only when/);
		expect(open).toMatch(/❯[├└]─ · another host/);
		await press(app, keys.enter);
		await waitFor(app, frameText => !frameText.includes('└─ · remote'));
	});

	test('enter on a step opens its detail: the command, its output, the evidence', async () => {
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
		});
		await waitFor(app, 'Fixes (shown');
		await press(app, keys.home, keys.down, keys.enter);
		const detail = await waitFor(app, '── detail');
		expect(detail).toContain('Connect to each address');
		expect(detail).toContain('$ connect [::1]:5432 127.0.0.1:5432');
		expect(detail).toContain('? learn mode: why this step runs');
		await press(app, '?');
		const learn = await waitFor(app, 'Why: This is the experiment itself');
		expect(learn).toContain('Reading it: open: the handshake completed');
		await press(app, keys.tab, keys.end);
		const end = await waitFor(app, 'How the TCP handshake went:');
		expect(flat(end)).toContain('a RST ("no") came back in 1 ms');
		await press(app, keys.tab, keys.enter);
		await waitFor(app, 'Fixes (shown');
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
		await press(app, keys.tab, keys.down, 'c');
		await waitFor(app, frame =>
			flat(frame).includes(
				'Copied fix 2 to the clipboard with OSC 52: 127.0.0.1:5432 (14 characters;',
			),
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
			flat(frame).includes('inside tmux this needs: set -g set-clipboard on'),
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
		await waitFor(
			app,
			'Nothing to copy yet: the fixes appear when the walk ends.',
		);
		expect(written).toEqual([]);
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
			await waitFor(app, frame =>
				flat(frame).includes(`Report written to ${file}`),
			);
			expect(await readdir(dir)).toEqual([
				'refused-localhost-5432-20261124-081500.md',
			]);
			const text = await readFile(file, 'utf8');
			expect(text.startsWith('# refused: localhost:5432\n')).toBe(true);
			expect(text).toContain('## Cause: ');
			// The path of this diagnosis, marked on the decision tree.
			expect(text).toContain('## The path on the decision tree');
			expect(text).toContain(
				'» localhost:5432\n» ├─ environment: Where this runs',
			);
			expect(text).toContain('» ├─ probe: Connect to each address');
			expect(text.endsWith('\n')).toBe(true);
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	test('r reruns the probe after the fix and only the steps that depend on what changed; the walk ends with nothing wrong', async () => {
		const world = {fixed: false};
		let environmentRuns = 0;
		const app = await start({
			io: familyWorld(world),
			target: localhost,
			tree: foundationTree,
			registry: {
				...runs,
				async environment(context) {
					environmentRuns++;
					return runs['environment']!(context);
				},
			},
		});
		await waitFor(app, 'Fixes (shown');
		world.fixed = true;
		await press(app, 'r');
		const frame = await waitFor(app, 'Nothing is wrong');
		expect(flat(frame)).toContain('localhost:5432 accepted the connection');
		// The probe ran again (and what reads it); the steps it does not feed kept their results.
		expect(frame).toMatch(/├─ ✔ connect +first address \[::1]:5432: open/);
		expect(frame).toMatch(
			/├─ ✔ whose answer +kept from the last run: ::1 is this host/,
		);
		expect(frame).not.toMatch(/connect +kept/);
		expect(environmentRuns).toBe(1);
		expect(frame).not.toContain('Fixes (shown');
	});

	test('m shows the map with the path of this diagnosis marked; m again returns', async () => {
		const app = await start({
			io: familyWorld(),
			target: localhost,
			tree: foundationTree,
		});
		await waitFor(app, 'Fixes (shown');
		await press(app, 'm');
		const map = await waitFor(app, 'refused: the decision tree');
		expect(map).toContain('» localhost:5432');
		expect(map).toContain('» ├─ probe: Connect to each address');
		await press(app, keys.pageDown, keys.end);
		await press(app, 'm');
		await waitFor(app, 'Fixes (shown');
	});

	test('tab gives the fixes focus: ↑↓ select, 1-9 pick, enter unfolds another cause', async () => {
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: smallRegistry,
		});
		await waitFor(app, 'Is there a reverse proxy');
		await press(app, keys.down, keys.enter);
		await waitFor(app, 'Fixes (shown');
		await press(app, keys.tab);
		expect(plain(app.lastFrame())).toContain('↑↓ fixes');
		await press(app, keys.down);
		const second = plain(app.lastFrame());
		expect(flat(second)).toContain(`❯ 2. ${longCommand.slice(0, 40)}`);
		await press(app, '1');
		expect(plain(app.lastFrame())).toContain('❯ 1. sudo systemctl start');
	});

	test("q quits with the report's exit code; Ctrl-C mid-walk with 130", async () => {
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
		await act(async () => {
			cleanup();
		});
		let interrupted: number | undefined;
		const walking = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: smallRegistry,
			onExit(exitCode) {
				interrupted = exitCode;
			},
		});
		await waitFor(walking, 'Is there a reverse proxy');
		await press(walking, keys.ctrlC);
		expect(interrupted).toBe(130);
	});
});

describe('the start screen', () => {
	test('asks for a target with examples; a bad target says why; a good one starts the walk', async () => {
		const app = await start({io: familyWorld(), tree: foundationTree});
		const first = await waitFor(app, 'Target:');
		expect(first).toContain('e.g. localhost:5432');
		await press(app, ...'host:99999', keys.enter);
		await waitFor(app, /port|99999/);
		for (let index = 0; index < 5; index++) {
			await press(app, keys.backspace);
		}

		await press(app, ...'5432', keys.enter);
		await waitFor(app, 'refused host:5432');
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

	test("the start screen's Labs line ends this app and asks for the labs catalogue", async () => {
		const exits: Array<[number, string | undefined]> = [];
		const app = await start({
			io: familyWorld(),
			tree: foundationTree,
			onExit(code, _state, next) {
				exits.push([code, next]);
			},
		});
		const frame = await waitFor(app, 'Labs:');
		expect(frame).toContain('13 real broken');
		await press(app, keys.down, keys.down, keys.enter);
		await vi.waitFor(() => {
			expect(exits).toEqual([[0, 'labs']]);
		});
	});

	test('a target pasted with its Enter in one chunk starts the walk', async () => {
		const app = await start({io: familyWorld(), tree: foundationTree});
		await act(async () => {
			app.stdin.write('localhost:5432\r');
		});
		await waitFor(app, 'refused localhost:5432');
	});
});

describe('the terminal', () => {
	test('a long fix command is whole on screen at 80 columns; resizing to 60x20 re-lays out', async () => {
		const app = await start({
			io: createFakeIo(),
			target: local,
			tree: smallTree,
			registry: smallRegistry,
		});
		await waitFor(app, 'Is there a reverse proxy');
		await press(app, keys.down, keys.enter, '2');
		const frame = await waitFor(app, /❯ 2\. sudo sed/);
		for (const line of frame.split('\n')) {
			expect([...line].length, line).toBeLessThanOrEqual(80);
		}

		expect(frame.replaceAll(/\s+/g, '')).toContain(
			longCommand.replaceAll(/\s+/g, ''),
		);
		await resize(app, 60, 20);
		const small = plain(app.lastFrame());
		expect(small.split('\n').length).toBeLessThan(20);
		for (const line of small.split('\n')) {
			expect([...line].length, line).toBeLessThanOrEqual(60);
		}

		expect(small).toContain('❯ 2. sudo sed');
		await press(app, keys.tab, keys.down);
		expect(plain(app.lastFrame())).toContain('Cause: no-listener');
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
		expect(plain(app.lastFrame())).toContain('↳ proxy? No (your answer)');
		await act(async () => {
			app.stdin.write(`2c`);
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
		expect(raw).toMatch(/\|- x connect +first address \[::1]:5432: refused/);
		expect(raw).toMatch(/\|- > proxy variables +ruled out/);
		expect(raw).toMatch(/> 1\. sudo ss/);
		expect(raw).toContain('q quit | up/down move');
		expect(raw).not.toMatch(/[✔✖❯─│↑↓▸…]/);
	});

	test('text from the system is shown with its control characters visible', async () => {
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
						detail: 'owner \u001B[31mred\u0007 hidden',
					};
				},
			},
		});
		const frame = await waitFor(app, 'No cause');
		expect(app.lastFrame()).not.toContain('\u001B[31m');
		expect(frame).toContain('owner \\x1b[31mred\\x07 hidden');
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
		const frame = await waitFor(app, 'No cause named (refused)');
		expect(flat(frame)).toContain(
			'What listens on the port: ss is not installed: run sudo ss -ltnp by hand',
		);
		expect(frame).not.toContain('Fixes (shown');
	});
});
