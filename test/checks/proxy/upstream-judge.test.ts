/**
The proxy-upstream and reverse-proxy judges on recorded observations, no command table: the
upstreams come from the nginx config captured on this host (test/fixtures/nginx, through the
parser and the model's routing), the connection results are the errno codes a connect got.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {judgeDetect} from '../../../source/checks/proxy/detect.js';
import {judgeUpstream} from '../../../source/checks/proxy/upstream-judge.js';
import type {
	ProbedServer,
	UpstreamObservations,
} from '../../../source/checks/proxy/upstream-model.js';
import type {JudgeInput} from '../../../source/checks/define.js';
import {nginxProxyRoute} from '../../../source/model/proxy/nginx.js';
import type {UpstreamServer} from '../../../source/model/proxy/upstream.js';
import {
	expandIncludes,
	parseNginxConfig,
} from '../../../source/parsers/nginx.js';
import {shellQuote} from '../../../source/text/sanitize.js';
import type {Facts} from '../../../source/tree/facts.js';
import {
	assertInert,
	hostileStrings,
	shellWords,
} from '../../helpers/hostile.js';
import {splitNginxDump} from '../../helpers/nginx.js';

const dump = splitNginxDump(
	readFileSync(
		new URL('../../fixtures/nginx/nginx-T-upstream.txt', import.meta.url),
		'utf8',
	),
);
const parsed = (file: string) => {
	const found = dump.find(f => f.file === file)!;
	return parseNginxConfig(found.text, found.file).directives;
};

// The main file with its one include (conf.d/*.conf) replaced by app.conf, as the dialect loads it.
const route = nginxProxyRoute(
	expandIncludes(parsed('/tmp/ngx1/nginx.conf'), () =>
		parsed('/tmp/ngx1/conf.d/app.conf'),
	),
	{address: '127.0.0.1', port: 39_180, host: '127.0.0.1', path: '/'},
);

const target = {
	input: 'http://127.0.0.1:39180/',
	host: '127.0.0.1',
	port: 39_180,
	scheme: 'http',
};
const facts: Facts = {
	target,
	upstream: {
		proxy: 'nginx',
		local: true,
		pid: 8388,
		http: {url: 'http://127.0.0.1:39180/', status: 502, server: 'nginx/1.22.1'},
	},
};
const input = (uid: number): JudgeInput => ({
	target,
	facts,
	answers: {},
	timeoutMs: 1000,
	uid,
});

const control = {
	test: [
		'/usr/sbin/nginx',
		'-p',
		'/tmp/ngx1/',
		'-c',
		'/tmp/ngx1/nginx.conf',
		'-t',
	],
	reload: [
		'/usr/sbin/nginx',
		'-p',
		'/tmp/ngx1/',
		'-c',
		'/tmp/ngx1/nginx.conf',
		'-s',
		'reload',
	],
};

function observed(
	probed: readonly ProbedServer[],
	extra: Partial<Extract<UpstreamObservations, {kind: 'read'}>> = {},
): UpstreamObservations {
	return {
		kind: 'read',
		label: 'nginx',
		route: route.reasons,
		notes: [],
		commands: ['read /tmp/ngx1/nginx.conf'],
		logLines: [],
		probed,
		ports: {
			39_182: {
				listeners: [],
				source: "ss -Htlnp 'sport = :39182'",
				processesVisible: true,
			},
		},
		ownAddresses: ['127.0.0.1', '::1'],
		control,
		...extra,
	};
}

const refusedOnce = (server: UpstreamServer): ProbedServer => ({
	server,
	probe: {
		kind: 'tried',
		tries: [{address: server.host!, code: 'ECONNREFUSED', ms: 1}],
	},
});

describe('judgeUpstream', () => {
	test('the routed upstream refuses behind a 502: confirmed, with the server-side half', () => {
		expect(route.servers.map(s => `${s.file}:${s.line}`)).toEqual([
			'/tmp/ngx1/conf.d/app.conf:14',
		]);
		const result = judgeUpstream(
			observed(route.servers.map(s => refusedOnce(s))),
			input(1000),
		);
		expect(result.status).toBe('problem');
		expect(result.findings?.[0]).toMatchObject({
			id: 'upstream-refused',
			confidence: 'confirmed',
			summary:
				'nginx answers 502 Bad Gateway, but its upstream 127.0.0.1:39182 (/tmp/ngx1/conf.d/app.conf:14) refuses connections; nothing listens on port 39182 on this host: the backend is not running, or listens on another port.',
		});
		expect(result.findings?.[0]?.fixes.map(f => f.command)).toEqual([
			'refused 127.0.0.1:39182',
			'sudo /usr/sbin/nginx -p /tmp/ngx1/ -c /tmp/ngx1/nginx.conf -t && sudo /usr/sbin/nginx -p /tmp/ngx1/ -c /tmp/ngx1/nginx.conf -s reload',
		]);
	});

	test('as root the fixes carry no sudo', () => {
		const result = judgeUpstream(
			observed(route.servers.map(s => refusedOnce(s))),
			input(0),
		);
		const commands = result.findings?.[0]?.fixes.map(f => f.command) ?? [];
		expect(commands).toContain(
			'/usr/sbin/nginx -p /tmp/ngx1/ -c /tmp/ngx1/nginx.conf -t && /usr/sbin/nginx -p /tmp/ngx1/ -c /tmp/ngx1/nginx.conf -s reload',
		);
		expect(commands.some(c => c.includes('sudo'))).toBe(false);
	});

	test('without a 502 and without a log line it is likely, not confirmed', () => {
		const result = judgeUpstream(
			observed(route.servers.map(s => refusedOnce(s))),
			{
				...input(0),
				facts: {...facts, upstream: {...facts.upstream, http: undefined}},
			},
		);
		expect(result.findings?.[0]?.confidence).toBe('likely');
	});

	test('only a backup refuses while the active server accepts: possible, some requests fail', () => {
		const active = route.servers[0]!;
		const backup: UpstreamServer = {
			...active,
			address: '127.0.0.1:39183',
			port: 39_183,
			flags: ['backup'],
		};
		const result = judgeUpstream(
			observed([
				{
					server: active,
					probe: {
						kind: 'tried',
						tries: [{address: '127.0.0.1', code: 'connect', ms: 1}],
					},
				},
				refusedOnce(backup),
			]),
			input(0),
		);
		expect(result.findings?.[0]?.confidence).toBe('possible');
		expect(result.findings?.[0]?.summary).toContain(
			'(the other upstreams accept, so only some requests fail)',
		);
	});

	test('no answer at all: filtered, likely behind a gateway error', () => {
		const server = route.servers[0]!;
		const result = judgeUpstream(
			observed([
				{
					server,
					probe: {
						kind: 'tried',
						tries: [{address: '127.0.0.1', code: 'ETIMEDOUT', ms: 1000}],
					},
				},
			]),
			input(0),
		);
		expect(result.findings?.map(f => [f.id, f.confidence])).toEqual([
			['filtered', 'likely'],
		]);
		expect(result.findings?.[0]?.fixes.map(f => f.command)).toEqual([
			'refused 127.0.0.1:39182',
			'ip route get 127.0.0.1',
		]);
	});

	test('nothing routed: unknown, saying why', () => {
		const result = judgeUpstream(
			observed([], {none: "nginx's config has no server block for port 8080"}),
			input(0),
		);
		expect(result).toMatchObject({
			status: 'unknown',
			detail: "nginx's config has no server block for port 8080",
		});
	});

	test('a proxy whose config is not read: unknown, with commands by hand', () => {
		expect(
			judgeUpstream({kind: 'unsupported', proxy: 'traefik'}, input(0)),
		).toMatchObject({
			status: 'unknown',
			output: [
				'by hand: curl -s http://127.0.0.1:8080/api/http/services | jq ".[] | {name, serverStatus}"',
				'by hand: journalctl -u traefik -n 50 | grep -i "connection refused"',
			],
		});
	});

	test.each(hostileStrings)(
		'hostile text in the config (%j) stays one argument in every fix',
		hostile => {
			const server: UpstreamServer = {
				address: `${hostile}:39182`,
				host: hostile,
				port: 39_182,
				file: `/etc/nginx/${hostile}.conf`,
				line: 3,
				text: `proxy_pass http://${hostile}:39182;`,
				flags: [],
			};
			const hostileControl = {
				test: [hostile, '-p', hostile, '-c', hostile, '-t'],
				reload: [hostile, '-p', hostile, '-c', hostile, '-s', 'reload'],
			};
			for (const code of ['ECONNREFUSED', 'ETIMEDOUT']) {
				for (const uid of [0, 1000]) {
					const result = judgeUpstream(
						observed(
							[
								{
									server,
									probe: {
										kind: 'tried',
										tries: [{address: '127.0.0.1', code, ms: 1}],
									},
								},
							],
							{control: hostileControl},
						),
						input(uid),
					);
					const fixes = result.findings?.[0]?.fixes ?? [];
					expect(fixes.length).toBeGreaterThan(0);
					for (const fix of fixes) {
						assertInert(fix.command);
					}
				}
			}

			// The reload fix is the two argvs quoted by shellQuote, each hostile word one argument.
			const reload = judgeUpstream(
				observed([refusedOnce({...server, host: '127.0.0.1'})], {
					control: hostileControl,
				}),
				input(0),
			).findings![0]!.fixes[1]!.command;
			expect(reload).toBe(
				`${shellQuote(hostileControl.test)} && ${shellQuote(hostileControl.reload)}`,
			);
			expect(shellWords(shellQuote(hostileControl.test))).toEqual(
				hostileControl.test,
			);
		},
	);
});

describe('judgeDetect', () => {
	test('nginx listens here and answers 502: a problem, the master pid in the facts', () => {
		const result = judgeDetect(
			{
				port: {
					listeners: [
						{
							address: '127.0.0.1',
							port: 39_180,
							processes: [{name: 'nginx', pid: 8388}],
						},
					],
					source: "ss -Htlnp 'sport = :39180'",
					processesVisible: true,
				},
				http: {
					url: 'http://127.0.0.1:39180/',
					answer: {
						ok: true,
						status: 502,
						headers: {server: 'nginx/1.22.1'},
						body: '',
					},
				},
			},
			{
				...input(0),
				facts: {
					...facts,
					local: {
						addresses: ['127.0.0.1'],
						isLocal: true,
						localTargets: ['127.0.0.1'],
						hostname: 'h',
					},
					upstream: undefined,
				},
			},
		);
		expect(result).toMatchObject({
			status: 'problem',
			detail:
				'nginx answers 502 Bad Gateway: its own connection to the backend failed (nginx (pid 8388) listens on 127.0.0.1:39180)',
			facts: {upstream: {proxy: 'nginx', pid: 8388, local: true}},
		});
	});

	test('no listener and no HTTP: passed, nothing claimed', () => {
		const result = judgeDetect({}, {...input(0), facts: {target}});
		expect(result.status).toBe('passed');
		expect(result.facts?.upstream).toEqual({});
	});
});
