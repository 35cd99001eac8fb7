import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import {describe, expect, test} from 'vitest';
import {
	decide,
	describeRef,
	iptablesBaseChains,
	nftBaseChains,
	type Decision,
	type Packet,
} from '../../../source/model/firewall/index.js';
import {parseIptablesSave} from '../../../source/parsers/iptables-save.js';
import {
	nftRuleKey,
	parseNftJson,
	parseNftRuleTexts,
} from '../../../source/parsers/nft-json.js';

const named = (decision: Decision) =>
	decision.by ? describeRef(decision.by) : '';

const fixture = (name: string) => {
	const raw = readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
	return name.endsWith('.gz')
		? gunzipSync(raw).toString('utf8')
		: raw.toString('utf8');
};

const iptables = parseIptablesSave(
	fixture('iptables/mixed-nft-backend-counters.txt'),
);
const ip6tables = parseIptablesSave(fixture('iptables/ip6-mixed-counters.txt'));
const nft = parseNftJson(fixture('nft/mixed-with-iptables-nft.json'));
const texts = parseNftRuleTexts(
	fixture('nft/mixed-with-iptables-nft-handles.txt'),
);
const iptablesNftTables = new Set(['ip raw', 'ip filter', 'ip6 filter']);
const skip = (family: string, table: string) =>
	iptablesNftTables.has(`${family} ${table}`);

/** A local client dialing 127.0.0.1 (through lo). */
const local = (dport: number, extra: Partial<Packet> = {}): Packet => ({
	family: 4,
	saddr: '127.0.0.1',
	daddr: '127.0.0.1',
	dport,
	iif: 'lo',
	oif: 'lo',
	localClient: true,
	...extra,
});
/** A remote client from `saddr` through eth0. */
const remote = (
	dport: number,
	saddr: string | undefined,
	daddr = '10.0.0.1',
): Packet => ({
	family: 4,
	...(saddr ? {saddr} : {}),
	daddr,
	dport,
	iif: 'eth0',
	localClient: false,
});

const onlyIptables = (packet: Packet) =>
	decide(iptablesBaseChains(iptables, 'iptables', packet));
const onlyNft = (packet: Packet) =>
	decide(nftBaseChains(nft, packet, {texts, skip}));
const both = (packet: Packet) =>
	decide([
		...iptablesBaseChains(iptables, 'iptables', packet),
		...iptablesBaseChains(ip6tables, 'ip6tables', packet),
		...nftBaseChains(nft, packet, {texts, skip}),
	]);

