/**
The firewall judge on recorded observations (no fake command table): rulesets parsed from the
captured dumps in test/fixtures/iptables, the packet and probe as measure would record them.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
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
