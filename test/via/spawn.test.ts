/**
The local ssh runs in a process group of its own: a timeout kills the whole group, so a child of
ssh (a ProxyCommand, a ProxyJump's second ssh) cannot outlive it. Shown with a real shell that
leaves a child running in the background.
*/
import {existsSync, readFileSync} from 'node:fs';
import {expect, test} from 'vitest';
import {createSshSpawn} from '../../source/via/spawn.js';

function alive(pid: number): boolean {
	const stat = `/proc/${pid}/stat`;
	if (!existsSync(stat)) {
		return false;
	}

	// A killed child waits as a zombie until init reaps it: dead all the same.
	const state = /\) (\S)/.exec(readFileSync(stat, 'utf8'))?.[1];
	return state !== 'Z' && state !== 'X';
}

test('a timeout kills the process group, not just its leader', async () => {
	const spawn = createSshSpawn({group: true});
	const result = await spawn({
		file: 'sh',
		args: ['-c', 'sleep 60 & echo $!; wait'],
		timeoutMs: 500,
	});
	expect(result.timedOut).toBe(true);
	const child = Number(result.stdout.trim());
	expect(child).toBeGreaterThan(0);
	await expect.poll(() => alive(child)).toBe(false);
});

test('a command that ends in time: its output and exit code, LC_ALL=C, raw output kept when asked', async () => {
	const spawn = createSshSpawn({group: true});
	const result = await spawn({
		file: 'sh',
		args: ['-c', 'printf "%s\\0\\033[31m" "$LC_ALL"; exit 3'],
		timeoutMs: 5000,
	});
	expect(result).toMatchObject({exitCode: 3, timedOut: false, stdout: 'C'});
	const raw = await spawn({
		file: 'sh',
		args: ['-c', 'printf "a\\0b"'],
		timeoutMs: 5000,
		raw: true,
	});
	expect(raw.stdout).toBe('a\0b');
	const missing = await spawn({file: 'no-such-ssh', args: [], timeoutMs: 5000});
	expect(missing.notFound).toBe(true);
});
