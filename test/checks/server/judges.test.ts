/**
The server judges on recorded observations (no Io, no command table): the observations are built
here or parsed from captured fixtures through the check's own parsers, and the judge is called.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {refusedHere} from '../../helpers/facts.js';
import {listenerList} from '../../../source/parsers/listeners.js';
import type {JudgeInput} from '../../../source/checks/define.js';
import {judgeBind} from '../../../source/checks/server/bind/judge.js';
import {judgeConfig} from '../../../source/checks/server/config/judge.js';
import {judgeListeners} from '../../../source/checks/server/listeners/judge.js';
import type {ListenerObservations} from '../../../source/checks/server/listeners/measure.js';
import {judgeServices} from '../../../source/checks/server/service/judge.js';
import type {ServiceObservations} from '../../../source/checks/server/service/measure.js';
import {parseSystemctlShow} from '../../../source/parsers/systemd.js';
import {parseSsListeners} from '../../../source/parsers/ss.js';
import type {Facts, Listener} from '../../../source/tree/facts.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

const environment = (systemd: boolean) => ({
	platform: 'linux',
	isRoot: true,
	inContainer: {value: false, evidence: ''},
	systemd,
});

function input(
	port: number,
	facts: Facts,
	uid: number | undefined = 0,
): JudgeInput {
	return {
		target: {input: `10.0.0.5:${port}`, host: '10.0.0.5', port},
		facts,
		answers: {},
		timeoutMs: 1000,
		uid,
	};
}

const refusedAt = (address: string): Facts => refusedHere(address);

function withListeners(
	listeners: readonly Listener[],
	extra: {unreadable?: string[]} = {},
): Facts {
	return {
		...refusedAt('10.0.0.5'),
		listeners: {
			source: 'ss',
			command: 'ss -Htlnpe',
			listeners: listenerList(listeners),
			processesVisible: true,
			...extra,
		},
	};
}

const captured = parseSsListeners(
	fixture('ss/mixed-root-htlnpe.txt'),
).listeners;

describe('judgeListeners (captured ss output, fixtures/ss)', () => {
	const observations = (
		extra: Partial<ListenerObservations>,
	): ListenerObservations => ({
		platform: 'linux',
		uid: 0,
		problems: [],
		damaged: [],
		inventory: {
			source: 'ss',
			command: 'ss -Htlnpe',
			listeners: listenerList(captured),
			unparsed: 0,
			notes: [],
		},
		...extra,
	});

	test('the listeners on the port, and the facts for the next steps', () => {
		const result = judgeListeners(observations({}), input(5432, {}));
		expect(result.status).toBe('passed');
		expect(result.detail).toBe('port 5432: 127.0.0.1:5432 postgres');
		expect(result.facts?.listeners?.listeners.count).toBe(12);
		expect(result.facts?.listeners?.unreadable).toBeUndefined();
	});

	test('a source read in part: the facts say so, and so does the detail', () => {
		const result = judgeListeners(
			observations({
				damaged: ['ss -Htlnpe: 2 lines of its output could not be read'],
			}),
			input(4444, {}),
		);
		expect(result.facts?.listeners?.unreadable).toEqual([
			'ss -Htlnpe: 2 lines of its output could not be read',
		]);
		expect(result.detail).toBe(
			'nothing listens on port 4444 (12 listeners in all); read in part only (ss -Htlnpe: 2 lines of its output could not be read), so this is less certain',
		);
	});

	test('nothing could be read: unknown, sudo only when not root', () => {
		const none = observations({
			inventory: undefined,
			problems: ['ss timed out'],
		});
		expect(judgeListeners(none, input(1, {}, 0))).toMatchObject({
			status: 'unknown',
			command: 'ss -ltnp',
		});
		expect(
			judgeListeners({...none, uid: 1000}, input(1, {}, 1000)),
		).toMatchObject({status: 'unknown', command: 'sudo ss -ltnp'});
	});

	test('not Linux: could not tell, with the command for that system', () => {
		expect(
			judgeListeners(
				{platform: 'darwin', uid: 501, problems: [], damaged: []},
				input(1, {}),
			),
		).toMatchObject({
			status: 'unknown',
			command: 'lsof -nP -iTCP -sTCP:LISTEN',
		});
	});
});

describe('judgeBind', () => {
	test('nothing listens: no-listener confirmed; as root the ss fix has no sudo', () => {
		const result = judgeBind({}, input(4444, withListeners(captured)));
		const finding = result.findings?.find(f => f.id === 'no-listener');
		expect(finding?.confidence).toBe('confirmed');
		expect(finding?.fixes.map(f => f.command)).toContain('ss -ltnp');
	});

	test('not root: the same fix with sudo', () => {
		const result = judgeBind({}, input(4444, withListeners(captured), 1000));
		expect(
			result.findings
				?.find(f => f.id === 'no-listener')
				?.fixes.map(f => f.command),
		).toContain('sudo ss -ltnp');
	});

	test('a listener list read in part: no-listener is likely, not confirmed, and the evidence says why', () => {
		const result = judgeBind(
			{},
			input(
				4444,
				withListeners(captured, {
					unreadable: ['ss -Htlnpe: 3 lines of its output could not be read'],
				}),
			),
		);
		const finding = result.findings?.find(f => f.id === 'no-listener');
		expect(finding?.confidence).toBe('likely');
		expect(finding?.evidence).toContain(
			'could not be read: ss -Htlnpe: 3 lines of its output could not be read',
		);
	});

	test('a dev server on loopback: the fix is its own command line with --host, quoted word by word', () => {
		const node = {name: 'node', pid: 10};
		const result = judgeBind(
			{argv: ['node', '/srv/my app/node_modules/.bin/vite', '--port', '5173']},
			input(
				5173,
				withListeners([
					{address: '127.0.0.1', port: 5173, family: 4, process: node},
				]),
			),
		);
		expect(result.findings?.[0]?.id).toBe('loopback-only');
		expect(result.findings?.[0]?.fixes[0]?.command).toBe(
			"node '/srv/my app/node_modules/.bin/vite' --port 5173 --host 0.0.0.0",
		);
	});

	test('the listeners could not be read: unknown', () => {
		expect(judgeBind({}, input(1, refusedAt('10.0.0.5'), 1000))).toMatchObject({
			status: 'unknown',
			command: 'sudo ss -ltnp',
		});
	});
});

describe('judgeServices (recorded systemctl show, real service log lines: fixtures/systemctl, fixtures/journal)', () => {
	const none = {command: 'x', stdout: ''};
	const failedShow = fixture('systemctl/postgresql-failed-show.txt');

	test('a failed unit with its journal: service-failed, confirmed', () => {
		const observations: ServiceObservations = {
			expected: ['postgresql'],
			running: [],
			units: {
				postgresql: {
					list: none,
					units: [
						{
							unit: 'postgresql@15-main.service',
							show: {command: 'systemctl show', stdout: failedShow},
							state: parseSystemctlShow(failedShow)[0]!,
							journal: {
								command: 'journalctl -u postgresql@15-main.service',
								stdout: fixture('journal/postgres-address-in-use.txt'),
							},
						},
					],
				},
			},
			logs: {},
		};
		const result = judgeServices(
			observations,
			input(5432, {environment: environment(true)}, 1000),
		);
		expect(result.status).toBe('problem');
		expect(result.findings?.[0]?.fixes.map(f => f.command)).toEqual([
			'journalctl -u postgresql@15-main.service -n 50 --no-pager',
			"sudo ss -ltnp 'sport = :5432'",
			'sudo systemctl restart postgresql@15-main.service',
		]);
	});

	test('systemctl timed out: could not tell (unknown), never "not running"', () => {
		const observations: ServiceObservations = {
			expected: ['postgresql'],
			running: [],
			units: {
				postgresql: {
					list: {
						command: 'systemctl list-units',
						stdout: '',
						failed: 'timed out',
					},
					units: [
						{
							unit: 'postgresql.service',
							show: {
								command: 'systemctl show',
								stdout: '',
								failed: 'timed out',
							},
						},
					],
				},
			},
			logs: {},
		};
		const result = judgeServices(
			observations,
			input(5432, {environment: environment(true)}),
		);
		expect(result.status).toBe('unknown');
		expect(result.detail).toBe(
			'could not tell whether the service failed: systemctl list-units timed out for PostgreSQL; systemctl show postgresql.service timed out: run by hand: systemctl status postgresql.service',
		);
		expect(result.findings).toEqual([]);
	});

	test('an unreadable log folder (as nobody): could not tell, never "no error in its log files"', () => {
		const observations: ServiceObservations = {
			expected: ['postgresql'],
			running: [],
			units: {},
			logs: {
				postgresql: {
					files: [],
					unreadable: [{path: '/var/log/postgresql', code: 'EACCES'}],
				},
			},
		};
		const result = judgeServices(
			observations,
			input(5432, {environment: environment(false)}, 65_534),
		);
		expect(result.status).toBe('unknown');
		expect(result.detail).toBe(
			'could not tell whether the service failed: /var/log/postgresql cannot be read (EACCES: not root): run by hand: sudo tail -n 50 /var/log/postgresql',
		);
		expect(result.detail).not.toMatch(/no error/);
	});

	test('logs read, nothing wrong in them: passed, not running', () => {
		const result = judgeServices(
			{
				expected: ['postgresql'],
				running: [],
				units: {},
				logs: {
					postgresql: {
						files: [{path: '/var/log/postgresql/x.log', text: 'LOG: ready\n'}],
						unreadable: [],
					},
				},
			},
			input(5432, {environment: environment(false)}),
		);
		expect(result.status).toBe('passed');
		expect(result.detail).toBe(
			'PostgreSQL is not running; no systemd here, and no error in its log files',
		);
	});
});

describe('judgeConfig', () => {
	test('no known service for the port: skipped, with empty service facts', () => {
		expect(judgeConfig({wanted: [], configs: []}, input(4444, {}))).toEqual({
			status: 'skipped',
			detail:
				'no known service (database, web server, cache, sshd) listens on or is known for port 4444',
			facts: {services: {configs: []}},
		});
	});

	test('a config that could not be read (permission denied): unknown', () => {
		const result = judgeConfig(
			{
				wanted: ['postgresql'],
				configs: [
					{
						service: 'postgresql',
						how: 'the default path',
						files: [],
						lines: [],
						problems: [
							'/etc/postgresql/15/main/postgresql.conf: permission denied (not root); read it with: sudo cat /etc/postgresql/15/main/postgresql.conf',
						],
					},
				],
			},
			input(5432, {}),
		);
		expect(result.status).toBe('unknown');
	});
});
