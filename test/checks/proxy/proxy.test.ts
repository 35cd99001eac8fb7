import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {listenerList} from '../../../source/parsers/listeners.js';
import {reverseProxy} from '../../../source/checks/proxy/detect.js';
import {loadBalancer} from '../../../source/checks/proxy/load-balancer.js';
import {proxyUpstream} from '../../../source/checks/proxy/upstream.js';
import type {CheckContext} from '../../../source/checks/types.js';
import {nginxOptions} from '../../../source/proxies/nginx.js';
import type {Facts, Target} from '../../../source/tree/facts.js';
import {
	proxyAnswer,
	proxyChecks,
	proxyQuestionApplies,
} from '../../../source/tree/nodes/proxy.js';
import type {Answers} from '../../../source/tree/types.js';
import {createFakeIo, type FakeIoOptions} from '../../helpers/fake-io.js';
import {splitNginxDump} from '../../helpers/nginx.js';

const fixture = (path: string) =>
	readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');

/** The nginx captured on this host: master 8388 (-c /tmp/ngx1/nginx.conf -p /tmp/ngx1/), worker 8389. */
const nginxFiles = Object.fromEntries(
	splitNginxDump(fixture('nginx/nginx-T-upstream.txt')).map(f => [
		f.file,
		f.text,
	]),
);
const nginxProc = {
	'/proc/8389/cmdline': fixture('nginx/cmdline-worker.bin'),
	'/proc/8389/comm': 'nginx\n',
	'/proc/8389/status': 'Name:\tnginx\nPPid:\t8388\n',
	'/proc/8388/cmdline': fixture('nginx/cmdline-master.bin'),
	'/proc/8388/comm': 'nginx\n',
	'/proc/8388/status': 'Name:\tnginx\nPPid:\t1\n',
};
const tailLog = {
	match: 'tail -n 200 -- /tmp/ngx1/logs/error.log',
	stdout: fixture('nginx/error-upstream-refused.log'),
};
const nothingOn = (port: number) => ({
	match: `ss -Htlnp sport = :${port}`,
	stdout: '',
});

const target: Target = {
	input: 'http://127.0.0.1:39180/',
	host: '127.0.0.1',
	port: 39_180,
	scheme: 'http',
};
const localFacts: Facts = {
	target,
	probe: {
		outcome: 'open',
		address: '127.0.0.1',
		ms: 1,
		addresses: [
			{
				address: '127.0.0.1',
				family: 4,
				source: 'literal',
				outcome: 'open',
				ms: 1,
				code: 'connect',
			},
		],
	},
	local: {
		addresses: ['127.0.0.1', '::1'],
		isLocal: true,
		localTargets: ['127.0.0.1'],
		hostname: 'testhost',
	},
};
const nginx502: Facts = {
	...localFacts,
	upstream: {
		proxy: 'nginx',
		evidence: 'nginx (pid 8389) listens on 127.0.0.1:39180',
		local: true,
		pid: 8389,
		http: {url: 'http://127.0.0.1:39180/', status: 502, server: 'nginx/1.22.1'},
	},
};

function context(
	facts: Facts,
	options: FakeIoOptions,
	overrides: {target?: Target; answers?: Answers} = {},
) {
	// Not root unless a test says so: fixes needing root carry `sudo`.
	const io = createFakeIo({uid: 1000, ...options});
	const commands: string[] = [];
	const ctx: CheckContext = {
		target: overrides.target ?? target,
		facts,
		answers: overrides.answers ?? {},
		io,
		signal: new AbortController().signal,
		timeoutMs: 1000,
		onCommand(command) {
			commands.push(command);
		},
		onLine() {},
	};
	return {ctx, io, commands};
}

