/**
How nginx routes a request (model/proxy/nginx.ts) on configs parsed by the parser: the `nginx -T`
dumps captured on this host (test/fixtures/nginx) and small written configs.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	nginxErrorLogs,
	nginxServers,
	routeNginx,
} from '../../../source/model/proxy/nginx.js';
import {
	expandIncludes,
	parseNginxConfig,
	type NginxDirective,
} from '../../../source/parsers/nginx.js';
import {splitNginxDump} from '../../helpers/nginx.js';

const fixture = (name: string) =>
	readFileSync(
		new URL(`../../fixtures/nginx/${name}`, import.meta.url),
		'utf8',
	);

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
