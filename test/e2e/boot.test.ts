/*
The loader in dist/cli.js (source/boot.ts): the V8 code cache it keeps in the user's cache directory is
written once (private, atomically), used on the next run, ignored when it is corrupt, not this user's
or writable by others, and never written with REFUSED_NO_CACHE=1 or into a cache directory someone
else owns. The answer is the same in every case.
*/
import {
	chmodSync,
	chownSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {execa} from 'execa';
import {afterAll, describe, expect, test} from 'vitest';
import {cliPath, closedPort} from '../helpers/cli.js';

const temporary: string[] = [];
const folder = () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'refused-boot-'));
	temporary.push(dir);
	return dir;
};

afterAll(() => {
	for (const dir of temporary) {
		rmSync(dir, {recursive: true, force: true});
	}
});

/** A --json diagnosis of a closed port; the loader says what it did with the cache (REFUSED_DEBUG). */
async function diagnose(env: Record<string, string>) {
	const port = await closedPort();
	const run = await execa(
		process.execPath,
		[cliPath, `127.0.0.1:${port}`, '--json'],
		{
			reject: false,
			stdin: 'ignore',
			env: {REFUSED_DEBUG: '1', ...env},
		},
	);
	expect(run.exitCode).toBe(1);
	expect(
		(JSON.parse(run.stdout) as {causes: Array<{id: string}>}).causes[0]?.id,
	).toBe('no-listener');
	return /code cache (\w+)/.exec(run.stderr)?.[1];
}

const cacheFiles = (home: string) =>
	readdirSync(path.join(home, 'refused')).filter(name =>
		name.startsWith('v8-'),
	);

describe('the code cache', () => {
	test('written once, private, then used; a corrupt one is rejected and replaced', async () => {
		const home = folder();
		expect(await diagnose({XDG_CACHE_HOME: home})).toBe('none');
		const [file] = cacheFiles(home);
		expect(file).toMatch(/^v8-[\da-f]{16}-v\d+\.\d+\.\d+-\w+-batch\.bin$/);
		const full = path.join(home, 'refused', file!);
		expect(statSync(full).mode & 0o777).toBe(0o600);
		expect(statSync(path.join(home, 'refused')).mode & 0o777).toBe(0o700);
		expect(await diagnose({XDG_CACHE_HOME: home})).toBe('used');

		writeFileSync(full, 'not a code cache', {mode: 0o600});
		expect(await diagnose({XDG_CACHE_HOME: home})).toBe('rejected');
		expect(statSync(full).size).toBeGreaterThan(1000);
		expect(await diagnose({XDG_CACHE_HOME: home})).toBe('used');
	});

	test("a cache file that is not this user's, or that others can write, is never read", async () => {
		const home = folder();
		await diagnose({XDG_CACHE_HOME: home});
		const full = path.join(home, 'refused', cacheFiles(home)[0]!);
		chmodSync(full, 0o666);
		expect(await diagnose({XDG_CACHE_HOME: home})).toBe('none');
		chmodSync(full, 0o600);
		chownSync(full, 65_534, 65_534);
		expect(await diagnose({XDG_CACHE_HOME: home})).toBe('none');
	});

	test('REFUSED_NO_CACHE=1, or a cache directory owned by someone else: nothing read or written', async () => {
		const home = folder();
		expect(await diagnose({XDG_CACHE_HOME: home, REFUSED_NO_CACHE: '1'})).toBe(
			'off',
		);
		expect(readdirSync(home)).toEqual([]);

		const foreign = path.join(folder(), 'cache');
		mkdirSync(foreign);
		chownSync(foreign, 65_534, 65_534);
		expect(await diagnose({XDG_CACHE_HOME: foreign})).toBe('off');
		expect(readdirSync(foreign)).toEqual([]);
	});
});