describe('iptables', () => {
	test('an accept rule earlier in the chain wins over the reject after it', () => {
		// The capture itself connected to 127.0.0.1:8080: rule 5 counted it (see the parser test).
		const decision = onlyIptables(local(8080));
		expect(decision.verdict).toBe('accept');
		expect(decision.trail).toContain('iptables filter INPUT rule 5: accept');
	});

	test.each([
		[8080, 'reject', 'INPUT', 6, 'refused'],
		[8081, 'reject', 'INPUT', 7, 'refused'],
		[8082, 'reject', 'INPUT', 8, 'unreachable'],
		[8083, 'drop', 'INPUT', 9, undefined],
		[6000, 'reject', 'app-reject', 1, 'refused'],
	] as const)(
		'remote client to port %i: %s by %s rule %i',
		(...[port, verdict, chain, number, clientSees]) => {
			const decision = onlyIptables(remote(port, '192.168.1.5'));
			expect(decision.verdict).toBe(verdict);
			expect(decision).toMatchObject({by: {table: 'filter', chain, number}});
			if (clientSees) {
				expect(decision).toMatchObject({clientSees});
			}
		},
	);

	test('jump into a user chain that jumps again and rejects, with the path in the trail', () => {
		const decision = onlyIptables(remote(5500, '192.168.1.5'));
		expect(decision).toMatchObject({
			verdict: 'reject',
			rejectWith: 'tcp-reset',
			by: {chain: 'app-reject', number: 1},
		});
		expect(decision.trail).toEqual([
			'iptables raw PREROUTING: policy accept',
			'iptables filter INPUT rule 10: jump app-in',
			'iptables filter app-in rule 2: jump app-reject',
		]);
	});

	test('RETURN from the user chain falls through to the policy DROP', () => {
		const decision = onlyIptables(remote(5500, '192.168.1.5', '10.9.9.9'));
		expect(decision).toMatchObject({
			verdict: 'drop',
			by: {chain: 'INPUT', policy: true, text: 'DROP'},
		});
		expect(named(decision)).toBe(
			'iptables -t filter, chain INPUT: policy DROP',
		);
	});

	test('the interface decides: -i lo accepts 9001 for a local client, not for a remote one', () => {
		expect(onlyIptables(local(9001)).verdict).toBe('accept');
		expect(onlyIptables(remote(9001, '192.168.1.5'))).toMatchObject({
			verdict: 'drop',
			by: {policy: true},
		});
	});

	test('the source address decides: ssh from 10/8 accepted, from elsewhere dropped by the policy', () => {
		expect(onlyIptables(remote(22, '10.1.2.3')).verdict).toBe('accept');
		expect(onlyIptables(remote(22, '192.168.1.9'))).toMatchObject({
			verdict: 'drop',
			by: {policy: true},
		});
	});

	test('a drop in raw PREROUTING comes before filter INPUT', () => {
		expect(onlyIptables(remote(9001, '192.0.2.66'))).toMatchObject({
			verdict: 'drop',
			by: {table: 'raw', chain: 'PREROUTING', number: 1},
		});
	});

	test('a match not understood (-m limit) makes the verdict uncertain and names the rule', () => {
		const decision = onlyIptables(remote(7000, '192.168.1.5'));
		expect(decision).toMatchObject({
			verdict: 'uncertain',
			by: {chain: 'INPUT', number: 12},
		});
		expect(decision.verdict === 'uncertain' && decision.because).toMatch(
			/-m limit/,
		);
	});

	const filterOnly = (packet: Packet) =>
		decide(
			iptablesBaseChains(iptables, 'iptables', packet).filter(
				base => base.table === 'filter',
			),
		);

	test('an unknown source address: the raw drop for 192.0.2.66 may or may not apply, so uncertain, naming it', () => {
		expect(onlyIptables(remote(8084, undefined))).toMatchObject({
			verdict: 'uncertain',
			by: {table: 'raw', number: 1},
		});
	});

	test('an unknown source address makes "! -s" uncertain, since it decides between accept and reject', () => {
		const decision = filterOnly(remote(8080, undefined));
		expect(decision).toMatchObject({verdict: 'uncertain', by: {number: 5}});
		expect(decision.verdict === 'uncertain' && decision.because).toMatch(
			/-s 192.168.1.0\/24/,
		);
	});

	test('an unknown match that cannot change the result is not reported as uncertain', () => {
		// Rules 4 and 5 are unknown without a source, but 8200 is in neither's ports: they do not
		// match either way, and the policy decides.
		expect(filterOnly(remote(8200, undefined))).toMatchObject({
			verdict: 'drop',
			by: {policy: true},
		});
	});

	test('ip6tables: a reject limited to fd00::/8', () => {
		const packet: Packet = {
			family: 6,
			saddr: 'fd00::5',
			daddr: 'fd00::1',
			dport: 8080,
			iif: 'eth0',
			localClient: false,
		};
		expect(
			decide(iptablesBaseChains(ip6tables, 'ip6tables', packet)),
		).toMatchObject({
			verdict: 'reject',
			clientSees: 'unreachable',
			rejectWith: 'icmp6-adm-prohibited',
		});
		expect(
			decide(
				iptablesBaseChains(ip6tables, 'ip6tables', {
					...packet,
					saddr: '2001:db8::1',
				}),
			).verdict,
		).toBe('accept');
		expect(
			decide(
				iptablesBaseChains(ip6tables, 'ip6tables', {...packet, dport: 8084}),
			),
		).toMatchObject({
			verdict: 'reject',
			clientSees: 'refused',
			by: {number: 2},
		});
		// IPv4 rules do not see an IPv6 packet.
		expect(iptablesBaseChains(iptables, 'iptables', packet)).toEqual([]);
	});
});