describe('reverse-proxy', () => {
	test('nginx found by its listening process, 502 from the HTTP answer', async () => {
		const {ctx, io} = context(localFacts, {
			commands: [
				{
					match: 'ss -Htlnp sport = :39180',
					stdout:
						'LISTEN 0      511    127.0.0.1:39180 0.0.0.0:* users:(("nginx",pid=8389,fd=5),("nginx",pid=8388,fd=5))\n',
				},
			],
			http: {
				'http://127.0.0.1:39180/': {
					ok: true,
					status: 502,
					headers: {server: 'nginx/1.22.1'},
					body: '',
				},
			},
		});
		const result = await reverseProxy(ctx);
		expect(result.status).toBe('problem');
		expect(result.detail).toBe(
			'nginx answers 502 Bad Gateway: its own connection to the backend failed (nginx (pid 8388) listens on 127.0.0.1:39180)',
		);
		expect(result.facts?.upstream).toEqual({
			proxy: 'nginx',
			evidence: 'nginx (pid 8388) listens on 127.0.0.1:39180',
			local: true,
			pid: 8388,
			http: {
				url: 'http://127.0.0.1:39180/',
				status: 502,
				server: 'nginx/1.22.1',
			},
		});
		expect(io.calls).toEqual(['ss -Htlnp sport = :39180']);
	});

	test("uses the listeners step when it ran, and HAProxy's own 503 page when there is no Server header", async () => {
		const facts: Facts = {
			...localFacts,
			listeners: {
				source: 'ss',
				command: 'ss -Htlnpe',
				processesVisible: false,
				listeners: listenerList([
					{address: '127.0.0.1', port: 39_180, family: 4},
				]),
			},
		};
		const {ctx, io} = context(facts, {
			http: {
				'http://127.0.0.1:39180/': {
					ok: true,
					status: 503,
					headers: {},
					body: fixture('haproxy/response-503.txt')
						.split(/\r?\n\r?\n/)
						.slice(1)
						.join('\n'),
				},
			},
		});
		const result = await reverseProxy(ctx);
		expect(io.calls).toEqual([]);
		expect(result.facts?.upstream).toMatchObject({
			proxy: 'haproxy',
			local: true,
			evidence:
				'the response body says "No server is available to handle this request"',
		});
		expect(result.output).toContain(
			'the processes that own the sockets are hidden (not root): sudo ss -Htlnp',
		);
	});

	test('a remote AWS load balancer by its Server header', async () => {
		const remote: Target = {
			input: 'https://shop.example/',
			host: 'shop.example',
			port: 443,
			scheme: 'https',
		};
		const facts: Facts = {
			...localFacts,
			target: remote,
			local: {
				addresses: ['127.0.0.1'],
				isLocal: false,
				localTargets: [],
				hostname: 'h',
			},
		};
		const {ctx} = context(
			facts,
			{
				http: {
					'https://shop.example/': {
						ok: true,
						status: 503,
						headers: {server: 'awselb/2.0'},
						body: '',
					},
				},
			},
			{target: remote},
		);
		const result = await reverseProxy(ctx);
		expect(result.facts?.upstream).toMatchObject({
			proxy: 'aws-elb',
			local: false,
			evidence: 'Server: awselb/2.0',
		});
		expect(
			proxyChecks.find(c => c.id === 'proxy-upstream')?.when(result.facts!, {}),
		).toBe('the proxy is not on this host, so its config cannot be read here');
		expect(
			proxyChecks.find(c => c.id === 'load-balancer')?.when(result.facts!, {}),
		).toBe(true);
		const lb = await loadBalancer(
			context(result.facts!, {}, {target: remote}).ctx,
		);
		expect(lb.status).toBe('problem');
		expect(lb.findings?.[0]).toMatchObject({
			id: 'upstream-refused',
			confidence: 'likely',
		});
		expect(lb.findings?.[0]?.fixes.map(f => f.command)).toContain(
			'aws elbv2 describe-target-health --target-group-arn <tg-arn>',
		);
	});

	test('not HTTP and not local: skipped', () => {
		const facts: Facts = {
			...localFacts,
			target: {input: 'db:5432', host: 'db', port: 5432},
			local: {addresses: [], isLocal: false, localTargets: [], hostname: 'h'},
		};
		expect(proxyChecks[0]?.when(facts, {})).toBe(
			'not an http(s) URL and not on this host: nothing to ask or read',
		);
		expect(
			proxyChecks[0]?.when(
				{...facts, probe: {...facts.probe!, outcome: 'refused'}},
				{},
			),
		).toBe('the target does not accept connections, so no proxy answers on it');
	});
});

