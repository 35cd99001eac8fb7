/**
The firewall step with the fake Io, fed real captured outputs (test/fixtures/{iptables,nft,ufw}):
not root, nothing installed, counters that move or not, uncertain, ufw, legacy backend.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	firewallRules,
	remoteClient,
} from '../../../source/checks/firewall/firewall-rules.js';
import type {
	CheckContext,
	CommandSpec,
	Io,
	RunResult,
} from '../../../source/checks/types.js';
import type {AddressProbe, Facts} from '../../../source/tree/facts.js';
import {
	createFakeIo,
	type FakeCommand,
	type FakeIoOptions,
} from '../../helpers/fake-io.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

const emptyNft = fixture('nft/empty.json');

function context(
	io: Io,
	options: {
		address: string;
		port: number;
		outcome: AddressProbe['outcome'];
		client?: string;
	},
): CheckContext & {commands: string[]} {
	const family = options.address.includes(':') ? 6 : 4;
	const facts: Facts = {
		target: {
			input: `${options.address}:${options.port}`,
			host: options.address,
			port: options.port,
		},
		probe: {
			outcome: options.outcome,
			address: options.address,
			ms: 1,
			addresses: [
				{
					address: options.address,
					family,
					source: 'literal',
					outcome: options.outcome,
					ms: 1,
					code: 'ECONNREFUSED',
				},
			],
		},
		local: {
			addresses: [options.address],
			isLocal: true,
			localTargets: [options.address],
			hostname: 'testhost',
		},
	};
	const commands: string[] = [];
	return {
		target: facts.target!,
		facts,
		answers: options.client ? {client: options.client} : {},
		io,
		signal: new AbortController().signal,
		timeoutMs: 1000,
		onCommand(command) {
			commands.push(command);
		},
		onLine() {},
		commands,
	};
}

/** A fake Io whose `iptables-save -c` answers with each of `dumps` in turn (the last one repeats). */
function withDumps(
	options: FakeIoOptions,
	dumps: readonly string[],
	extra: readonly FakeCommand[] = [],
): Io & {calls: string[]} {
	const io = createFakeIo({
		...options,
		commands: [
			...extra,
			{match: 'nft -j list ruleset', stdout: emptyNft},
			{match: 'nft -a list ruleset', stdout: ''},
			{
				match: /^ip -[46] -j route get/,
				stdout: '[{"type":"local","dev":"lo","prefsrc":"127.0.0.1"}]',
			},
			...(options.commands ?? []),
		],
	});
	let reads = 0;
	return {
		...io,
		async run(spec: CommandSpec, runOptions): Promise<RunResult> {
			if (spec.file === 'iptables-save') {
				io.calls.push(['iptables-save', ...spec.args].join(' '));
				const stdout = dumps[Math.min(reads, dumps.length - 1)]!;
				reads++;
				return {
					command: 'iptables-save -c',
					exitCode: 0,
					stdout,
					stderr: '',
					timedOut: false,
					notFound: false,
					canceled: false,
					durationMs: 1,
				};
			}

			return io.run(spec, runOptions);
		},
	};
}

describe('cannot read the rules', () => {
	test('not root: unknown, with the sudo commands, the real error lines kept', async () => {
		const io = createFakeIo({
			uid: 1000,
			commands: [
				{
					match: 'iptables-save -c',
					exitCode: 4,
					stderr: fixture('iptables/not-root.txt'),
				},
				{
					match: 'nft -j list ruleset',
					exitCode: 1,
					stderr: fixture('nft/not-root.txt'),
				},
			],
		});
		const result = await firewallRules(
			context(io, {address: '127.0.0.1', port: 8080, outcome: 'refused'}),
		);
		expect(result.status).toBe('unknown');
		expect(result.detail).toBe(
			'the firewall rules cannot be read without root (uid 1000): run sudo iptables-save -c; sudo nft -a list ruleset to see them',
		);
		expect(result.output).toEqual([
			'iptables-save -c: permission denied',
			'nft -j list ruleset: permission denied',
		]);
		expect(result.facts?.firewall).toEqual({
			verdict: 'unknown',
			reason: 'the firewall rules cannot be read without root (uid 1000)',
		});
		expect(result.findings).toBeUndefined();
	});

	test('no firewall tools at all: unknown, says so', async () => {
		const io = createFakeIo({});
		const result = await firewallRules(
			context(io, {address: '::1', port: 5432, outcome: 'refused'}),
		);
		expect(result.status).toBe('unknown');
		expect(result.detail).toMatch(
			/^neither iptables-save nor nft is installed.*: run ip6tables-save -c; nft -a list ruleset to see them$/,
		);
		expect(io.calls).toEqual(['ip6tables-save -c', 'nft -j list ruleset']);
	});
});

