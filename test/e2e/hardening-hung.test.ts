/**
Hung programs (issue 15, item 4): six `#!/bin/sh` wrappers that run `sleep` without exec, first on
PATH as ss, iptables-save, nft, docker, systemctl and journalctl at once. The diagnosis still
answers, the steps that needed them say "could not tell", the process exits, and no sleep is left.
*/
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, describe, expect, test} from 'vitest';
import {cliPath, closedPort} from '../helpers/cli.js';
import {schemaErrors} from '../helpers/schema.js';

const programs = [
	'ss',
	'iptables-save',
	'nft',
	'docker',
	'systemctl',
	'journalctl',
];
// A duration no other program on this machine sleeps, to find these sleeps in ps.
const sleep = `sleep 6007${process.pid}`;
const folder = mkdtempSync(path.join(tmpdir(), 'refused-hung-'));
for (const program of programs) {
	const file = path.join(folder, program);
	writeFileSync(file, `#!/bin/sh\n${sleep}\necho never\n`);
	chmodSync(file, 0o755);
}

afterAll(() => {
	rmSync(folder, {recursive: true, force: true});
});

const sleeps = async () =>
	String((await execa('ps', ['-eo', 'args'])).stdout)
		.split('\n')
		.filter(line => line.trim() === sleep);

describe('six hung programs first on PATH at once', () => {
	test.each(['--json', '--markdown'])(
		'%s: the diagnosis answers within 15 s, the process exits, no sleep is left',
		async format => {
			const port = await closedPort();
			const started = performance.now();
			const result = await execa(
				process.execPath,
				[cliPath, `127.0.0.1:${port}`, format],
				{
					reject: false,
					// The bound that proves "does not hang"; the wait below is execa's own kill, never reached.
					timeout: 60_000,
					stdin: 'ignore',
					// A docker context makes the tool start the (hung) docker CLI rather than skip it for lack of an engine.
					env: {
						PATH: `${folder}:${process.env['PATH'] ?? ''}`,
						DOCKER_CONTEXT: 'default',
					},
				},
			);
			const seconds = (performance.now() - started) / 1000;
			expect(result.timedOut, 'the process did not exit').toBe(false);
			expect(result.exitCode, result.stderr).toBe(1);
			expect(seconds).toBeLessThanOrEqual(15);
			expect(await sleeps()).toEqual([]);
			if (format === '--json') {
				const report = JSON.parse(result.stdout) as {
					steps: Array<{id: string; status: string; output?: string[]}>;
				};
				expect(schemaErrors(report)).toEqual([]);
				const status = (id: string) =>
					report.steps.find(s => s.id === id)?.status;
				expect(status('firewall')).toBe('unknown');
				expect(status('container-engine')).toBe('unknown');
				// The listeners come from /proc when ss hangs, and say so.
				expect(report.steps.find(s => s.id === 'listeners')?.output).toContain(
					'(ss -Htlnpe timed out: used proc instead)',
				);
			} else {
				expect(result.stdout).toMatch(/^# refused: 127\.0\.0\.1:/);
			}
		},
	);
});