describe('proxy-upstream: nginx', () => {
	test("config from the master's command line, route, refused upstream, error log, nothing on its port", async () => {
		const {ctx, io} = context(nginx502, {
			files: {...nginxProc, ...nginxFiles},
			dirs: {'/tmp/ngx1/conf.d': ['app.conf']},
			commands: [tailLog, nothingOn(39_182)],
		});
		const result = await proxyUpstream(ctx);
		expect(result.status).toBe('problem');
		const finding = result.findings?.[0];
		expect(finding?.id).toBe('upstream-refused');
		expect(finding?.confidence).toBe('confirmed');
		expect(finding?.summary).toBe(
			'nginx answers 502 Bad Gateway, but its upstream 127.0.0.1:39182 (/tmp/ngx1/conf.d/app.conf:14) refuses connections; nothing listens on port 39182 on this host: the backend is not running, or listens on another port.',
		);
		expect(finding?.evidence).toEqual([
			'GET http://127.0.0.1:39180/ → 502 Bad Gateway (Server: nginx/1.22.1)',
			'server block at /tmp/ngx1/conf.d/app.conf:5 (listen 127.0.0.1:39180), location /',
			'/tmp/ngx1/conf.d/app.conf:14: proxy_pass http://127.0.0.1:39182;',
			'connect 127.0.0.1:39182: refused (ECONNREFUSED) in 1 ms',
			'error log: 2026/11/24 08:11:26 [error] 8389#8389: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: app.local, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:39182/", host: "127.0.0.1:39180"',
			"on this host nothing listens on port 39182 at all (ss -Htlnp 'sport = :39182')",
		]);
		expect(finding?.fixes.map(f => f.command)).toEqual([
			'refused 127.0.0.1:39182',
			'sudo /usr/sbin/nginx -p /tmp/ngx1/ -c /tmp/ngx1/nginx.conf -t && sudo /usr/sbin/nginx -p /tmp/ngx1/ -c /tmp/ngx1/nginx.conf -s reload',
		]);
		expect(result.facts?.upstream?.upstreams).toEqual([
			{
				address: '127.0.0.1:39182',
				outcome: 'refused',
				source: '/tmp/ngx1/conf.d/app.conf:14',
				local: true,
			},
		]);
		// Read-only: the executables of worker and master, files and the log's tail, nothing else.
		expect(io.calls).toEqual([
			'readlink -- /proc/8389/exe',
			'readlink -- /proc/8388/exe',
			'tail -n 200 -- /tmp/ngx1/logs/error.log',
			'ss -Htlnp sport = :39182',
		]);
	});

	test('the upstream block for /api/ names the server line inside it', async () => {
		const facts: Facts = {
			...nginx502,
			upstream: {
				...nginx502.upstream,
				http: {url: 'http://127.0.0.1:39180/api/x', status: 502},
			},
		};
		const {ctx} = context(facts, {
			files: {...nginxProc, ...nginxFiles},
			dirs: {'/tmp/ngx1/conf.d': ['app.conf']},
			commands: [tailLog, nothingOn(39_181)],
		});
		const result = await proxyUpstream(ctx);
		expect(result.findings?.[0]?.evidence).toContain(
			'/tmp/ngx1/conf.d/app.conf:2: server 127.0.0.1:39181 max_fails=1;',
		);
	});

	test('the upstream listens on another address of the same port: the server-side hint says who', async () => {
		const facts: Facts = {
			...nginx502,
			listeners: {
				source: 'ss',
				command: 'ss -Htlnpe',
				processesVisible: true,
				listeners: listenerList([
					{
						address: '::1',
						port: 39_182,
						family: 6,
						process: {name: 'node', pid: 77},
					},
				]),
			},
		};
		const {ctx} = context(facts, {
			files: {...nginxProc, ...nginxFiles},
			dirs: {'/tmp/ngx1/conf.d': ['app.conf']},
			commands: [tailLog],
		});
		const result = await proxyUpstream(ctx);
		expect(result.findings?.[0]?.summary).toContain(
			'port 39182 on this host is held by [::1]:39182 (node pid 77), not on the address the proxy dials',
		);
	});

	test('files unreadable: nginx -T is not run (it opens log and pid files), the step says how to read them', async () => {
		const {ctx, io} = context(nginx502, {
			files: nginxProc,
			commands: [tailLog, nothingOn(39_182)],
		});
		const result = await proxyUpstream(ctx);
		expect(io.calls.some(call => call.includes('nginx -T'))).toBe(false);
		expect(result.status).toBe('unknown');
		expect(result.detail).toMatch(
			/^cannot read the nginx config: .*; run by hand: sudo \/usr\/sbin\/nginx -T -p \/tmp\/ngx1\/ -c \/tmp\/ngx1\/nginx.conf \| grep/,
		);
	});

	test('not root: config and log unreadable → unknown, with the commands to run by hand', async () => {
		const facts: Facts = {
			...nginx502,
			upstream: {...nginx502.upstream, pid: undefined},
		};
		const {ctx} = context(facts, {
			commands: [
				{
					match: 'tail -n 200 -- /var/log/nginx/error.log',
					exitCode: 1,
					stderr:
						"tail: cannot open '/var/log/nginx/error.log' for reading: Permission denied\n",
				},
			],
		});
		const result = await proxyUpstream(ctx);
		expect(result.status).toBe('unknown');
		expect(result.detail).toMatch(
			/^cannot read the nginx config: \/etc\/nginx\/nginx.conf: ENOENT; run by hand: sudo nginx -T/,
		);
		expect(result.output).toContain(
			"error log /var/log/nginx/error.log could not be read (tail: cannot open '/var/log/nginx/error.log' for reading: Permission denied); by hand: sudo tail -n 50 /var/log/nginx/error.log",
		);
		expect(result.findings).toBeUndefined();
	});

	test('config unreadable but the error log names the upstream', async () => {
		const facts: Facts = {
			...nginx502,
			upstream: {...nginx502.upstream, pid: undefined},
		};
		const {ctx} = context(facts, {
			commands: [
				{
					match: 'tail -n 200 -- /var/log/nginx/error.log',
					stdout: fixture('nginx/error-upstream-refused.log'),
				},
				nothingOn(39_182),
				nothingOn(39_181),
			],
		});
		const result = await proxyUpstream(ctx);
		expect(result.findings?.[0]?.confidence).toBe('confirmed');
		expect(result.findings?.[0]?.evidence).toContain(
			'the error log: upstream: "127.0.0.1:39182"',
		);
	});

	test('the upstream accepts: passed, no finding', async () => {
		const facts: Facts = {
			...nginx502,
			upstream: {
				...nginx502.upstream,
				http: {url: 'http://127.0.0.1:39180/', status: 200},
			},
		};
		const {ctx} = context(facts, {
			files: {...nginxProc, ...nginxFiles},
			dirs: {'/tmp/ngx1/conf.d': ['app.conf']},
			commands: [tailLog],
			connect: {'127.0.0.1:39182': {code: 'connect', ms: 1}},
		});
		const result = await proxyUpstream(ctx);
		expect(result).toMatchObject({
			status: 'passed',
			detail: "nginx's upstream 127.0.0.1:39182 accepts connections",
		});
		expect(result.findings).toBeUndefined();
	});

	test('a port no server block listens on', async () => {
		const other: Target = {
			...target,
			input: 'http://127.0.0.1:8080/',
			port: 8080,
		};
		const {ctx} = context(
			{...nginx502, target: other},
			{
				files: {...nginxProc, ...nginxFiles},
				dirs: {'/tmp/ngx1/conf.d': ['app.conf']},
				commands: [{match: /^tail/, stdout: ''}],
			},
			{target: other},
		);
		const result = await proxyUpstream(ctx);
		expect(result).toMatchObject({
			status: 'unknown',
			detail:
				"nginx's config has no server block for port 8080: no server block listens on port 8080",
		});
	});
});

