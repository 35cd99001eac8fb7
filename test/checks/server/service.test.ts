/**
Service-failed needs systemd, and no systemd runs on this machine: these tests feed RECORDED
`systemctl show` output (fixtures/systemctl, hand-written in its format) and REAL service log lines
(fixtures/journal, the stderr of real failing servers) through the fake Io.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {serviceState} from '../../../source/checks/server/service/index.js';
import type {CheckContext} from '../../../source/checks/types.js';
import {diagnose} from '../../../source/diagnose.js';
import {buildReport} from '../../../source/report/model.js';
import type {Facts} from '../../../source/tree/facts.js';
import {
	createFakeIo,
	loopbackInterfaces,
	type FakeIoOptions,
} from '../../helpers/fake-io.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

function context(options: FakeIoOptions, facts: Facts): CheckContext {
	return {
		target: {input: '10.0.0.5:5432', host: '10.0.0.5', port: 5432},
		facts,
		answers: {},
		io: createFakeIo(options),
		signal: new AbortController().signal,
		timeoutMs: 1000,
		onCommand() {},
		onLine() {},
	};
}

const systemdHost = {
	environment: {
		platform: 'linux',
		isRoot: true,
		inContainer: {value: false, evidence: ''},
		systemd: true,
	},
} as const;
const plainHost = {
	environment: {
		platform: 'linux',
		isRoot: true,
		inContainer: {value: false, evidence: ''},
		systemd: false,
	},
} as const;

const postgresFailed: FakeIoOptions = {
	commands: [
		{
			match: /^systemctl list-units .*postgresql\*/,
			stdout:
				'postgresql.service loaded active exited PostgreSQL RDBMS\n● postgresql@15-main.service loaded failed failed PostgreSQL Cluster 15-main\n',
		},
		{
			match: /^systemctl show postgresql\.service /,
			stdout:
				'Id=postgresql.service\nLoadState=loaded\nActiveState=active\nSubState=exited\nResult=success\nExecMainStatus=0\n',
		},
		{
			match: /^systemctl show postgresql@15-main\.service /,
			stdout: fixture('systemctl/postgresql-failed-show.txt'),
		},
		{
			match: 'journalctl -u postgresql@15-main.service -n 20 --no-pager -o cat',
			stdout: fixture('journal/postgres-address-in-use.txt'),
		},
	],
	dirs: {'/proc': ['1', '77']},
	files: {'/proc/1/comm': 'systemd\n', '/proc/77/comm': 'sshd\n'},
};

