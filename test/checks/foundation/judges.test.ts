/**
The foundation judges on recorded observations (no fake command table, no Io): each test builds
what the measure step returns (connect codes and timings as the probe records them, an /etc/hosts
text as the file reads, interfaces as os.networkInterfaces() lists them) and calls the pure judge.
*/
import {describe, expect, test} from 'vitest';
import {judgeEnvironment} from '../../../source/checks/environment.js';
import {judgeFamilies} from '../../../source/checks/families.js';
import {judgeHostsFile} from '../../../source/checks/hosts-file.js';
import {judgeLocal} from '../../../source/checks/local.js';
import {judgeOutcome} from '../../../source/checks/outcome.js';
import {outcomeOf} from '../../../source/checks/outcomes.js';
import {judgeProbe} from '../../../source/checks/probe.js';
import {judgeProxyEnv} from '../../../source/checks/proxy-env.js';
import {judgeRemote} from '../../../source/checks/remote.js';
import {judgeResolve} from '../../../source/checks/resolve.js';
import {parseHostsFile} from '../../../source/parsers/hosts.js';
import type {AddressProbe, Facts, Target} from '../../../source/tree/facts.js';

const target = (host: string, port = 5432): Target => ({
	input: `${host}:${port}`,
	host,
	port,
});

function probed(
	address: string,
	code: string,
	extra: Partial<AddressProbe> = {},
): AddressProbe {
	return {
		address,
		family: address.includes(':') ? 6 : 4,
		source: 'dns',
		outcome: outcomeOf(code),
		ms: 2,
		code,
		...extra,
	};
}

function factsOf(
	addresses: readonly AddressProbe[],
	more: Partial<Facts> = {},
): Facts {
	const first = addresses[0]!;
	return {
		probe: {
			outcome: first.outcome,
			address: first.address,
			ms: first.ms,
			addresses,
		},
		...more,
	};
}

describe('environment', () => {
	test('root, in Docker, systemd', () => {
		const result = judgeEnvironment({
			platform: 'linux',
			uid: 0,
			marker: {path: '/.dockerenv', engine: 'Docker'},
			kubernetesServiceHost: false,
			init: 'systemd',
		});
		expect(result.status).toBe('passed');
		expect(result.detail).toBe('linux, root, in a container, systemd');
		expect(result.facts?.environment?.inContainer.evidence).toBe(
			'/.dockerenv exists (Docker)',
		);
	});

	test('a pod seen only through its variable; unreadable init; not root', () => {
		const result = judgeEnvironment({
			platform: 'linux',
			uid: 1000,
			kubernetesServiceHost: true,
		});
		expect(result.detail).toBe('linux, not root, in a container, init unknown');
		expect(result.output).toContain(
			'container: yes (KUBERNETES_SERVICE_HOST is set (a pod))',
		);
	});

	test('not Linux: unknown, never passed', () => {
		const result = judgeEnvironment({
			platform: 'darwin',
			uid: 501,
			kubernetesServiceHost: false,
			init: 'launchd',
		});
		expect(result.status).toBe('unknown');
		expect(result.facts?.environment?.inContainer.value).toBe(false);
	});
});

describe('resolve', () => {
	test('a literal address needs no lookup', () => {
		const result = judgeResolve({literal: true}, {target: target('::1')});
		expect(result.facts?.resolution).toEqual({
			ok: true,
			addresses: [{address: '::1', family: 6, source: 'literal'}],
		});
	});

	test('an address from /etc/hosts names its line', () => {
		const entries = parseHostsFile(
			'127.0.0.1 localhost\n10.9.8.7 db.example\n',
		);
		const result = judgeResolve(
			{
				literal: false,
				lookup: {ok: true, addresses: [{address: '10.9.8.7', family: 4}]},
				hosts: {ok: true, entries},
			},
			{target: target('db.example')},
		);
		expect(result.status).toBe('passed');
		expect(result.facts?.resolution).toEqual({
			ok: true,
			addresses: [{address: '10.9.8.7', family: 4, source: '/etc/hosts:2'}],
		});
	});

	test('a failed lookup concludes name-not-resolved, with the nameservers', () => {
		const result = judgeResolve(
			{
				literal: false,
				lookup: {
					ok: false,
					code: 'ENOTFOUND',
					message: 'getaddrinfo ENOTFOUND db',
				},
				hosts: {ok: false, code: 'EACCES'},
				nameservers: ['nameserver 10.0.0.53'],
			},
			{target: target('db')},
		);
		expect(result.status).toBe('problem');
		expect(result.output).toEqual([
			'getaddrinfo("db") failed: ENOTFOUND (getaddrinfo ENOTFOUND db)',
			'/etc/hosts could not be read (EACCES)',
			'/etc/resolv.conf: nameserver 10.0.0.53',
		]);
		const finding = result.findings?.[0];
		expect(finding?.id).toBe('name-not-resolved');
		// A short name gets the compose hint.
		expect(finding?.fixes.some(f => f.command.includes('docker compose'))).toBe(
			true,
		);
	});
});