describe('nftables', () => {
	test.each([
		[9100, 'reject', 'early', 7, 'unreachable'],
		[9003, 'reject', 'input', 13, 'refused'],
		[9004, 'reject', 'input', 14, 'refused'],
		[9005, 'reject', 'deny', 20, 'unreachable'],
		[9006, 'drop', 'input', 17, undefined],
	] as const)(
		'port %i: %s by chain %s handle %i',
		(...[port, verdict, chain, handle, clientSees]) => {
			const decision = onlyNft(remote(port, '192.168.1.5'));
			expect(decision).toMatchObject({
				verdict,
				by: {source: 'nft', family: 'inet', table: 'edge', chain, handle},
			});
			if (clientSees) {
				expect(decision).toMatchObject({clientSees});
			}
		},
	);

	test('accepts: iifname lo, a named set of ports, an anonymous set with a prefix, a vmap, fib daddr type local', () => {
		expect(onlyNft(local(9002)).verdict).toBe('accept');
		expect(onlyNft(remote(443, '192.168.1.5')).verdict).toBe('accept');
		expect(onlyNft(remote(2222, '10.0.0.9')).verdict).toBe('accept');
		expect(onlyNft(remote(9007, '192.168.1.5')).verdict).toBe('accept');
		expect(onlyNft(remote(9009, '192.168.1.5')).verdict).toBe('accept');
	});

	test('a source in a named interval set is dropped by the earlier chain (priority -10)', () => {
		const decision = onlyNft(remote(443, '192.0.2.200'));
		expect(decision).toMatchObject({
			verdict: 'drop',
			by: {chain: 'early', handle: 6},
		});
		expect(named(decision)).toMatch(
			/^nft table inet edge, chain early, handle 6: ip saddr @blocked counter packets \d+ bytes \d+ drop$/,
		);
	});

	test('the policy drop of the later chain', () => {
		expect(onlyNft(remote(2222, '192.168.1.5'))).toMatchObject({
			verdict: 'drop',
			by: {chain: 'input', policy: true},
		});
	});

	test('limit is not understood: uncertain, named', () => {
		expect(onlyNft(remote(9008, '192.168.1.5'))).toMatchObject({
			verdict: 'uncertain',
			by: {handle: 18},
		});
	});

	test('IPv6 packets meet the inet table; "ip saddr @blocked" does not apply to them', () => {
		const packet: Packet = {
			family: 6,
			saddr: '2001:db8::1',
			daddr: '2001:db8::2',
			dport: 9003,
			iif: 'eth0',
			localClient: false,
		};
		expect(onlyNft(packet)).toMatchObject({
			verdict: 'reject',
			by: {handle: 13},
		});
	});
});

describe('iptables and nftables together, in priority order', () => {
	test('the iptables-nft filter INPUT (priority 0) drops by policy before the inet edge input chain (priority 10) could reject', () => {
		const decision = both(local(9003));
		expect(decision).toMatchObject({
			verdict: 'drop',
			by: {source: 'iptables', table: 'filter', chain: 'INPUT', policy: true},
		});
		expect(decision.trail).toContain('nft inet edge early: policy accept');
	});

	test('the inet edge early chain (priority -10) rejects before iptables sees the packet', () => {
		expect(both(local(9150))).toMatchObject({
			verdict: 'reject',
			by: {source: 'nft', chain: 'early', handle: 7},
		});
	});

	test('accepted by iptables, then rejected by the later nft chain', () => {
		expect(both(local(8050))).toMatchObject({
			verdict: 'drop',
			by: {source: 'nft', chain: 'input', policy: true},
		});
	});
});

describe('large rulesets', () => {
	test('4041 iptables rules: the reject in user chain blk-7, rule 26', () => {
		const ruleset = parseIptablesSave(
			fixture('iptables/large-4000-rules.txt.gz'),
		);
		const decision = decide(
			iptablesBaseChains(ruleset, 'iptables', remote(21_007, '10.7.4.7')),
		);
		expect(decision).toMatchObject({
			verdict: 'reject',
			by: {chain: 'blk-7', number: 26},
		});
		expect(decision.trail).toContain(
			'iptables filter INPUT rule 8: jump blk-7',
		);
		expect(
			decide(
				iptablesBaseChains(ruleset, 'iptables', remote(24_999, '10.7.4.7')),
			),
		).toMatchObject({verdict: 'drop', by: {chain: 'INPUT', number: 41}});
		expect(
			decide(
				iptablesBaseChains(ruleset, 'iptables', remote(21_008, '10.7.4.7')),
			).verdict,
		).toBe('accept');
	});

	test('3001 nft rules', () => {
		const ruleset = parseNftJson(fixture('nft/large-3000-rules.json.gz'));
		const skipAll = (_family: string, table: string) => table !== 'big';
		const decision = decide(
			nftBaseChains(ruleset, remote(31_234, '10.4.234.1'), {skip: skipAll}),
		);
		expect(decision).toMatchObject({
			verdict: 'drop',
			by: {table: 'big', chain: 'input'},
		});
		const handle = decision.verdict === 'drop' ? decision.by.handle : undefined;
		const rule = ruleset.rules.find(
			r => r.handle === handle && r.table === 'big',
		);
		expect(JSON.stringify(rule?.expr)).toContain('31234');
		expect(
			decide(
				nftBaseChains(ruleset, remote(34_999, '10.99.0.1'), {skip: skipAll}),
			),
		).toMatchObject({verdict: 'reject', rejectWith: 'tcp reset'});
	});
});

test('no rules at all: accept, nothing named', () => {
	expect(decide([])).toEqual({verdict: 'accept', trail: []});
	expect(nftRuleKey('inet', 'a', 'b', 1)).toBe('inet a b 1');
});