describe('a decision, confirmed by the counters or not', () => {
	const mixed = fixture('iptables/mixed-nft-backend-counters.txt');

	test('the policy DROP counted the extra connect: filtered, confirmed', async () => {
		const moved = mixed.replace(':INPUT DROP [0:0]', ':INPUT DROP [1:60]');
		const io = withDumps(
			{connect: {'127.0.0.1:8200': {code: 'ETIMEDOUT', ms: 1000}}},
			[mixed, moved],
		);
		const result = await firewallRules(
			context(io, {address: '127.0.0.1', port: 8200, outcome: 'timeout'}),
		);
		expect(result.status).toBe('problem');
		expect(result.findings?.[0]).toMatchObject({
			id: 'filtered',
			confidence: 'confirmed',
		});
		expect(result.findings?.[0]?.evidence).toEqual([
			'iptables -t filter, chain INPUT: policy DROP',
			'counters: 0 -> 1 packets (+1) across one more connect (ETIMEDOUT in 1000 ms): this rule saw the SYN',
			'probe: 127.0.0.1:8200 timeout (ECONNREFUSED) in 1 ms, as this rule predicts',
		]);
		expect(result.facts?.firewall).toMatchObject({
			verdict: 'drop',
			manager: 'iptables',
			counterDelta: 1,
			address: '127.0.0.1',
		});
		expect(io.calls.filter(c => c === 'iptables-save -c')).toHaveLength(2);
	});

	test('the counter did not move: only likely, and the evidence says so', async () => {
		const io = withDumps({}, [mixed]);
		const result = await firewallRules(
			context(io, {address: '127.0.0.1', port: 8200, outcome: 'timeout'}),
		);
		expect(result.findings?.[0]).toMatchObject({
			id: 'filtered',
			confidence: 'likely',
		});
		expect(result.findings?.[0]?.evidence[1]).toMatch(
			/\(\+0\).*did not count it/,
		);
	});

	test('the probe disagrees with the rule (refused, the rule drops): likely, and said', async () => {
		const moved = mixed.replace(':INPUT DROP [0:0]', ':INPUT DROP [1:60]');
		const io = withDumps({}, [mixed, moved]);
		const result = await firewallRules(
			context(io, {address: '127.0.0.1', port: 8200, outcome: 'refused'}),
		);
		expect(result.findings?.[0]).toMatchObject({
			id: 'filtered',
			confidence: 'likely',
		});
		expect(result.findings?.[0]?.evidence.at(-1)).toMatch(
			/but this rule predicts timeout$/,
		);
	});

	test('a match the tool does not understand decides: unknown, the rule named, the command given (root: no sudo)', async () => {
		const io = withDumps({}, [mixed]);
		const result = await firewallRules(
			context(io, {address: '127.0.0.1', port: 7000, outcome: 'refused'}),
		);
		expect(result.status).toBe('unknown');
		expect(result.detail).toContain('-m limit');
		expect(result.detail).toContain(
			'iptables -t filter, chain INPUT, rule 12: -A INPUT -p tcp -m tcp --dport 7000 -m limit --limit 5/min -j ACCEPT',
		);
		expect(result.detail).toContain('iptables-save -c');
		expect(result.facts?.firewall).toMatchObject({verdict: 'uncertain'});
	});

	test('accepted: passed, not the cause', async () => {
		const io = withDumps({}, [mixed]);
		const result = await firewallRules(
			context(io, {address: '127.0.0.1', port: 9001, outcome: 'refused'}),
		);
		expect(result.status).toBe('passed');
		expect(result.detail).toMatch(/not the cause/);
		expect(result.findings).toBeUndefined();
	});

	test('nft -a (the rule texts) is read only when nft -j shows a rule', async () => {
		const empty = withDumps({}, [mixed]);
		await firewallRules(
			context(empty, {address: '127.0.0.1', port: 9001, outcome: 'refused'}),
		);
		expect(empty.calls).not.toContain('nft -a list ruleset');

		const ruled = createFakeIo({
			commands: [
				{match: 'iptables-save -c', stdout: mixed},
				{
					match: 'nft -j list ruleset',
					stdout: fixture('nft/mixed-with-iptables-nft.json'),
				},
				{
					match: 'nft -a list ruleset',
					stdout: fixture('nft/mixed-with-iptables-nft-handles.txt'),
				},
			],
		});
		await firewallRules(
			context(ruled, {address: '127.0.0.1', port: 9001, outcome: 'refused'}),
		);
		expect(ruled.calls).toContain('nft -a list ruleset');
	});

	test('127.0.0.1 and ::1 need no `ip route get` (lo, from that address); another local address asks', async () => {
		const routes = async (address: string) => {
			const io = withDumps({}, [mixed]);
			await firewallRules(
				context(io, {address, port: 9001, outcome: 'refused'}),
			);
			return io.calls.filter(call => call.startsWith('ip '));
		};

		expect(await routes('127.0.0.1')).toEqual([]);
		expect(await routes('::1')).toEqual([]);
		expect(await routes('10.9.8.7')).toEqual(['ip -4 -j route get 10.9.8.7']);
	});
});

