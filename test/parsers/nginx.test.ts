/* eslint-disable no-template-curly-in-string */
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	nginxErrorLogs,
	nginxServers,
	routeNginx,
} from '../../source/model/proxy/nginx.js';
import {
	expandIncludes,
	parseNginxConfig,
	parseNginxErrorLog,
	parseNginxListen,
	upstreamAddressOf,
	type NginxDirective,
} from '../../source/parsers/nginx.js';
import {splitNginxDump} from '../helpers/nginx.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/nginx/${name}`, import.meta.url), 'utf8');

/** Parse a whole `nginx -T` dump, following its includes the way the check does. */
function parseDump(text: string): NginxDirective[] {
	const files = splitNginxDump(text);
	const byPath = new Map(
		files.map(f => [f.file, parseNginxConfig(f.text, f.file).directives]),
	);
	const root = files[0]!.file;
	const directory = root.slice(0, root.lastIndexOf('/'));
	const resolve = (directive: NginxDirective): NginxDirective[] => {
		const pattern = directive.args[0]!;
		const full = pattern.startsWith('/') ? pattern : `${directory}/${pattern}`;
		const regex = new RegExp(
			`^${full.replaceAll('.', '\\.').replaceAll('*', '[^/]*')}$`,
		);
		return [...byPath.entries()]
			.filter(([path]) => regex.test(path))
			.flatMap(([, directives]) => expandIncludes(directives, resolve));
	};

	return expandIncludes(byPath.get(root)!, resolve);
}

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

describe('nginx -T dump (real, captured on this host)', () => {
	test('splits files and keeps line numbers', () => {
		const files = splitNginxDump(fixture('nginx-T-upstream.txt'));
		expect(files.map(f => f.file)).toEqual([
			'/tmp/ngx1/nginx.conf',
			'/tmp/ngx1/conf.d/app.conf',
		]);
		const app = parseNginxConfig(files[1]!.text, files[1]!.file).directives;
		expect(app.find(d => d.name === 'server')?.line).toBe(5);
	});

	test('routes / to the direct proxy_pass and /api/ through the upstream block, with file:line', () => {
		const directives = parseDump(fixture('nginx-T-upstream.txt'));
		const root = routeNginx(directives, {
			address: '127.0.0.1',
			port: 39_180,
			host: '127.0.0.1',
			path: '/',
		});
		expect(root.serverReason).toBe(
			'server block at /tmp/ngx1/conf.d/app.conf:5 (listen 127.0.0.1:39180)',
		);
		expect(root.location).toBe('/');
		expect(root.passes).toEqual([
			{
				directive: 'proxy_pass',
				value: 'http://127.0.0.1:39182',
				file: '/tmp/ngx1/conf.d/app.conf',
				line: 14,
				location: '/',
				servers: [
					{
						address: '127.0.0.1:39182',
						host: '127.0.0.1',
						port: 39_182,
						file: '/tmp/ngx1/conf.d/app.conf',
						line: 14,
						text: 'proxy_pass http://127.0.0.1:39182;',
						flags: [],
					},
				],
				variable: false,
			},
		]);
		const api = routeNginx(directives, {
			address: '127.0.0.1',
			port: 39_180,
			path: '/api/users',
		});
		expect(api.location).toBe('/api/');
		expect(api.passes[0]?.upstreamName).toBe('backend');
		expect(api.passes[0]?.servers).toEqual([
			expect.objectContaining({
				address: '127.0.0.1:39181',
				file: '/tmp/ngx1/conf.d/app.conf',
				line: 2,
				text: 'server 127.0.0.1:39181 max_fails=1;',
			}),
		]);
		expect(nginxErrorLogs(directives)).toEqual([
			{path: '/tmp/ngx1/logs/error.log', file: '/tmp/ngx1/nginx.conf', line: 3},
		]);
	});

	test('another port has no server block', () => {
		const route = routeNginx(parseDump(fixture('nginx-T-upstream.txt')), {
			address: '127.0.0.1',
			port: 80,
		});
		expect(route.server).toBeUndefined();
		expect(route.serverReason).toBe('no server block listens on port 80');
	});

	test("Debian's default config: port 80 serves files itself (no upstream)", () => {
		const directives = parseDump(fixture('nginx-T-debian-default.txt'));
		const servers = nginxServers(directives);
		expect(servers.length).toBeGreaterThan(0);
		const route = routeNginx(directives, {
			address: '127.0.0.1',
			port: 80,
			path: '/',
		});
		expect(route.server?.file).toBe('/etc/nginx/sites-enabled/default');
		expect(route.passes).toEqual([]);
		expect(nginxErrorLogs(directives).map(l => l.path)).toContain(
			'/var/log/nginx/error.log',
		);
	});
});

describe('routing', () => {
	const config = `
http {
	upstream app { server 10.0.0.5:8080; server unix:/run/app.sock backup; server app.internal; }
	server { listen 80; server_name a.example; location / { proxy_pass http://app/; } }
	server { listen 80 default_server; server_name _; location / { return 404; } }
	server {
		listen 127.0.0.1:80;
		server_name b.example;
		location = /exact { proxy_pass http://127.0.0.1:9001; }
		location ^~ /static/ { proxy_pass http://127.0.0.1:9002; }
		location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
		location ~* ^/API { if ($x) { proxy_pass http://[::1]:9003; } }
		location / { proxy_pass http://$backend_host:9004; }
	}
}
stream {
	server { listen 5432; proxy_pass 127.0.0.1:5433; }
}`;
	const {directives} = parseNginxConfig(config, '/c.conf');

	test('server_name, then default_server, then exact address wins', () => {
		expect(
			routeNginx(directives, {
				address: '10.1.1.1',
				port: 80,
				host: 'a.example',
			}).passes[0]?.servers.map(s => [s.address, s.flags]),
		).toEqual([
			['10.0.0.5:8080', []],
			['unix:/run/app.sock', ['backup']],
			['app.internal:80', []],
		]);
		expect(
			routeNginx(directives, {address: '10.1.1.1', port: 80, host: 'other'})
				.serverReason,
		).toContain('default_server');
		expect(
			routeNginx(directives, {address: '127.0.0.1', port: 80, host: 'other'})
				.server?.names,
		).toEqual(['b.example']);
	});

	test.each([
		['/exact', '= /exact', '127.0.0.1:9001'],
		['/static/x.php', '^~ /static/', '127.0.0.1:9002'],
		['/index.php', '~ \\.php$', 'unix:/run/php/php8.2-fpm.sock'],
		['/api/v1', '~* ^/API', '[::1]:9003'],
	])('location for %s', (path, location, address) => {
		const route = routeNginx(directives, {
			address: '127.0.0.1',
			port: 80,
			path,
		});
		expect(route.location).toBe(location);
		expect(route.passes[0]?.servers[0]?.address).toBe(address);
	});

	test('a variable in proxy_pass cannot be resolved from the config', () => {
		const route = routeNginx(directives, {
			address: '127.0.0.1',
			port: 80,
			path: '/',
		});
		expect(route.passes[0]).toMatchObject({variable: true, servers: []});
	});

	test('stream servers proxy plain TCP', () => {
		const route = routeNginx(directives, {address: '127.0.0.1', port: 5432});
		expect(route.server?.context).toBe('stream');
		expect(route.passes[0]?.servers[0]).toMatchObject({
			address: '127.0.0.1:5433',
			line: 17,
		});
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
