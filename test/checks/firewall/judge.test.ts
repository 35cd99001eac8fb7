/**
The firewall judge on recorded observations (no fake command table): rulesets parsed from the
captured dumps in test/fixtures/iptables, the packet and probe as measure would record them.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {listenerList} from '../../../source/parsers/listeners.js';
import type {JudgeInput} from '../../../source/checks/define.js';
import {judge} from '../../../source/checks/firewall/judge.js';
import type {FirewallObservations} from '../../../source/checks/firewall/observations.js';
import type {Readings} from '../../../source/checks/firewall/read.js';
import {parseIptablesSave} from '../../../source/parsers/iptables-save.js';
import type {AddressProbe, Facts} from '../../../source/tree/facts.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

const mixed = fixture('iptables/mixed-nft-backend-counters.txt');

function readings(dump: string): Readings {
	return {
		iptables: [
			{
				source: 'iptables' as const,
				file: 'iptables-save',
				command: 'iptables-save -c',
				ruleset: parseIptablesSave(dump),
				incompatible: [],
			},
		],
		denied: [],
		missing: ['nft'],
		failures: [],
		commands: ['iptables-save -c'],
	};
}

function probe(outcome: AddressProbe['outcome']): AddressProbe {
	return {
		address: '127.0.0.1',
		family: 4,
		source: 'literal',
		outcome,
		ms: 3,
		code: outcome === 'timeout' ? 'ETIMEDOUT' : 'ECONNREFUSED',
	};
}

function input(
	port: number,
	outcome: AddressProbe['outcome'],
	uid: number,
): JudgeInput {
	const facts: Facts = {
		probe: {
			outcome,
			address: '127.0.0.1',
			ms: 3,
			addresses: [probe(outcome)],
		},
		local: {
			addresses: ['127.0.0.1'],
			isLocal: true,
			localTargets: ['127.0.0.1'],
			hostname: 'h',
		},
	};
	return {
		target: {input: `127.0.0.1:${port}`, host: '127.0.0.1', port},
		facts,
		answers: {},
		timeoutMs: 1000,
		uid,
	};
}

const packet = (port: number) => ({
	family: 4 as const,
	saddr: '127.0.0.1',
	daddr: '127.0.0.1',
	dport: port,
	iif: 'lo',
	oif: 'lo',
	localClient: true,
});

function observed(
	port: number,
	outcome: AddressProbe['outcome'],
	after?: string,
): FirewallObservations {
	return {
		families: [4],
		readings: readings(mixed),
		probes: [
			{
				probe: probe(outcome),
				packet: packet(port),
				...(after
					? {
							recount: {
								connect: {code: 'ETIMEDOUT', ms: 1000},
								after: readings(after),
							},
						}
					: {}),
			},
		],
		firewalldState: '',
	};
}

describe('judge', () => {
	test('the policy DROP counted the extra connect: filtered, confirmed; root gets no sudo', () => {
		const moved = mixed.replace(':INPUT DROP [0:0]', ':INPUT DROP [1:60]');
		const result = judge(
			observed(8200, 'timeout', moved),
			input(8200, 'timeout', 0),
		);
		expect(result.findings?.[0]).toMatchObject({
			id: 'filtered',
			confidence: 'confirmed',
		});
		expect(result.findings?.[0]?.evidence[1]).toBe(
			'counters: 0 -> 1 packets (+1) across one more connect (ETIMEDOUT in 1000 ms): this rule saw the SYN',
		);
		expect(result.findings?.[0]?.fixes[0]?.command).toBe(
			'iptables -t filter -A INPUT -p tcp --dport 8200 -j ACCEPT',
		);
	});

	test('not root: the same fixes with sudo', () => {
		const result = judge(
			observed(8200, 'timeout'),
			input(8200, 'timeout', 1000),
		);
		expect(
			result.findings?.[0]?.fixes.every(fix => fix.command.startsWith('sudo')),
		).toBe(true);
	});

	test('counters not compared (no recount recorded): the probe agreeing with the rule is what confirms it', () => {
		const agrees = judge(observed(8200, 'timeout'), input(8200, 'timeout', 0));
		expect(agrees.findings?.[0]?.confidence).toBe('confirmed');
		const disagrees = judge(
			observed(8200, 'refused'),
			input(8200, 'refused', 0),
		);
		expect(disagrees.findings?.[0]?.confidence).toBe('likely');
	});

	test('a goto to a rejecting chain and the probe refused: firewall-reject, the delete fix and its undo', () => {
		const result = judge(observed(6000, 'refused'), input(6000, 'refused', 0));
		const finding = result.findings?.[0];
		expect(finding?.id).toBe('firewall-reject');
		expect(finding?.fixes[1]).toMatchObject({
			command: 'iptables -t filter -D app-reject 1',
			undo: 'iptables -t filter -I app-reject 1 -p tcp -j REJECT --reject-with tcp-reset',
		});
	});

	test('rules read, every probe accepted from here: nothing to walk is skipped', () => {
		const facts = input(8080, 'open', 0);
		expect(judge(observed(8080, 'open'), facts).status).toBe('skipped');
	});

	test('blind as root for another reason: no "run as root" advice, no sudo', () => {
		const blind: FirewallObservations = {
			families: [4],
			readings: {
				iptables: [],
				denied: [],
				missing: [],
				failures: ['iptables-save -c: exit 1: iptables-save: unknown error'],
				commands: ['iptables-save -c'],
			},
			probes: [],
		};
		const result = judge(blind, input(8080, 'refused', 0));
		expect(result.status).toBe('unknown');
		expect(result.detail).toBe(
			'the firewall rules could not be read: run iptables-save -c; nft -a list ruleset to see them',
		);
	});
});

describe('judge: nat and outbound, on the recorded nat rule set (capture-nat.sh)', () => {
	const natDump = fixture('iptables/nat-docker-kube-proxy.txt');
	const ip6Dump = fixture('iptables/nat-ip6.txt');
	const natReadings: Readings = {
		...readings(natDump),
		iptables: [
			...readings(natDump).iptables,
			{
				source: 'ip6tables',
				file: 'ip6tables-save',
				command: 'ip6tables-save -c',
				ruleset: parseIptablesSave(ip6Dump),
				incompatible: [],
			},
		],
	};
	const v6probe: AddressProbe = {
		address: '::1',
		family: 6,
		source: 'literal',
		outcome: 'refused',
		ms: 1,
		code: 'ECONNREFUSED',
	};
	const v6input = (listeners: Facts['listeners']): JudgeInput => ({
		target: {input: '[::1]:7002', host: '::1', port: 7002},
		facts: {
			probe: {outcome: 'refused', address: '::1', ms: 1, addresses: [v6probe]},
			local: {
				addresses: ['::1'],
				isLocal: true,
				localTargets: ['::1'],
				hostname: 'h',
			},
			...(listeners ? {listeners} : {}),
		},
		answers: {},
		timeoutMs: 1000,
		uid: 1000,
	});
	const v6observed: FirewallObservations = {
		families: [6],
		readings: natReadings,
		probes: [
			{
				probe: v6probe,
				packet: {
					family: 6,
					saddr: '::1',
					daddr: '::1',
					dport: 7002,
					iif: 'lo',
					oif: 'lo',
					localClient: true,
				},
			},
		],
		firewalldState: '',
	};

	test('REDIRECT to a port where nothing listens: no-listener, the rule and the real destination named, fixes for the rule', () => {
		const result = judge(
			v6observed,
			v6input({
				source: 'ss',
				command: 'ss -Htlnpe',
				listeners: listenerList([{address: '::1', port: 7002, family: 6}]),
				processesVisible: true,
			}),
		);
		expect(result.status).toBe('problem');
		expect(result.findings?.[0]).toMatchObject({
			id: 'no-listener',
			confidence: 'confirmed',
		});
		expect(result.findings?.[0]?.evidence[0]).toBe(
			'nat: REDIRECT sends [::1]:7002 to [::1]:7998 (ip6tables -t nat, chain OUTPUT, rule 1: -A OUTPUT -d ::1/128 -p tcp -m tcp --dport 7002 -j REDIRECT --to-ports 7998)',
		);
		expect(result.findings?.[0]?.fixes[0]).toEqual({
			command: 'sudo ip6tables -t nat -D OUTPUT 1',
			why: expect.stringContaining('stale') as string,
			undo: 'sudo ip6tables -t nat -I OUTPUT 1 -d ::1/128 -p tcp -m tcp --dport 7002 -j REDIRECT --to-ports 7998',
		});
		expect(result.facts?.firewall?.nat).toEqual({
			kind: 'redirect',
			rule: 'ip6tables -t nat, chain OUTPUT, rule 1: -A OUTPUT -d ::1/128 -p tcp -m tcp --dport 7002 -j REDIRECT --to-ports 7998',
			to: {address: '::1', port: 7998},
			local: true,
		});
	});

	test('something listens on the real destination ("::" dual stack): no finding, the rewrite said and in the facts', () => {
		const result = judge(
			v6observed,
			v6input({
				source: 'ss',
				command: 'ss -Htlnpe',
				listeners: listenerList([{address: '::', port: 7998, family: 6}]),
				processesVisible: true,
			}),
		);
		expect(result.status).toBe('passed');
		expect(result.findings).toBeUndefined();
		expect(result.detail).toContain(
			'nat: REDIRECT sends [::1]:7002 to [::1]:7998',
		);
		expect(result.facts?.firewall?.nat?.to).toEqual({
			address: '::1',
			port: 7998,
		});
	});

	test('listeners not read: nothing claimed about the real destination', () => {
		expect(judge(v6observed, v6input(undefined)).findings).toBeUndefined();
	});

	test('another host, a Service without endpoints: kube-proxy rejects on the way out of this host', () => {
		const remoteProbe: AddressProbe = {
			address: '10.96.0.30',
			family: 4,
			source: 'literal',
			outcome: 'refused',
			ms: 1,
			code: 'ECONNREFUSED',
		};
		const result = judge(
			{
				families: [4],
				readings: natReadings,
				probes: [
					{
						probe: remoteProbe,
						outbound: true,
						packet: {
							family: 4,
							saddr: '10.0.0.1',
							daddr: '10.96.0.30',
							dport: 80,
							oif: 'eth0',
							localClient: true,
						},
					},
				],
			},
			{
				target: {input: '10.96.0.30:80', host: '10.96.0.30', port: 80},
				facts: {
					probe: {
						outcome: 'refused',
						address: '10.96.0.30',
						ms: 1,
						addresses: [remoteProbe],
					},
					local: {
						addresses: ['10.0.0.1'],
						isLocal: false,
						localTargets: [],
						hostname: 'h',
					},
				},
				answers: {},
				timeoutMs: 1000,
				uid: 0,
			},
		);
		expect(result.findings?.[0]).toMatchObject({
			id: 'firewall-reject',
			confidence: 'confirmed',
		});
		expect(result.findings?.[0]?.summary).toMatch(
			/^iptables rule 1 in chain KUBE-SERVICES \(table filter\) rejects TCP to 10\.96\.0\.30:80 on its way out of this host/,
		);
		expect(result.facts?.firewall?.outbound).toBe(true);
	});
});
