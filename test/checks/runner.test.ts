import {spawnSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {createRunner} from '../../source/checks/runner.js';

const run = createRunner({timeoutMs: 5000});
const node = (script: string, timeoutMs?: number) => ({
	file: process.execPath,
	args: ['-e', script],
	timeoutMs,
});

describe('the runner (real processes)', () => {
	test('captures output and the exit code without throwing', async () => {
		const result = await run(
			node(
				'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)',
			),
		);
		expect(result).toMatchObject({
			exitCode: 3,
			stdout: 'out',
			stderr: 'err',
			timedOut: false,
			notFound: false,
		});
	});

	test('runs with LC_ALL=C and no shell (arguments are not interpreted)', async () => {
		const result = await run({
			file: process.execPath,
			args: [
				'-e',
				'console.log(process.env.LC_ALL, process.argv[1])',
				'$(id);|*',
			],
		});
		expect(result.stdout.trim()).toBe('C $(id);|*');
	});

	test('a command past its timeout is killed and marked timedOut', async () => {
		const result = await run(node('setTimeout(() => {}, 60000)', 300));
		expect(result.timedOut).toBe(true);
		expect(result.exitCode).toBeUndefined();
	});

	test('a missing program is notFound, not an exception', async () => {
		const result = await run({file: 'refused-no-such-program', args: ['--x']});
		expect(result.notFound).toBe(true);
		expect(result.command).toBe('refused-no-such-program --x');
	});

	test('terminal control sequences are stripped from the output', async () => {
		const result = await run(
			node(
				'process.stdout.write("\\u001B[31mred\\u001B[0m \\u001B]52;c;aGk=\\u0007ok\\u0007\\r\\n")',
			),
		);
		expect(result.stdout).toBe('red ok\n');
	});

	test('streams lines as they arrive', async () => {
		const lines: string[] = [];
		await run(node('console.log("one"); console.log("two")'), {
			onLine: line => lines.push(line),
		});
		expect(lines).toEqual(['one', 'two']);
	});

	test('an abort cancels the command', async () => {
		const controller = new AbortController();
		const pending = run(node('setTimeout(() => {}, 60000)'), {
			signal: controller.signal,
		});
		controller.abort();
		expect((await pending).canceled).toBe(true);
	});

	test('the display command is quoted for a shell', async () => {
		const result = await run({file: 'echo', args: ['a b', "it's"]});
		expect(result.command).toBe(`echo 'a b' 'it'\\''s'`);
	});

	test('a timed-out shell wrapper dies with its children (the whole process group), and the pipes are let go', async () => {
		// A duration no other program on this machine uses, to find this sleep in ps.
		const sleep = `sleep 60${process.pid}`;
		const result = await run({
			file: '/bin/sh',
			// No exec: sh waits for sleep, which holds the pipes.
			args: ['-c', `${sleep}; echo never`],
			timeoutMs: 300,
		});
		expect(result.timedOut).toBe(true);
		expect(result.durationMs).toBeLessThan(5000);
		const ps = spawnSync('ps', ['-eo', 'args'], {encoding: 'utf8'});
		expect(ps.stdout.split('\n')).not.toContain(sleep);
	});

	test('a child that left the group and holds the pipes does not keep the runner waiting', async () => {
		const result = await run({
			file: '/bin/sh',
			args: ['-c', 'setsid sleep 30 & echo $!'],
			timeoutMs: 5000,
		});
		const pid = Number(result.stdout.trim());
		try {
			expect(pid).toBeGreaterThan(0);
			expect(result.exitCode).toBe(0);
			expect(result.timedOut).toBe(false);
			// The escaped sleep still runs and holds the pipe: the runner returned without it.
			expect(() => process.kill(pid, 0)).not.toThrow();
		} finally {
			process.kill(pid, 'SIGKILL');
		}
	});

	test('an abort kills the whole group too', async () => {
		const controller = new AbortController();
		const pending = run(
			{file: '/bin/sh', args: ['-c', 'sleep 600; echo never']},
			{signal: controller.signal},
		);
		setImmediate(() => {
			controller.abort();
		});
		const result = await pending;
		expect(result.canceled).toBe(true);
		expect(result.stdout).toBe('');
	});

	test('output past the cap is dropped, the program is not blocked', async () => {
		const result = await run(
			node('process.stdout.write("x".repeat(70 * 1024 * 1024))'),
		);
		expect(result.exitCode).toBe(0);
		expect(result.stdout.length).toBe(64 * 1024 * 1024);
	});
});

describe('the runner: hung programs', () => {
	test('a command silent past the idle limit is hung, whatever its own timeout', async () => {
		const quick = createRunner({idleTimeoutMs: 300});
		const result = await quick(node('setTimeout(() => {}, 60000)', 30_000));
		expect(result.timedOut).toBe(true);
		expect(result.durationMs).toBeLessThan(20_000);
	});

	test('output keeps a slow command alive past the idle limit', async () => {
		const quick = createRunner({idleTimeoutMs: 1000});
		const result = await quick(
			node(
				'let n = 0; const t = setInterval(() => { console.log(n); if (++n === 20) { clearInterval(t); } }, 100)',
				30_000,
			),
		);
		expect(result.timedOut).toBe(false);
		expect(result.exitCode).toBe(0);
		expect(result.stdout.trim().split('\n')).toHaveLength(20);
	});
});

test('an argument holding NUL is a failed command, not an exception', async () => {
	const result = await createRunner()({file: 'echo', args: ['a\0b']});
	expect(result.exitCode).toBeUndefined();
	expect(result.stderr).toMatch(/NUL/);
});