describe('probe', () => {
	test('every address open: passed; one refused: problem', () => {
		const open = judgeProbe(
			{probes: [probed('127.0.0.1', 'connect')]},
			{target: target('localhost')},
		);
		expect(open.status).toBe('passed');
		const mixed = judgeProbe(
			{probes: [probed('::1', 'ECONNREFUSED'), probed('127.0.0.1', 'connect')]},
			{target: target('localhost')},
		);
		expect(mixed.status).toBe('problem');
		expect(mixed.detail).toBe(
			'first address [::1]:5432: refused; 127.0.0.1: open',
		);
		expect(mixed.facts?.probe?.outcome).toBe('refused');
	});
});

describe('local', () => {
	const interfaces = [
		{name: 'lo', address: '127.0.0.1', family: 4 as const, internal: true},
		{name: 'eth0', address: '10.1.2.3', family: 4 as const, internal: false},
	];
	const resolution = (...addresses: string[]) =>
		({
			resolution: {
				ok: true,
				addresses: addresses.map(address => ({
					address,
					family: 4,
					source: 'dns',
				})),
			},
		}) as unknown as Facts;

	test('an interface address (even v4-mapped) is this host', () => {
		const result = judgeLocal(
			{interfaces, hostname: 'web1'},
			{facts: resolution('::ffff:10.1.2.3')},
		);
		expect(result.facts?.local?.isLocal).toBe(true);
	});

	test('another host is said with this host name', () => {
		const result = judgeLocal(
			{interfaces, hostname: 'web1'},
			{facts: resolution('192.0.2.9')},
		);
		expect(result.facts?.local?.isLocal).toBe(false);
		expect(result.detail).toBe('192.0.2.9 is not this host (web1)');
	});
});

describe('proxy-env', () => {
	const choice = {
		kind: 'proxy' as const,
		variable: 'http_proxy',
		display: 'http://127.0.0.1:3128',
		host: '127.0.0.1',
		port: 3128,
	};

	test('no proxy: passed, no finding', () => {
		const result = judgeProxyEnv(
			{choice: {kind: 'none'}},
			{target: target('example.com', 80)},
		);
		expect(result.status).toBe('passed');
		expect(result.findings).toBeUndefined();
	});

	test('a dead proxy is proxy-misroute, confirmed', () => {
		const result = judgeProxyEnv(
			{choice, connect: {code: 'ECONNREFUSED', ms: 1}},
			{target: target('example.com', 80)},
		);
		expect(result.findings?.[0]?.id).toBe('proxy-misroute');
		expect(result.findings?.[0]?.confidence).toBe('confirmed');
		expect(result.findings?.[0]?.fixes.map(f => f.command)).toEqual([
			'unset http_proxy HTTP_PROXY',
			// eslint-disable-next-line no-template-curly-in-string -- the shell expansion is the fix
			'export NO_PROXY="${NO_PROXY:+$NO_PROXY,}"example.com no_proxy="${no_proxy:+$no_proxy,}"example.com',
			'refused 127.0.0.1:3128',
		]);
	});

	test('a proxy whose name did not resolve is dns-failure', () => {
		const result = judgeProxyEnv({choice}, {target: target('example.com', 80)});
		expect(result.detail).toContain('which is dns-failure');
	});
});

describe('outcome', () => {
	test('a remote timeout is filtered likely; a local one only possible', () => {
		const remote = judgeOutcome(
			{},
			{
				target: target('192.0.2.7'),
				facts: factsOf([probed('192.0.2.7', 'ETIMEDOUT')], {
					local: {isLocal: false},
				} as Partial<Facts>),
				uid: 1000,
			},
		);
		expect(remote.findings?.[0]).toMatchObject({
			id: 'filtered',
			confidence: 'likely',
		});
		const here = judgeOutcome(
			{},
			{
				target: target('127.0.0.1'),
				facts: factsOf([probed('127.0.0.1', 'ETIMEDOUT')], {
					local: {isLocal: true},
				} as Partial<Facts>),
				uid: 0,
			},
		);
		expect(here.findings?.[0]?.confidence).toBe('possible');
		// Root here: no sudo, and no advice to run as root.
		const commands = here.findings?.[0]?.fixes.map(f => f.command) ?? [];
		expect(commands.some(c => c.includes('sudo'))).toBe(false);
		expect(commands).not.toContain('refused 127.0.0.1:5432');
	});

	test('no route: host-unreachable with the route line as read', () => {
		const result = judgeOutcome(
			{
				route: {
					command: 'ip route get 192.0.2.7',
					notFound: false,
					stdout: '',
					stderr: 'RTNETLINK answers: Network is unreachable\n',
				},
			},
			{
				target: target('192.0.2.7'),
				facts: factsOf([probed('192.0.2.7', 'ENETUNREACH')]),
				uid: 0,
			},
		);
		expect(result.findings?.[0]?.id).toBe('host-unreachable');
		expect(result.output).toContain(
			'ip route get 192.0.2.7: RTNETLINK answers: Network is unreachable',
		);
	});

	test('nothing probed: skipped', () => {
		const result = judgeOutcome(
			{},
			{target: target('nowhere.invalid'), facts: {}, uid: 0},
		);
		expect(result.status).toBe('skipped');
	});
});

