import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	haproxyConfigArgs,
	parseHaproxyBind,
	parseHaproxyConfig,
} from '../../source/parsers/haproxy.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/haproxy/${name}`, import.meta.url), 'utf8');

describe('parseHaproxyConfig (the config HAProxy 2.6 ran with on this host)', () => {
	const sections = parseHaproxyConfig(
		fixture('haproxy.cfg'),
		'/tmp/hap1/haproxy.cfg',
	);

	test('sections with line numbers', () => {
		expect(sections.map(s => [s.kind, s.name, s.line])).toEqual([
			['global', '', 1],
			['defaults', '', 5],
			['frontend', 'web', 13],
			['backend', 'app', 17],
			['listen', 'tcpsvc', 20],
		]);
	});
});

test("Debian's default haproxy.cfg has no frontend", () => {
	const sections = parseHaproxyConfig(
		fixture('debian-default.cfg'),
		'/etc/haproxy/haproxy.cfg',
	);
	expect(sections.map(s => s.kind)).toEqual(['global', 'defaults']);
	expect(sections[0]?.lines.find(l => l.keyword === 'stats')?.args).toEqual([
		'socket',
		'/run/haproxy/admin.sock',
		'mode',
		'660',
		'level',
		'admin',
	]);
});

test.each([
	['*:80', [{port: 80, portEnd: 80}]],
	[':8000-8010', [{port: 8000, portEnd: 8010}]],
	[
		'127.0.0.1:8080,[::1]:8080',
		[
			{address: '127.0.0.1', port: 8080, portEnd: 8080},
			{address: '::1', port: 8080, portEnd: 8080},
		],
	],
	['ipv4@0.0.0.0:443', [{port: 443, portEnd: 443}]],
	['unix@/run/x.sock', []],
	['garbage', []],
])('bind %s', (spec, expected) => {
	expect(parseHaproxyBind(spec)).toEqual(expected);
});

test('config files from the command line (real /proc/PID/cmdline)', () => {
	const argv = readFileSync(
		new URL('../fixtures/haproxy/cmdline.bin', import.meta.url),
		'utf8',
	)
		.split('\0')
		.filter(Boolean);
	expect(argv).toEqual([
		'/usr/sbin/haproxy',
		'-f',
		'/tmp/hap1/haproxy.cfg',
		'-db',
	]);
	expect(haproxyConfigArgs(argv)).toEqual(['/tmp/hap1/haproxy.cfg']);
	expect(
		haproxyConfigArgs([
			'haproxy',
			'-Ws',
			'-f',
			'/etc/haproxy/haproxy.cfg',
			'-f',
			'/etc/haproxy/conf.d',
			'-p',
			'/run/haproxy.pid',
		]),
	).toEqual(['/etc/haproxy/haproxy.cfg', '/etc/haproxy/conf.d']);
});
