/**
How HAProxy routes a connection (model/proxy/haproxy.ts) on configs parsed by the parser: the
config HAProxy 2.6 ran with on this host (test/fixtures/haproxy) and a small written one.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {routeHaproxy} from '../../../source/model/proxy/haproxy.js';
import {parseHaproxyConfig} from '../../../source/parsers/haproxy.js';

describe('the config HAProxy 2.6 ran with on this host', () => {
	const sections = parseHaproxyConfig(
		readFileSync(
			new URL('../../fixtures/haproxy/haproxy.cfg', import.meta.url),
			'utf8',
		),
		'/tmp/hap1/haproxy.cfg',
	);

	test('frontend → default_backend → server, with file:line', () => {
		const route = routeHaproxy(sections, {address: '127.0.0.1', port: 39_190});
		expect(route.reason).toBe(
			'frontend web at /tmp/hap1/haproxy.cfg:13 (bind 127.0.0.1:39190 at line 14)',
		);
		expect(route.backends).toHaveLength(1);
		expect(route.backends[0]?.via).toBe('default_backend app (line 15)');
		expect(route.backends[0]?.servers).toEqual([
			{
				name: 'app1',
				address: '127.0.0.1:39191',
				host: '127.0.0.1',
				port: 39_191,
				file: '/tmp/hap1/haproxy.cfg',
				line: 18,
				text: 'server app1 127.0.0.1:39191',
				checked: false,
				flags: [],
			},
		]);
	});

	test('a listen section is its own backend', () => {
		const route = routeHaproxy(sections, {address: '127.0.0.1', port: 39_192});
		expect(route.backends[0]?.servers[0]).toMatchObject({
			name: 'db1',
			address: '127.0.0.1:39193',
			line: 23,
			checked: true,
		});
	});

	test('a port nobody binds', () => {
		expect(routeHaproxy(sections, {address: '127.0.0.1', port: 1}).reason).toBe(
			'no frontend or listen section binds port 1',
		);
	});
});

test('servers: no port, port offsets, IPv6, unix sockets, use_backend', () => {
	const config = [
		'frontend fe',
		'\tbind :8080',
		'\tuse_backend api if { path_beg /api }',
		'\tdefault_backend web',
		'backend web',
		'\tserver w1 10.0.0.1 check',
		'\tserver w2 [::1]:+1 backup',
		'backend api',
		'\tserver a1 /run/api.sock',
	].join('\n');
	const route = routeHaproxy(parseHaproxyConfig(config, 'h.cfg'), {
		address: '10.0.0.9',
		port: 8080,
	});
	expect(
		route.backends.map(b => [b.section.name, b.servers.map(s => s.address)]),
	).toEqual([
		['api', ['unix:/run/api.sock']],
		['web', ['10.0.0.1:8080', '[::1]:8081']],
	]);
	expect(route.backends[1]?.servers[1]?.flags).toEqual(['backup']);
});
