/**
Issue 15 item 1: every server fix builder fed hostile text from the system (argv from
/proc/PID/cmdline, config file paths, unit names, log paths, config values). Each command pasted
into `sh -c` must run nothing else (assertInert), and where the command is one argv, each hostile
argument must stay one word (shellWords).
*/
import {describe, expect, test} from 'vitest';
import {listenerList} from '../../../source/parsers/listeners.js';
import {
	bindFixes,
	restartCommand,
} from '../../../source/checks/server/fixes.js';
import {judgeBind} from '../../../source/checks/server/bind/judge.js';
import {
	logFailedFinding,
	unitFailedFinding,
} from '../../../source/checks/server/service/explain.js';
import {devServerFix} from '../../../source/services/dev-servers.js';
import {services, serviceById} from '../../../source/services/index.js';
import {shellQuote} from '../../../source/text/sanitize.js';
import type {
	ConfigLine,
	ServiceConfigFacts,
} from '../../../source/tree/facts.js';
import {
	assertInert,
	hostileStrings,
	shellWords,
} from '../../helpers/hostile.js';

const hosts = [
	{systemd: false, root: true},
	{systemd: false, root: false},
	{systemd: true, root: true},
	{systemd: true, root: false},
];

function hostileConfig(id: string, value: string): ServiceConfigFacts {
	return {
		service: id,
		pid: 42,
		argv: [
			`/usr/sbin/${id}`,
			'-D',
			value,
			'-c',
			value,
			'-p',
			value,
			'-f',
			value,
			`--config=${value}`,
			`--defaults-file=${value}`,
		],
		how: 'test',
		files: [value],
		lines: [],
		problems: [],
	};
}

describe('restart commands of every service', () => {
	test.each(services.map(s => [s.id]))('%s', id => {
		const service = serviceById(id)!;
		for (const value of hostileStrings) {
			for (const host of hosts) {
				assertInert(restartCommand(service, hostileConfig(id, value), host));
			}
		}
	});

	test('pg_ctl -D DIR: the data folder from /proc/PID/cmdline stays one word', () => {
		const postgresql = serviceById('postgresql')!;
		for (const value of hostileStrings) {
			const command = restartCommand(
				postgresql,
				hostileConfig('postgresql', value),
				{systemd: false, root: true},
			);
			expect(shellWords(command)).toEqual([
				'sudo',
				'-u',
				'postgres',
				'pg_ctl',
				'-D',
				value,
				'restart',
			]);
		}
	});

	test('nginx -c FILE -p PREFIX: each stays one word', () => {
		const nginx = serviceById('nginx')!;
		for (const value of hostileStrings) {
			const command = restartCommand(nginx, hostileConfig('nginx', value), {
				systemd: false,
				root: true,
			});
			const check = shellQuote(['nginx', '-c', value, '-p', value, '-t']);
			expect(command.startsWith(`${check} && `)).toBe(true);
			expect(shellWords(check)).toEqual([
				'nginx',
				'-c',
				value,
				'-p',
				value,
				'-t',
			]);
		}
	});
});

describe('bind fixes: config edits from hostile paths and values', () => {
	test.each(services.map(s => [s.id]))('%s', id => {
		const service = serviceById(id)!;
		for (const value of hostileStrings) {
			const bindLine: ConfigLine = {
				file: value,
				line: 7,
				text: value,
				key: 'listen',
				addresses: [value, '127.0.0.1'],
			};
			for (const line of [bindLine, {...bindLine, line: 0}, undefined]) {
				const fixes = bindFixes(
					service,
					{config: hostileConfig(id, value), bindLine: line},
					{address: '10.0.0.5', port: 5432},
					{systemd: false, root: true},
				);
				for (const fix of fixes) {
					assertInert(fix.command);
				}
			}
		}
	});

	test('a config value that is not an address is not written back into the edit', () => {
		const fixes = bindFixes(
			serviceById('postgresql')!,
			{
				config: undefined,
				bindLine: {
					file: '/etc/postgresql/15/main/postgresql.conf',
					line: 60,
					text: "listen_addresses = 'localhost'",
					key: 'listen_addresses',
					addresses: ['localhost', "x'$(id)"],
				},
			},
			{address: '10.0.0.5', port: 5432},
			{systemd: true, root: true},
		);
		expect(fixes[0]?.command).toBe(
			"/etc/postgresql/15/main/postgresql.conf:60: listen_addresses = 'localhost,10.0.0.5'",
		);
	});
});

describe('dev-server fixes: the real command line, quoted word by word', () => {
	test.each([
		['node', '/app/node_modules/.bin/vite'],
		['python3', 'manage.py', 'runserver'],
		['gunicorn', 'app:app'],
		['/usr/bin/node', 'server.js'],
	])('%s %s', (...prefix) => {
		for (const value of hostileStrings) {
			const argv = [...prefix, value, '--port', value];
			const fix = devServerFix(argv, 3000, 'exposure');
			expect(fix).toBeDefined();
			assertInert(fix!.command);
			if (!fix!.command.startsWith('server.listen')) {
				const words = shellWords(fix!.command);
				expect(words.slice(0, prefix.length)).toEqual(prefix);
				expect(words.filter(word => word === value)).toHaveLength(2);
			}
		}
	});
});

describe('wrong-port and service-failed fixes', () => {
	test('wrong-port: a hostile config path in "FILE:LINE: port = N" and in the restart', () => {
		for (const value of hostileStrings) {
			const result = judgeBind(
				{},
				{
					target: {input: '10.0.0.5:5432', host: '10.0.0.5', port: 5432},
					facts: {
						local: {
							addresses: ['10.0.0.5'],
							isLocal: true,
							localTargets: ['10.0.0.5'],
							hostname: 'h',
						},
						listeners: {
							source: 'ss',
							command: 'ss -Htlnpe',
							processesVisible: true,
							listeners: listenerList([
								{
									address: '0.0.0.0',
									port: 5433,
									family: 4,
									process: {name: 'postgres', pid: 42},
								},
							]),
						},
						services: {
							configs: [
								{
									...hostileConfig('postgresql', value),
									lines: [
										{
											file: value,
											line: 3,
											text: 'port = 5433',
											key: 'port',
											port: 5433,
										},
									],
								},
							],
						},
					},
					answers: {},
					timeoutMs: 1000,
					uid: 1000,
				},
			);
			const fixes = result.findings?.flatMap(f => f.fixes) ?? [];
			expect(fixes.length).toBeGreaterThan(2);
			for (const fix of fixes) {
				assertInert(fix.command);
			}
		}
	});

	test('service-failed: hostile unit names and log paths', () => {
		const postgresql = serviceById('postgresql')!;
		for (const value of hostileStrings) {
			for (const root of [true, false]) {
				const unit = unitFailedFinding({
					service: postgresql,
					port: 5432,
					state: {
						id: value,
						activeState: 'failed',
						subState: 'failed',
						properties: {},
					},
					log: {text: '', lines: [], reason: 'address-in-use'},
					root,
				});
				const log = logFailedFinding({
					service: postgresql,
					port: 5432,
					path: value,
					lines: [],
					restart: restartCommand(
						postgresql,
						hostileConfig('postgresql', value),
						{
							systemd: false,
							root,
						},
					),
				});
				for (const fix of [...unit.fixes, ...log.fixes]) {
					assertInert(fix.command);
				}

				expect(shellWords(log.fixes[0]!.command)).toEqual([
					'tail',
					'-n',
					'50',
					value,
				]);
			}
		}
	});
});
