/**
The walk evaluates a chain only when it enters it (LazyChains): on every recorded rule set and
many packets (every port and address the fixture names), the decision is the one of the same base
chains with every chain evaluated up front.
*/
import {describe, expect, test} from 'vitest';
import {
	decide,
	iptablesBaseChains,
	nftBaseChains,
	type BaseChain,
} from '../../../source/model/firewall/index.js';
import {LazyChains} from '../../../source/model/firewall/rules.js';
import {
	decideFor,
	type Rulesets,
} from '../../../source/model/firewall/rulesets.js';
import {parseIptablesSave} from '../../../source/parsers/iptables-save.js';
import {
	parseNftJson,
	parseNftRuleTexts,
} from '../../../source/parsers/nft-json.js';
import {fixture, natRulesets, packetsFor} from '../../helpers/firewall.js';

/** Every chain evaluated before the walk, as before LazyChains. */
const eager = (bases: readonly BaseChain[]): BaseChain[] =>
	bases.map(base => ({...base, chains: new Map(base.chains)}));

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

describe('base chains made once per packet and readings', () => {
	const all: Rulesets = natRulesets();
	const packets = [
		...packetsFor(fixture('iptables/nat-docker-kube-proxy.txt'), 4),
		...packetsFor(fixture('iptables/nat-ip6.txt'), 6),
		...packetsFor(fixture('nft/nat.json'), 4),
	];

	test('the same decisions as with chains made afresh for every walk, in any order, twice', () => {
		const hooks = [undefined, ['input'] as const, ['output'] as const];
		const fresh = packets.flatMap(packet =>
			hooks.map(h => decideFor({...all}, packet, h ? {hooks: h} : {})),
		);
		for (const round of [0, 1]) {
			const shared: Array<ReturnType<typeof decideFor>> = [];
			for (const index of fresh.keys()) {
				// Round 1 walks the packets in the reverse order.
				const at = round === 0 ? index : fresh.length - 1 - index;
				const h = hooks[at % hooks.length];
				shared[at] = decideFor(
					all,
					packets[Math.floor(at / hooks.length)]!,
					h ? {hooks: h} : {},
				);
			}

			expect(shared).toEqual(fresh);
		}
	});
});