describe('proxy-upstream: HAProxy and others', () => {
	test('HAProxy: -f from /proc/PID/cmdline, frontend → backend → server line', async () => {
		const hapTarget: Target = {
			input: 'http://127.0.0.1:39190/',
			host: '127.0.0.1',
			port: 39_190,
			scheme: 'http',
		};
		const facts: Facts = {
			...localFacts,
			target: hapTarget,
			upstream: {
				proxy: 'haproxy',
				local: true,
				pid: 8818,
				evidence: 'haproxy (pid 8818) listens on 127.0.0.1:39190',
				http: {url: 'http://127.0.0.1:39190/', status: 503},
			},
		};
		const {ctx} = context(
			facts,
			{
				files: {
					'/proc/8818/cmdline': fixture('haproxy/cmdline.bin'),
					'/tmp/hap1/haproxy.cfg': fixture('haproxy/haproxy.cfg'),
				},
				commands: [nothingOn(39_191)],
			},
			{target: hapTarget},
		);
		const result = await proxyUpstream(ctx);
		expect(result.findings?.[0]).toMatchObject({
			id: 'upstream-refused',
			confidence: 'confirmed',
		});
		expect(result.findings?.[0]?.evidence).toEqual([
			'GET http://127.0.0.1:39190/ → 503 Service Unavailable',
			'frontend web at /tmp/hap1/haproxy.cfg:13 (bind 127.0.0.1:39190 at line 14)',
			'backend app at /tmp/hap1/haproxy.cfg:17 (default_backend app (line 15))',
			'/tmp/hap1/haproxy.cfg:18: server app1 127.0.0.1:39191',
			'connect 127.0.0.1:39191: refused (ECONNREFUSED) in 1 ms',
			"on this host nothing listens on port 39191 at all (ss -Htlnp 'sport = :39191')",
		]);
		expect(result.findings?.[0]?.fixes[1]?.command).toBe(
			'sudo haproxy -c -f /tmp/hap1/haproxy.cfg && sudo systemctl reload haproxy',
		);
	});

	test('Caddy: unknown, with the commands to find the upstream by hand', async () => {
		const {ctx} = context(
			{...localFacts, upstream: {proxy: 'caddy', local: true}},
			{},
		);
		const result = await proxyUpstream(ctx);
		expect(result.status).toBe('unknown');
		expect(result.output?.[0]).toBe(
			'by hand: caddy adapt --config /etc/caddy/Caddyfile --pretty | grep -n dial',
		);
	});
});

