import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {
	describeUnit,
	parseListUnits,
	parseSystemctlShow,
	unitFailed,
} from '../../source/parsers/systemd.js';
import {inputs, runs, seed} from '../helpers/fuzz.js';

const fixture = (name: string) =>
	readFileSync(
		new URL(`../fixtures/systemctl/${name}`, import.meta.url),
		'utf8',
	);

// No systemd runs on this machine: these are recorded in the systemctl show format (fixtures/systemctl/README.md).
describe('parseSystemctlShow (recorded systemctl show output: no systemd on this host)', () => {
	test('a failed unit', () => {
		const [unit] = parseSystemctlShow(fixture('postgresql-failed-show.txt'));
		expect(unit).toMatchObject({
			id: 'postgresql@15-main.service',
			activeState: 'failed',
			subState: 'failed',
			result: 'exit-code',
			execMainStatus: 1,
			nRestarts: 0,
			mainPid: 0,
		});
		expect(unitFailed(unit!)).toBe(true);
		expect(describeUnit(unit!)).toBe(
			'postgresql@15-main.service: failed/failed (Result=exit-code, ExecMainStatus=1, NRestarts=0, exited Tue 2026-11-24 08:11:00 UTC)',
		);
	});

	test('a unit that keeps restarting is failing too', () => {
		const [unit] = parseSystemctlShow(fixture('nginx-auto-restart-show.txt'));
		expect(unit).toMatchObject({
			activeState: 'activating',
			subState: 'auto-restart',
			nRestarts: 4,
		});
		expect(unitFailed(unit!)).toBe(true);
	});

	test('active and cleanly stopped units did not fail', () => {
		expect(
			unitFailed(parseSystemctlShow(fixture('nginx-active-show.txt'))[0]!),
		).toBe(false);
		expect(
			unitFailed(parseSystemctlShow(fixture('redis-inactive-show.txt'))[0]!),
		).toBe(false);
	});

	test('real output of this host (no systemd): nothing on stdout, no unit', () => {
		expect(parseSystemctlShow(fixture('no-systemd-show.stdout.txt'))).toEqual(
			[],
		);
		expect(fixture('no-systemd-show.stderr.txt')).toContain(
			'System has not been booted with systemd',
		);
	});

	test('several units, separated by blank lines', () => {
		const units = parseSystemctlShow(
			`${fixture('nginx-active-show.txt')}\n${fixture('redis-inactive-show.txt')}`,
		);
		expect(units.map(u => u.id)).toEqual([
			'nginx.service',
			'redis-server.service',
		]);
	});

	test('parseListUnits', () => {
		expect(
			parseListUnits(
				'postgresql.service loaded active exited PostgreSQL RDBMS\n● postgresql@15-main.service loaded failed failed PostgreSQL Cluster 15-main\n',
			),
		).toEqual(['postgresql.service', 'postgresql@15-main.service']);
	});
});

describe('fuzz', () => {
	test(`property: random and damaged systemctl output never throws (${runs} cases, seed ${seed})`, () => {
		const captures = [
			fixture('postgresql-failed-show.txt'),
			fixture('nginx-auto-restart-show.txt'),
		];
		fc.assert(
			fc.property(inputs(captures), text => {
				for (const unit of parseSystemctlShow(text)) {
					expect(typeof unitFailed(unit)).toBe('boolean');
					expect(typeof describeUnit(unit)).toBe('string');
				}

				expect(Array.isArray(parseListUnits(text))).toBe(true);
			}),
			{numRuns: runs, seed},
		);
	});
});