describe('a real ufw ruleset (iptables-save of ufw 0.36.2)', () => {
	const ufw = parseIptablesSave(fixture('ufw/iptables-save-ufw.txt'));
	const run = (packet: Packet) =>
		decide(iptablesBaseChains(ufw, 'iptables', packet));

	test('a client on this host is accepted by ufw-before-input -i lo', () => {
		const decision = run(local(8080, {saddr: '10.0.0.1', daddr: '10.0.0.1'}));
		expect(decision.verdict).toBe('accept');
		expect(decision.trail).toContain(
			'iptables filter ufw-before-input rule 1: accept',
		);
	});

	test.each([
		[8080, '192.168.1.5', 'drop', 'ufw-user-input', 2],
		[8081, '192.168.1.5', 'reject', 'ufw-user-input', 3],
		[9999, '192.0.2.7', 'drop', 'ufw-user-input', 9],
	] as const)(
		'remote client to %i from %s: %s by %s rule %i',
		(...[port, saddr, verdict, chain, number]) => {
			const decision = run(remote(port, saddr));
			expect(decision).toMatchObject({verdict, by: {chain, number}});
			expect(decision.trail).toContain(
				'iptables filter ufw-before-input rule 13: jump ufw-user-input',
			);
		},
	);

	test('allowed from 10/8 only: accepted from there, the policy drops the rest', () => {
		expect(run(remote(5432, '10.1.1.1')).verdict).toBe('accept');
		expect(run(remote(5432, '172.16.0.1'))).toMatchObject({
			verdict: 'drop',
			by: {chain: 'INPUT', policy: true},
		});
	});

	test('ufw limit (-m recent) cannot be decided: uncertain, naming the rule', () => {
		expect(run(remote(2222, '192.168.1.5'))).toMatchObject({
			verdict: 'uncertain',
			by: {chain: 'ufw-user-input', number: 5},
		});
	});
});

describe('a real firewalld ruleset (firewalld 1.3.3, nftables backend, zone public on fwdcapa)', () => {
	const ruleset = parseNftJson(fixture('firewalld/nft-ruleset.json'));
	const handles = parseNftRuleTexts(
		fixture('firewalld/nft-ruleset-handles.txt'),
	);
	const run = (packet: Packet) =>
		decide(nftBaseChains(ruleset, packet, {texts: handles}));
	const peer = (dport: number, saddr = '10.203.0.1'): Packet => ({
		family: 4,
		saddr,
		daddr: '10.203.0.2',
		dport,
		iif: 'fwdcapa',
		localClient: false,
	});

	test('a client on this host: accepted by iifname "lo" (handle 28)', () => {
		const decision = run(
			local(7201, {saddr: '10.203.0.2', daddr: '10.203.0.2'}),
		);
		expect(decision.verdict).toBe('accept');
		expect(decision.trail).toContain(
			'firewalld filter_INPUT handle 28: accept',
		);
	});

	test("a port not opened in the zone: the zone chain's final reject, icmpx admin-prohibited", () => {
		const decision = run(peer(7201));
		expect(decision).toMatchObject({
			verdict: 'reject',
			clientSees: 'unreachable',
			rejectWith: 'icmpx admin-prohibited',
			by: {table: 'firewalld', chain: 'filter_IN_public', handle: 72},
		});
		expect(decision.trail).toEqual(
			expect.arrayContaining([
				'firewalld filter_INPUT handle 33: jump filter_INPUT_ZONES',
				'firewalld filter_INPUT_ZONES handle 175: goto filter_IN_public',
			]),
		);
		expect(named(decision)).toBe(
			'nft table inet firewalld, chain filter_IN_public, handle 72: reject with icmpx admin-prohibited',
		);
	});

	test('ports, services and rich rules', () => {
		expect(run(peer(7200)).verdict).toBe('accept');
		expect(run(peer(22)).verdict).toBe('accept');
		expect(run(peer(7202))).toMatchObject({
			verdict: 'reject',
			clientSees: 'refused',
			by: {chain: 'filter_IN_public_deny', handle: 182},
		});
		expect(run(peer(7202, '10.203.0.9'))).toMatchObject({
			verdict: 'reject',
			by: {handle: 72},
		});
		expect(run(peer(7203))).toMatchObject({
			verdict: 'drop',
			by: {chain: 'filter_IN_public_deny', handle: 183},
		});
	});

	test('IPv6: the reverse path check passes for a routed client', () => {
		const packet: Packet = {
			family: 6,
			saddr: 'fd00::1',
			daddr: 'fd00::2',
			dport: 7200,
			iif: 'fwdcapa',
			localClient: false,
		};
		expect(run(packet).verdict).toBe('accept');
	});
});
