/* eslint-disable no-template-curly-in-string */
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	parseNginxConfig,
	parseNginxErrorLog,
	parseNginxListen,
	upstreamAddressOf,
} from '../../source/parsers/nginx.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/nginx/${name}`, import.meta.url), 'utf8');

describe('parseNginxConfig', () => {
	test('directives, blocks, comments, quotes and line numbers', () => {
		const text = [
			'# a comment; with { braces }',
			'user www-data;',
			'http {',
			'\tlog_format main \'$remote_addr "quoted; semi"\';',
			'\tserver {',
			'\t\tlisten 8080 default_server;',
			'\t\tlocation / { proxy_pass http://${backend}; }',
			'\t}',
			'}',
		].join('\n');
		const {directives, errors} = parseNginxConfig(
			text,
			'/etc/nginx/nginx.conf',
		);
		expect(errors).toEqual([]);
		expect(directives[0]).toEqual({
			name: 'user',
			args: ['www-data'],
			file: '/etc/nginx/nginx.conf',
			line: 2,
		});
		const http = directives[1]!;
		expect(http.name).toBe('http');
		expect(http.block?.[0]?.args).toEqual([
			'main',
			'$remote_addr "quoted; semi"',
		]);
		const server = http.block?.[1];
		expect(server?.line).toBe(5);
		expect(server?.block?.[0]).toMatchObject({
			name: 'listen',
			args: ['8080', 'default_server'],
			line: 6,
		});
		expect(server?.block?.[1]?.block?.[0]).toMatchObject({
			name: 'proxy_pass',
			args: ['http://${backend}'],
			line: 7,
		});
	});

	test('reports syntax errors and keeps what it could parse', () => {
		const {directives, errors} = parseNginxConfig(
			'events {}\n}\nhttp {\n',
			'x.conf',
		);
		expect(directives.map(d => d.name)).toEqual(['events', 'http']);
		expect(errors).toEqual([
			'x.conf:2: unexpected "}"',
			'x.conf: unexpected end of file, expecting "}"',
		]);
	});

	test('garbage never throws', () => {
		expect(() => parseNginxConfig('"unterminated\n{{{;;}', 'g')).not.toThrow();
	});
});

describe('listen', () => {
	test.each([
		[['80'], {port: 80, defaultServer: false}],
		[
			['127.0.0.1:8080'],
			{address: '127.0.0.1', port: 8080, defaultServer: false},
		],
		[['[::]:80', 'ipv6only=on'], {port: 80, defaultServer: false}],
		[
			['[::1]:8443', 'ssl', 'default_server'],
			{address: '::1', port: 8443, defaultServer: true},
		],
		[['*:81'], {port: 81, defaultServer: false}],
		[['localhost'], {address: 'localhost', port: 80, defaultServer: false}],
	])('%j', (args, expected) => {
		expect(parseNginxListen(args, 80)).toEqual(expected);
	});

	test('unix sockets are not TCP listeners', () => {
		expect(parseNginxListen(['unix:/run/nginx.sock'], 80)).toBeUndefined();
	});
});

describe('error log (real lines, captured on this host)', () => {
	test('connect() failed (111: Connection refused) while connecting to upstream', () => {
		const entries = parseNginxErrorLog(fixture('error-upstream-refused.log'));
		expect(entries).toHaveLength(2);
		expect(entries[0]).toMatchObject({
			time: '2026/11/24 08:11:26',
			level: 'error',
			errno: 111,
			error: 'Connection refused',
			upstream: 'http://127.0.0.1:39182/',
			client: '127.0.0.1',
			server: 'app.local',
			request: 'GET / HTTP/1.1',
			host: '127.0.0.1:39180',
		});
		expect(entries[1]?.upstream).toBe('http://127.0.0.1:39181/api/x');
	});

	test('other lines and garbage', () => {
		expect(
			parseNginxErrorLog(
				'2026/01/02 03:04:05 [notice] 1#1: signal process started\nnot a log line',
			),
		).toEqual([
			{
				time: '2026/01/02 03:04:05',
				level: 'notice',
				message: 'signal process started',
				raw: '2026/01/02 03:04:05 [notice] 1#1: signal process started',
			},
		]);
	});

	test.each([
		['http://127.0.0.1:3000/', '127.0.0.1:3000'],
		['http://[::1]:3000/x', '[::1]:3000'],
		[
			'fastcgi://unix:/run/php/php8.2-fpm.sock:',
			'unix:/run/php/php8.2-fpm.sock',
		],
		['fastcgi://127.0.0.1:9000', '127.0.0.1:9000'],
	])('upstream address of %s', (url, address) => {
		expect(upstreamAddressOf(url)).toBe(address);
	});
});
