/**
Destination NAT on recorded rule sets (test/fixtures/iptables/capture-nat.sh: Docker's DOCKER
chain, kube-proxy's KUBE-SERVICES / KUBE-SVC-* / KUBE-SEP-* chains, ip6 DNAT and REDIRECT, native
nft dnat and redirect), loaded in a namespace and dumped with iptables-save -c / nft -j.
*/
import {describe, expect, test} from 'vitest';
import type {Packet} from '../../../source/model/firewall/index.js';
import {
	decideFor,
	iptablesNftTables,
} from '../../../source/model/firewall/rulesets.js';
import {natRulesets} from '../../helpers/firewall.js';

const all = natRulesets();
const iptables = all.iptables[0]!;
const ip6tables = all.iptables[1]!;

const local = (daddr: string, dport: number): Packet => ({
	family: daddr.includes(':') ? 6 : 4,
	saddr: daddr.startsWith('127.')
		? '127.0.0.1'
		: daddr === '::1'
			? '::1'
			: '10.0.0.1',
	daddr,
	dport,
	iif: 'lo',
	oif: daddr === '127.0.0.1' || daddr === '::1' ? 'lo' : 'eth0',
	localClient: true,
});
const remote = (daddr: string, dport: number): Packet => ({
	family: 4,
	saddr: '192.0.2.50',
	daddr,
	dport,
	iif: 'eth0',
	localClient: false,
});
const isLocal = (address: string) => address === '10.0.0.1';

describe('Docker published port (DOCKER chain)', () => {
	test('a client on this host dialing its own address: DNAT to the container, named', () => {
		const walked = decideFor(all, local('10.0.0.1', 8080), {isLocal});
		expect(walked.verdict).toBe('accept');
		expect(walked.nat).toMatchObject({
			kind: 'dnat',
			to: {address: '172.17.0.2', port: 80},
			local: false,
			by: {table: 'nat', chain: 'DOCKER', number: 2},
		});
		expect(walked.trail).toContain('iptables nat OUTPUT rule 2: jump DOCKER');
	});

	test('a remote client: the same rule from PREROUTING', () => {
		const walked = decideFor(all, remote('10.0.0.1', 8080), {isLocal});
		expect(walked.nat).toMatchObject({
			to: {address: '172.17.0.2', port: 80},
			by: {chain: 'DOCKER', number: 2, hook: 'prerouting'},
		});
	});

	test('loopback is not rewritten (docker-proxy answers there)', () => {
		expect(decideFor(all, local('127.0.0.1', 8080)).nat).toBeUndefined();
	});
});

describe('kube-proxy (KUBE-SERVICES, KUBE-SVC-*, KUBE-SEP-*)', () => {
	test('a ClusterIP with one endpoint: the path through the chains to the DNAT of the endpoint', () => {
		const walked = decideFor(all, local('10.96.0.20', 8080));
		expect(walked.nat).toMatchObject({
			to: {address: '10.244.1.7', port: 3000},
			by: {chain: 'KUBE-SEP-Y3KEW3LCN7PCOWWS', number: 2},
		});
		expect(walked.trail).toEqual(
			expect.arrayContaining([
				'iptables nat KUBE-SERVICES rule 2: jump KUBE-SVC-ERIFXISQEP7F7OF4',
				'iptables nat KUBE-SVC-ERIFXISQEP7F7OF4 rule 2: jump KUBE-SEP-Y3KEW3LCN7PCOWWS',
			]),
		);
	});

	test('a NodePort from a remote client: KUBE-NODEPORTS to the same endpoint', () => {
		const walked = decideFor(all, remote('10.0.0.1', 30_080), {isLocal});
		expect(walked.nat?.to).toEqual({address: '10.244.1.7', port: 3000});
	});

	test('two endpoints chosen at random: uncertain, naming the statistic rule', () => {
		const walked = decideFor(all, local('10.96.0.10', 80));
		expect(walked).toMatchObject({
			verdict: 'uncertain',
			by: {chain: 'KUBE-SVC-TCOU7JCQXEZGVUNU', number: 2},
		});
		expect(walked.verdict === 'uncertain' && walked.because).toMatch(
			/statistic/,
		);
	});

	test('a Service without endpoints: kube-proxy REJECTs on the way out (filter OUTPUT)', () => {
		const walked = decideFor(all, local('10.96.0.30', 80));
		expect(walked).toMatchObject({
			verdict: 'reject',
			clientSees: 'refused',
			by: {table: 'filter', chain: 'KUBE-SERVICES', number: 1, hook: 'output'},
		});
	});
});

describe('REDIRECT and native nft nat', () => {
	test('ip6tables REDIRECT from OUTPUT: to [::1]:7998 on this host', () => {
		const walked = decideFor(all, local('::1', 7002));
		expect(walked.nat).toMatchObject({
			kind: 'redirect',
			to: {address: '::1', port: 7998},
			local: true,
			by: {source: 'ip6tables', table: 'nat', chain: 'OUTPUT', number: 1},
		});
		expect(walked.verdict).toBe('accept');
	});

	test('ip6tables DNAT in PREROUTING with a bracketed address', () => {
		const walked = decideFor(
			{iptables: [ip6tables]},
			{...remote('fd00::2', 8443), family: 6, saddr: 'fd00::50'},
		);
		expect(walked.nat?.to).toEqual({address: 'fd00::9', port: 443});
	});

	test('nft redirect in a nat output chain, named by handle', () => {
		const walked = decideFor(all, local('127.0.0.1', 7301));
		expect(walked.nat).toMatchObject({
			kind: 'redirect',
			to: {address: '127.0.0.1', port: 7999},
			by: {source: 'nft', table: 'natlab', chain: 'output', handle: 4},
		});
		expect(walked.nat?.by.text).toBe(
			'ip daddr 127.0.0.1 tcp dport 7301 counter packets 0 bytes 0 redirect to :7999',
		);
	});

	test('nft dnat in prerouting for a remote client', () => {
		const walked = decideFor(all, remote('10.0.0.2', 7300));
		expect(walked.nat).toMatchObject({
			kind: 'dnat',
			to: {address: '10.0.0.9', port: 80},
			by: {table: 'natlab', chain: 'prerouting', handle: 3},
		});
	});

	test('the iptables-nft tables in the nft dump are left to iptables-save', () => {
		expect(iptablesNftTables([iptables])('ip', 'nat')).toBe(true);
	});
});