describe('nft missing', () => {
	const mixed = fixture('iptables/mixed-nft-backend-counters.txt');
	const commands = (state: string): FakeCommand[] => [
		{match: 'iptables-save -c', stdout: mixed},
		{
			match: 'firewall-cmd --state',
			stdout: state,
			exitCode: state === 'running' ? 0 : 252,
		},
	];

	test('iptables accepts but firewalld runs (its rules are in nftables): unknown, not a pass', async () => {
		const io = createFakeIo({commands: commands('running')});
		const result = await firewallRules(
			context(io, {address: '127.0.0.1', port: 9001, outcome: 'refused'}),
		);
		expect(result.status).toBe('unknown');
		expect(result.detail).toMatch(
			/firewalld is running .*nft -a list ruleset$/,
		);
		expect(result.output).toContain('not installed: nft');
	});

	test('iptables accepts, no firewalld: passed, with the caveat said', async () => {
		const io = createFakeIo({commands: commands('not running')});
		const result = await firewallRules(
			context(io, {address: '127.0.0.1', port: 9001, outcome: 'refused'}),
		);
		expect(result.status).toBe('passed');
		expect(result.detail).toMatch(/not the cause.*; nft could not be read$/);
	});
});

describe('ufw and a remote client (--answer client=ADDRESS)', () => {
	const ufwDump = fixture('ufw/iptables-save-ufw.txt');
	const ufw: FakeCommand = {
		match: 'ufw status numbered',
		stdout: fixture('ufw/status-numbered.txt'),
	};
	const route: FakeCommand = {
		match: 'ip -4 -j route get 192.168.1.5',
		stdout: '[{"dst":"192.168.1.5","dev":"eth0","prefsrc":"10.0.0.1"}]',
	};

	test('deny 8080/tcp: the iptables rule and ufw rule [2] named, ufw fixes, likely (not observed from here)', async () => {
		const io = withDumps({}, [ufwDump], [ufw, route]);
		const result = await firewallRules(
			context(io, {
				address: '10.0.0.1',
				port: 8080,
				outcome: 'open',
				client: '192.168.1.5',
			}),
		);
		expect(result.status).toBe('problem');
		const finding = result.findings?.[0];
		expect(finding).toMatchObject({id: 'filtered', confidence: 'likely'});
		expect(finding?.summary).toContain('from 192.168.1.5');
		expect(finding?.evidence).toContain(
			'iptables -t filter, chain ufw-user-input, rule 2: -A ufw-user-input -p tcp -m tcp --dport 8080 -j DROP',
		);
		expect(finding?.evidence).toContain(
			'ufw rule [2]: 8080/tcp DENY IN Anywhere',
		);
		expect(
			finding?.evidence.some(line =>
				line.startsWith(
					'evaluated for a client at 192.168.1.5 coming in on eth0',
				),
			),
		).toBe(true);
		expect(finding?.fixes.slice(0, 2)).toEqual([
			{
				command: 'ufw insert 1 allow 8080/tcp',
				why: expect.stringContaining('This changes the firewall') as string,
				undo: 'ufw delete allow 8080/tcp',
			},
			{
				command: 'ufw delete 2',
				why: expect.stringContaining('ufw rule [2]') as string,
				undo: 'ufw insert 2 deny 8080/tcp',
			},
		]);
		expect(result.facts?.firewall).toMatchObject({
			verdict: 'drop',
			manager: 'ufw',
		});
		// No counter comparison: the extra connect from here would go through lo, not this rule.
		expect(io.calls.filter(c => c === 'iptables-save -c')).toHaveLength(1);
	});

	test("a port ufw does not mention: the default policy, named as ufw's", async () => {
		const io = withDumps({}, [ufwDump], [ufw, route]);
		const result = await firewallRules(
			context(io, {
				address: '10.0.0.1',
				port: 9999,
				outcome: 'open',
				client: '192.168.1.5',
			}),
		);
		expect(result.findings?.[0]?.evidence[0]).toBe(
			'iptables -t filter, chain INPUT: policy DROP',
		);
		expect(result.findings?.[0]?.evidence).toContain(
			"ufw is active; no numbered ufw rule denies port 9999 from 192.168.1.5: ufw's default policy decides (ufw status verbose)",
		);
		expect(result.findings?.[0]?.fixes[0]?.command).toBe(
			'ufw insert 1 allow 9999/tcp',
		);
	});

	test('remoteClient accepts addresses only', () => {
		expect(remoteClient('10.1.2.3')).toBe('10.1.2.3');
		expect(remoteClient('[2001:db8::1]')).toBe('2001:db8::1');
		expect(remoteClient('yes')).toBeUndefined();
		expect(remoteClient(undefined)).toBeUndefined();
	});
});