describe('the proxy question and the load-balancer step', () => {
	test('answers itself when a proxy was found', () => {
		expect(proxyQuestionApplies(nginx502)).toBe(true);
		expect(proxyAnswer(nginx502)).toEqual({
			value: 'yes',
			evidence: 'nginx: nginx (pid 8389) listens on 127.0.0.1:39180',
		});
	});

	test('asks when a remote host refused, not when this host did', () => {
		const remoteRefused: Facts = {
			...localFacts,
			probe: {...localFacts.probe!, outcome: 'refused'},
			local: {addresses: [], isLocal: false, localTargets: [], hostname: 'h'},
		};
		expect(proxyQuestionApplies(remoteRefused)).toBe(true);
		expect(proxyAnswer(remoteRefused)).toBeUndefined();
		expect(
			proxyQuestionApplies({...remoteRefused, local: localFacts.local}),
		).toBe(false);
		expect(proxyQuestionApplies(localFacts)).toBe(false);
	});

	test('answered yes for a remote target: what to check on the balancer, with commands, as unknown', async () => {
		const remote: Target = {input: '10.0.0.5:443', host: '10.0.0.5', port: 443};
		const facts: Facts = {
			...localFacts,
			target: remote,
			probe: {...localFacts.probe!, outcome: 'refused'},
			local: {addresses: [], isLocal: false, localTargets: [], hostname: 'h'},
		};
		const node = proxyChecks.find(c => c.id === 'load-balancer')!;
		expect(node.uses).toEqual(['proxy']);
		expect(node.when(facts, {})).toBe(
			'no load balancer in front (the proxy question was not answered yes)',
		);
		expect(node.when(facts, {proxy: 'yes'})).toBe(true);
		const result = await loadBalancer(
			context(facts, {}, {target: remote, answers: {proxy: 'yes'}}).ctx,
		);
		expect(result.status).toBe('unknown');
		expect(result.detail).toBe(
			'the load balancer is not on this host: what its listener and health checks see can only be read on it (commands below)',
		);
		expect(result.output?.join('\n')).toMatch(
			/health check \(path, port, expected code\)/,
		);
		expect(result.output).toContain(
			'$ aws elbv2 describe-target-health --target-group-arn <tg-arn>',
		);
		expect(result.output).toContain(
			'$ gcloud compute backend-services get-health <backend-service> --global',
		);
		expect(result.output).toContain(
			'$ echo "show stat" | sudo socat stdio /run/haproxy/admin.sock | cut -d, -f1,2,18,37',
		);
		expect(result.output).toContain(
			'$ sudo tail -n 50 /var/log/nginx/error.log',
		);
	});
});