describe('families', () => {
	test('IPv6 first refused, IPv4 open: address-family-mismatch confirmed', () => {
		const result = judgeFamilies(
			{},
			{
				target: target('localhost'),
				facts: factsOf(
					[probed('::1', 'ECONNREFUSED'), probed('127.0.0.1', 'connect')],
					{local: {isLocal: true}} as Partial<Facts>,
				),
			},
		);
		expect(result.findings?.[0]).toMatchObject({
			id: 'address-family-mismatch',
			confidence: 'confirmed',
		});
	});

	test('every address alike: passed', () => {
		const result = judgeFamilies(
			{},
			{
				target: target('localhost'),
				facts: factsOf([
					probed('::1', 'ECONNREFUSED'),
					probed('127.0.0.1', 'ECONNREFUSED'),
				]),
			},
		);
		expect(result.status).toBe('passed');
		expect(result.detail).toBe('every address fails alike');
	});
});

describe('hosts-file', () => {
	const entries = parseHostsFile(
		'127.0.0.1 localhost\n# old server\n10.0.0.9 api.example\n',
	);

	test('a hosts line to an address that refuses is dns-mismatch, with its line', () => {
		const result = judgeHostsFile(
			{entries},
			{
				target: target('api.example'),
				facts: factsOf([
					probed('10.0.0.9', 'ECONNREFUSED', {source: '/etc/hosts:3'}),
				]),
			},
		);
		expect(result.findings?.[0]?.id).toBe('dns-mismatch');
		expect(result.findings?.[0]?.evidence[0]).toBe(
			'/etc/hosts:3: 10.0.0.9 api.example',
		);
		expect(result.findings?.[0]?.fixes[1]?.command).toBe(
			"sudo sed -i.bak '3s/^/# /' /etc/hosts",
		);
		// Root gets no sudo (issue 12 item 6); reading the line needs none at all.
		const asRoot = judgeHostsFile(
			{entries},
			{
				target: target('api.example'),
				facts: factsOf([
					probed('10.0.0.9', 'ECONNREFUSED', {source: '/etc/hosts:3'}),
				]),
				uid: 0,
			},
		);
		expect(asRoot.findings?.[0]?.fixes.map(f => f.command)).toEqual([
			"sed -n '3p' /etc/hosts",
			"sed -i.bak '3s/^/# /' /etc/hosts",
			...(asRoot.findings?.[0]?.fixes.slice(2).map(f => f.command) ?? []),
		]);
		expect(asRoot.findings?.[0]?.fixes[1]?.undo).toBe(
			'mv /etc/hosts.bak /etc/hosts',
		);
	});

	test('localhost is expected to be in /etc/hosts', () => {
		const result = judgeHostsFile(
			{entries},
			{
				target: target('localhost'),
				facts: factsOf([
					probed('127.0.0.1', 'ECONNREFUSED', {source: '/etc/hosts:1'}),
				]),
			},
		);
		expect(result.status).toBe('passed');
	});
});

describe('remote', () => {
	const facts = (answer?: 'icmp' | 'reset') =>
		factsOf([probed('192.0.2.7', 'ECONNREFUSED')], {
			local: {isLocal: false, hostname: 'here'},
			...(answer
				? {refusal: {address: '192.0.2.7', answer, evidence: ['counted']}}
				: {}),
		} as Partial<Facts>);

	test('a plain refusal lists no-listener first', () => {
		const result = judgeRemote(
			{},
			{target: target('192.0.2.7'), facts: facts()},
		);
		expect(result.status).toBe('unknown');
		expect(result.findings?.map(f => f.id)).toEqual([
			'no-listener',
			'loopback-only',
			'firewall-reject',
		]);
	});

	test('a measured ICMP answer puts the firewall first, likely', () => {
		const result = judgeRemote(
			{},
			{target: target('192.0.2.7'), facts: facts('icmp')},
		);
		expect(result.findings?.[0]).toMatchObject({
			id: 'firewall-reject',
			confidence: 'likely',
		});
		expect(result.output).toContain('counted');
	});
});