describe('both iptables backends', () => {
	const mixed = fixture('iptables/mixed-nft-backend-counters.txt');

	test('legacy tables next to nf_tables ones (/proc/net/ip_tables_names): both read, the legacy reject named', async () => {
		// Real capture (capture-legacy.sh): nf_tables accepts 8080, the legacy table rejects it in a user chain.
		const io = withDumps(
			{
				files: {
					'/proc/net/ip_tables_names': fixture(
						'iptables/legacy-proc-ip_tables_names.txt',
					),
				},
				connect: {'127.0.0.1:8080': {code: 'ECONNREFUSED', ms: 1}},
			},
			[fixture('iptables/legacy-next-to-nft-backend.txt')],
			[
				{
					match: 'iptables-legacy-save -c',
					stdout: fixture('iptables/legacy-counters.txt'),
				},
			],
		);
		const result = await firewallRules(
			context(io, {address: '127.0.0.1', port: 8080, outcome: 'refused'}),
		);
		expect(io.calls).toContain('iptables-legacy-save -c');
		expect(result.findings?.[0]).toMatchObject({id: 'firewall-reject'});
		expect(result.findings?.[0]?.evidence.slice(0, 2)).toEqual([
			'iptables-legacy -t filter, chain legacy-guard, rule 1: -A legacy-guard -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset',
			'path: iptables filter INPUT rule 1: accept -> iptables-legacy filter INPUT rule 1: jump legacy-guard',
		]);
		expect(result.findings?.[0]?.fixes[0]?.command).toBe(
			'iptables-legacy -t filter -I legacy-guard 1 -p tcp --dport 8080 -j ACCEPT',
		);
	});

	test('no legacy tables: iptables-legacy-save is not run (it could load kernel modules)', async () => {
		const io = withDumps({}, [mixed]);
		await firewallRules(
			context(io, {address: '127.0.0.1', port: 9001, outcome: 'refused'}),
		);
		expect(io.calls).not.toContain('iptables-legacy-save -c');
	});
});
