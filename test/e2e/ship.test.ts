/**
Shipping: the package `npm pack` makes installs and runs with no registry, holds only what users need,
and the bundle runs alone on a bare Node (no node_modules anywhere above it).
*/
import {copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, describe, expect, test} from 'vitest';
import {cliPath, closedPort} from '../helpers/cli.js';

const root = new URL('../..', import.meta.url).pathname;
const version = (
	JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
		version: string;
	}
).version;
const temporary: string[] = [];
const folder = () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'refused-ship-'));
	temporary.push(dir);
	return dir;
};

afterAll(() => {
	for (const dir of temporary) {
		rmSync(dir, {recursive: true, force: true});
	}
});

describe('npm pack', () => {
	test('the package holds dist/, schema/, README and licence only, and installs and runs with no registry', async () => {
		const out = folder();
		const packed = await execa(
			'npm',
			['pack', '--json', '--pack-destination', out],
			{cwd: root, env: {npm_config_ignore_scripts: 'true'}},
		);
		const [info] = JSON.parse(packed.stdout) as Array<{
			filename: string;
			files: Array<{path: string}>;
		}>;
		const files = info!.files.map(file => file.path).toSorted();
		expect(files).toContain('dist/cli.js');
		expect(files).toContain('schema/report.schema.json');
		expect(files).toContain('README.md');
		expect(files).toContain('LICENSE');
		expect(files).toContain('package.json');
		expect(
			files.filter(
				file =>
					!/^(dist\/|schema\/|README\.md$|LICENSE$|package\.json$)/.test(file),
			),
		).toEqual([]);

		// An empty prefix, offline: every dependency is bundled, so nothing is fetched.
		const prefix = folder();
		await execa(
			'npm',
			[
				'install',
				'--global',
				'--offline',
				'--no-audit',
				'--no-fund',
				'--prefix',
				prefix,
				path.join(out, info!.filename),
			],
			{cwd: prefix},
		);
		const bin = path.join(prefix, 'bin', 'refused');
		const shown = await execa(bin, ['--version'], {cwd: prefix});
		expect(shown.stdout.trim()).toBe(version);
		const port = await closedPort();
		const run = await execa(bin, [`127.0.0.1:${port}`, '--json'], {
			cwd: prefix,
			reject: false,
			stdin: 'ignore',
		});
		expect(run.exitCode).toBe(1);
		const report = JSON.parse(run.stdout) as {
			probe: {outcome: string};
			causes: Array<{id: string}>;
		};
		expect(report.probe.outcome).toBe('refused');
		expect(report.causes[0]?.id).toBe('no-listener');
	});
});

describe('the bundle alone', () => {
	test('dist/cli.js copied to an empty folder runs a diagnosis on this Node with no node_modules above it', async () => {
		const dir = folder();
		const copy = path.join(dir, 'cli.js');
		copyFileSync(cliPath, copy);
		// No node_modules in the folder or any folder above it.
		for (let up = dir; up !== path.dirname(up); up = path.dirname(up)) {
			const listing = await execa('ls', ['-A', up]);
			expect(listing.stdout.split('\n')).not.toContain('node_modules');
		}

		const port = await closedPort();
		const run = await execa(
			process.execPath,
			[copy, `127.0.0.1:${port}`, '--json'],
			{cwd: dir, reject: false, stdin: 'ignore', env: {NODE_PATH: ''}},
		);
		expect(run.stderr).toBe('');
		expect(run.exitCode).toBe(1);
		expect(
			(JSON.parse(run.stdout) as {causes: Array<{id: string}>}).causes[0]?.id,
		).toBe('no-listener');
	});
});