describe('service-state with systemd (recorded systemctl show + real PostgreSQL log lines)', () => {
	test('a failed unit: service-failed, confirmed, with its state and the log lines that say why', async () => {
		const result = await serviceState(context(postgresFailed, systemdHost));
		expect(result.status).toBe('problem');
		const finding = result.findings?.[0];
		expect(finding?.id).toBe('service-failed');
		expect(finding?.confidence).toBe('confirmed');
		expect(finding?.summary).toBe(
			'PostgreSQL should listen on port 5432, but its unit postgresql@15-main.service is failed/failed (exit status 1): another process holds the port: stop it, or move one of the two to another port (ss -ltnp shows who holds it).',
		);
		expect(finding?.evidence[0]).toBe(
			'systemctl show postgresql@15-main.service: postgresql@15-main.service: failed/failed (Result=exit-code, ExecMainStatus=1, NRestarts=0, exited Tue 2026-11-24 08:11:00 UTC)',
		);
		expect(finding?.evidence).toContain(
			'journalctl -u postgresql@15-main.service: 2026-11-24 08:21:03.633 UTC [20473] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use',
		);
		expect(finding?.evidence).toContain(
			'journalctl -u postgresql@15-main.service: 2026-11-24 08:21:03.637 UTC [20473] FATAL:  could not create any TCP/IP sockets',
		);
		expect(finding?.fixes.map(f => f.command)).toEqual([
			'journalctl -u postgresql@15-main.service -n 50 --no-pager',
			// Root (the fake Io's uid 0): no sudo in front.
			"ss -ltnp 'sport = :5432'",
			'systemctl restart postgresql@15-main.service',
		]);
	});

	test('a unit that keeps restarting (nginx, recorded auto-restart state, real nginx bind error)', async () => {
		const io: FakeIoOptions = {
			commands: [
				{
					match: /^systemctl list-units .*nginx\*/,
					stdout:
						'nginx.service loaded activating auto-restart A high performance web server\n',
				},
				{
					match: /^systemctl show nginx\.service /,
					stdout: fixture('systemctl/nginx-auto-restart-show.txt'),
				},
				{
					match: /^journalctl -u nginx\.service /,
					stdout: fixture('journal/nginx-address-in-use.txt'),
				},
			],
			dirs: {'/proc': []},
		};
		const result = await serviceState({
			...context(io, systemdHost),
			target: {input: 'x:80', host: '10.0.0.5', port: 80},
		});
		const finding = result.findings?.find(f => f.id === 'service-failed');
		expect(finding?.summary).toContain(
			'nginx.service is activating/auto-restart (exit status 1) after 4 restarts',
		);
		expect(
			finding?.evidence.some(e =>
				e.includes(
					'bind() to 127.0.0.1:3000 failed (98: Address already in use)',
				),
			),
		).toBe(true);
	});

	test('a stopped (not failed) unit is no service-failed: it says how to start it', async () => {
		const io: FakeIoOptions = {
			commands: [
				{
					match: /^systemctl list-units .*redis\*/,
					stdout:
						'redis-server.service loaded inactive dead Advanced key-value store\n',
				},
				{
					match: /^systemctl show redis-server\.service /,
					stdout: fixture('systemctl/redis-inactive-show.txt'),
				},
			],
			dirs: {'/proc': []},
		};
		const result = await serviceState({
			...context(io, systemdHost),
			target: {input: 'x:6379', host: '10.0.0.5', port: 6379},
		});
		expect(result.findings).toEqual([]);
		expect(result.output).toContain(
			'redis-server.service is stopped (not failed): start it with systemctl start redis-server.service',
		);
	});

	test('the whole walk on recorded output: causes[0] is service-failed, before no-listener', async () => {
		const io = createFakeIo({
			...postgresFailed,
			commands: [
				...(postgresFailed.commands ?? []),
				{
					match: 'ss -Htlnpe',
					stdout:
						'LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=77,fd=3)) ino:100 sk:1 <->\n',
				},
			],
			interfaces: [
				...loopbackInterfaces,
				{
					name: 'eth0',
					address: '10.0.0.5',
					family: 4,
					internal: false,
					cidr: '10.0.0.5/24',
				},
			],
		});
		const session = await diagnose(
			{input: '10.0.0.5:5432', host: '10.0.0.5', port: 5432},
			{io, timeoutMs: 1000},
		);
		const report = buildReport(session);
		expect(report.causes.map(c => c.id).slice(0, 2)).toEqual([
			'service-failed',
			'no-listener',
		]);
		expect(
			report.causes[0]?.evidence.some(e =>
				e.includes('FATAL:  could not create any TCP/IP sockets'),
			),
		).toBe(true);
	});
});

describe("service-state without systemd (this machine's situation)", () => {
	test("says so, and finds the failure in the service's own log file (real PostgreSQL lines)", async () => {
		const io: FakeIoOptions = {
			dirs: {
				'/proc': ['1', '50'],
				'/var/log/postgresql': [
					'postgresql-15-main.log',
					'postgresql-15-main.log.1.gz',
				],
			},
			files: {
				'/proc/1/comm': 'bash\n',
				'/proc/50/comm': 'node\n',
				'/var/log/postgresql/postgresql-15-main.log': fixture(
					'journal/postgres-cannot-assign.txt',
				),
			},
		};
		const result = await serviceState(context(io, plainHost));
		expect(result.output).toContain(
			"no systemd here (PID 1 is not systemd): looked at the process list and the services' own log files instead",
		);
		expect(result.output).toContain(
			'PostgreSQL: no postgres/postmaster process runs',
		);
		const finding = result.findings?.[0];
		expect(finding?.id).toBe('service-failed');
		expect(finding?.confidence).toBe('likely');
		expect(finding?.evidence).toContain(
			'/var/log/postgresql/postgresql-15-main.log: 2026-11-24 08:11:00.637 UTC [7342] LOG:  could not bind IPv4 address "10.9.9.9": Cannot assign requested address',
		);
		expect(finding?.fixes[0]?.command).toBe(
			'tail -n 50 /var/log/postgresql/postgresql-15-main.log',
		);
	});

	test('no log file and no process: no finding, and the step says what it looked at', async () => {
		const result = await serviceState(
			context({dirs: {'/proc': []}}, plainHost),
		);
		expect(result.findings).toEqual([]);
		expect(result.status).toBe('passed');
		expect(result.detail).toBe(
			'PostgreSQL is not running; no systemd here, and no error in its log files',
		);
	});
});