test('reverse-proxy: a plain program listens (not a proxy, not a container forwarder): no HTTP request', async () => {
	const facts: Facts = {
		...localFacts,
		listeners: {
			source: 'ss',
			command: 'ss -Htlnpe',
			processesVisible: true,
			listeners: listenerList([
				{
					address: '127.0.0.1',
					port: 39_180,
					family: 4,
					process: {name: 'node', pid: 42},
				},
			]),
		},
	};
	const {ctx, io} = context(facts, {
		http: {
			'http://127.0.0.1:39180/': {ok: true, status: 502, headers: {}, body: ''},
		},
	});
	const result = await reverseProxy(ctx);
	expect(result).toMatchObject({
		status: 'passed',
		detail: 'node listens on port 39180: not a reverse proxy',
	});
	expect(result.facts?.upstream).toEqual({});
	expect(io.calls).toEqual([]);
});

test('proxy-upstream: an upstream that does not answer is filtered, not refused', async () => {
	const facts: Facts = {
		...nginx502,
		upstream: {
			...nginx502.upstream,
			http: {url: 'http://127.0.0.1:39180/', status: 504},
		},
	};
	const {ctx} = context(facts, {
		files: {...nginxProc, ...nginxFiles},
		dirs: {'/tmp/ngx1/conf.d': ['app.conf']},
		commands: [tailLog],
		connect: {'127.0.0.1:39182': {code: 'ETIMEDOUT', ms: 1000}},
	});
	const result = await proxyUpstream(ctx);
	expect(result.status).toBe('problem');
	expect(result.findings?.map(f => [f.id, f.confidence])).toEqual([
		['filtered', 'likely'],
	]);
	expect(result.findings?.[0]?.summary).toBe(
		'nginx answers 504 Gateway Timeout: its upstream 127.0.0.1:39182 (/tmp/ngx1/conf.d/app.conf:14) does not answer at all (a firewall drops the packets, or the host is down).',
	);
});

test("reverse-proxy: nginx answering through docker-proxy runs in a container; its config is not this host's", async () => {
	const facts: Facts = {
		...localFacts,
		listeners: {
			source: 'ss',
			command: 'ss -Htlnpe',
			processesVisible: true,
			listeners: listenerList([
				{
					address: '0.0.0.0',
					port: 39_180,
					family: 4,
					process: {name: 'docker-proxy', pid: 4242},
				},
			]),
		},
	};
	const {ctx} = context(facts, {
		http: {
			'http://127.0.0.1:39180/': {
				ok: true,
				status: 502,
				headers: {server: 'nginx/1.27.0'},
				body: '',
			},
		},
	});
	const result = await reverseProxy(ctx);
	expect(result.facts?.upstream).toMatchObject({
		proxy: 'nginx',
		local: false,
		container: 'docker-proxy',
		evidence:
			'Server: nginx/1.27.0 (in a container: docker-proxy listens on the port)',
	});
	expect(
		proxyChecks.find(c => c.id === 'proxy-upstream')?.when(result.facts!, {}),
	).toBe(
		'the proxy runs in a container (behind docker-proxy): read its config inside it, e.g. docker exec <container> nginx -T',
	);
	expect(
		proxyChecks
			.find(c => c.id === 'load-balancer')
			?.when(result.facts!, {proxy: 'yes'}),
	).toBe(
		'the proxy runs in a container on this host (behind docker-proxy), not on another host',
	);
});

