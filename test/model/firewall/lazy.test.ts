/**
The walk evaluates a chain only when it enters it (LazyChains): on every recorded rule set and
many packets (every port and address the fixture names), the decision is the one of the same base
chains with every chain evaluated up front.
*/
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import {describe, expect, test} from 'vitest';
import {
	decide,
	iptablesBaseChains,
	nftBaseChains,
	type BaseChain,
	type Packet,
} from '../../../source/model/firewall/index.js';
import {LazyChains} from '../../../source/model/firewall/rules.js';
import {parseIptablesSave} from '../../../source/parsers/iptables-save.js';
import {
	parseNftJson,
	parseNftRuleTexts,
} from '../../../source/parsers/nft-json.js';

const fixture = (name: string) => {
	const raw = readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
	return name.endsWith('.gz')
		? gunzipSync(raw).toString('utf8')
		: raw.toString('utf8');
};

/** Every chain evaluated before the walk, as before LazyChains. */
const eager = (bases: readonly BaseChain[]): BaseChain[] =>
	bases.map(base => ({...base, chains: new Map(base.chains)}));

/** Packets to every port and from every address a capture names (capped), local and remote, v4 and v6. */
function packetsFor(text: string, family: 4 | 6, few = false): Packet[] {
	const ports = [
		...new Set(
			[...text.matchAll(/\b\d{2,5}\b/g)]
				.map(match => Number(match[0]))
				.filter(port => port > 0 && port < 65_536),
		),
	].slice(0, few ? 6 : 60);
	const addresses = [
		...new Set(
			[
				...text.matchAll(
					family === 4
						? /\b(?:\d{1,3}\.){3}\d{1,3}\b/g
						: /\b[\da-f]{1,4}(?::[\da-f]{0,4}){2,7}\b/gi,
				),
			].map(match => match[0]),
		),
	].slice(0, few ? 3 : 12);
	const loopback = family === 4 ? '127.0.0.1' : '::1';
	const packets: Packet[] = [];
	for (const dport of [4, 22, 80, ...ports]) {
		packets.push({
			family,
			saddr: loopback,
			daddr: loopback,
			dport,
			iif: 'lo',
			oif: 'lo',
			localClient: true,
		});
		for (const saddr of [undefined, ...addresses]) {
			packets.push({
				family,
				...(saddr ? {saddr} : {}),
				daddr: addresses[0] ?? loopback,
				dport,
				iif: 'eth0',
				localClient: false,
			});
		}
	}

	return packets;
}

const iptablesFixtures = [
	['iptables/mixed-nft-backend-counters.txt', 4],
	['iptables/mixed-nft-backend.txt', 4],
	['iptables/legacy-counters.txt', 4],
	['iptables/legacy-next-to-nft-backend.txt', 4],
	['iptables/nat-docker-kube-proxy.txt', 4],
	['iptables/ip6-mixed-counters.txt', 6],
	['iptables/nat-ip6.txt', 6],
	['ufw/iptables-save-ufw.txt', 4],
	['iptables/large-4000-rules.txt.gz', 4],
] as const;

const nftFixtures = [
	[
		'nft/mixed-with-iptables-nft.json',
		'nft/mixed-with-iptables-nft-handles.txt',
	],
	['nft/nat.json', 'nft/nat-handles.txt'],
	['firewalld/nft-ruleset.json', 'firewalld/nft-ruleset-handles.txt'],
	['nft/large-3000-rules.json.gz', undefined],
] as const;

describe('lazy chains decide as eager ones', () => {
	test.each(iptablesFixtures)('%s', (name, family) => {
		const text = fixture(name);
		const ruleset = parseIptablesSave(text);
		const source = family === 4 ? 'iptables' : 'ip6tables';
		for (const packet of packetsFor(text, family, name.endsWith('.gz'))) {
			const bases = iptablesBaseChains(ruleset, source, packet);
			expect(decide(bases)).toEqual(
				decide(eager(iptablesBaseChains(ruleset, source, packet))),
			);
		}
	});

	test.each(nftFixtures)('%s', (name, handles) => {
		const text = fixture(name);
		const ruleset = parseNftJson(text);
		const texts = handles ? parseNftRuleTexts(fixture(handles)) : undefined;
		const options = texts ? {texts} : {};
		for (const family of [4, 6] as const) {
			for (const packet of packetsFor(text, family, name.endsWith('.gz'))) {
				expect(decide(nftBaseChains(ruleset, packet, options))).toEqual(
					decide(eager(nftBaseChains(ruleset, packet, options))),
				);
			}
		}
	});
});

test('LazyChains builds a chain once, on first use, and iterates in the order of its names', () => {
	const built: string[] = [];
	const chains = new LazyChains(new Set(['b', 'a']), name => {
		built.push(name);
		return {name, steps: []};
	});
	expect(chains.size).toBe(2);
	expect(chains.has('a')).toBe(true);
	expect(chains.get('c')).toBeUndefined();
	expect(built).toEqual([]);
	expect(chains.get('a')).toBe(chains.get('a'));
	expect(built).toEqual(['a']);
	expect([...chains.keys()]).toEqual(['b', 'a']);
	expect([...chains].map(([name]) => name)).toEqual(['b', 'a']);
	expect(built).toEqual(['a', 'b']);
});