describe('nginx command line and paths', () => {
	test.each([
		[
			[
				'nginx:',
				'master',
				'process',
				'/usr/sbin/nginx',
				'-c',
				'/tmp/ngx1/nginx.conf',
				'-p',
				'/tmp/ngx1/',
				'-g',
				'daemon',
				'on;',
			],
			{
				binary: '/usr/sbin/nginx',
				conf: '/tmp/ngx1/nginx.conf',
				prefix: '/tmp/ngx1/',
				options: ['-p', '/tmp/ngx1/', '-c', '/tmp/ngx1/nginx.conf'],
			},
		],
		[
			[
				'nginx:',
				'master',
				'process',
				'/usr/sbin/nginx',
				'-g',
				'daemon on; master_process on;',
			],
			{binary: '/usr/sbin/nginx', options: []},
		],
		[
			['/usr/sbin/nginx', '-c', 'conf/nginx.conf'],
			{
				binary: '/usr/sbin/nginx',
				conf: 'conf/nginx.conf',
				options: ['-c', 'conf/nginx.conf'],
			},
		],
	])('%j', (argv, expected) => {
		expect(nginxOptions(argv)).toEqual(expected);
	});

	test("a relative -c is under the prefix, relative includes under the config's directory", async () => {
		const facts: Facts = {
			...nginx502,
			upstream: {...nginx502.upstream, pid: 77},
		};
		const {ctx} = context(facts, {
			files: {
				'/proc/77/cmdline':
					'nginx: master process nginx -p /srv/web/ -c conf/main.conf\0',
				'/proc/77/status': 'PPid:\t1\n',
				'/srv/web/conf/main.conf':
					'events {}\nhttp {\n\tinclude sites/*.conf;\n\terror_log logs/error.log;\n}\n',
				'/srv/web/conf/sites/a.conf':
					'server {\n\tlisten 39180;\n\tlocation / { proxy_pass http://127.0.0.1:39182; }\n}\n',
			},
			dirs: {'/srv/web/conf/sites': ['a.conf', 'b.txt']},
			commands: [
				{match: 'tail -n 200 -- /srv/web/logs/error.log', stdout: ''},
				nothingOn(39_182),
			],
		});
		const result = await proxyUpstream(ctx);
		expect(result.findings?.[0]?.evidence).toContain(
			'/srv/web/conf/sites/a.conf:3: proxy_pass http://127.0.0.1:39182;',
		);
		expect(result.findings?.[0]?.fixes[1]?.command).toBe(
			'sudo nginx -p /srv/web/ -c conf/main.conf -t && sudo nginx -p /srv/web/ -c conf/main.conf -s reload',
		);
	});
});

test('proxy-upstream: a name is tried on every address, as the proxy does (localhost: ::1 refused, 127.0.0.1 open)', async () => {
	const facts: Facts = {
		...nginx502,
		upstream: {
			...nginx502.upstream,
			http: {url: 'http://127.0.0.1:39180/', status: 200},
		},
	};
	const files = {
		...nginxProc,
		...nginxFiles,
		'/tmp/ngx1/conf.d/app.conf': nginxFiles[
			'/tmp/ngx1/conf.d/app.conf'
		]!.replace('http://127.0.0.1:39182', 'http://localhost:39182'),
	};
	const lookup = {
		localhost: {
			ok: true as const,
			addresses: [
				{address: '::1', family: 6 as const},
				{address: '127.0.0.1', family: 4 as const},
			],
		},
	};
	const open = await proxyUpstream(
		context(facts, {
			files,
			lookup,
			dirs: {'/tmp/ngx1/conf.d': ['app.conf']},
			commands: [tailLog],
			connect: {'127.0.0.1:39182': {code: 'connect', ms: 1}},
		}).ctx,
	);
	expect(open).toMatchObject({
		status: 'passed',
		detail: "nginx's upstream 127.0.0.1:39182 accepts connections",
	});
	const refused = await proxyUpstream(
		context(nginx502, {
			files,
			lookup,
			dirs: {'/tmp/ngx1/conf.d': ['app.conf']},
			commands: [tailLog, nothingOn(39_182)],
		}).ctx,
	);
	expect(refused.findings?.[0]?.evidence).toContain(
		'connect [::1]:39182 (localhost:39182): refused (ECONNREFUSED) in 1 ms; connect 127.0.0.1:39182 (localhost:39182): refused (ECONNREFUSED) in 1 ms',
	);
});
