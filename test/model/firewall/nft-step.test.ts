/**
An nft rule's step reads its match at once (stopping at the first "no") and its action, counters
and ref (the `nft -a` text) when asked; the `nft -a` texts are parsed on first use. Pinned here:
on every nft capture and many packets, every step of every chain reads exactly as the eager step
did (kept below as the reference), whichever field is read first; the texts read as
parseNftRuleTexts reads them.
*/
import {describe, expect, test} from 'vitest';
import {
	nftBaseChains,
	type Packet,
} from '../../../source/model/firewall/index.js';
import {statementEffect} from '../../../source/model/firewall/nft.js';
import {allOf, type Step} from '../../../source/model/firewall/rules.js';
import {short} from '../../../source/model/firewall/nft-match.js';
import {
	nftRuleKey,
	nftRuleTextsOnUse,
	parseNftJson,
	parseNftRuleTexts,
	type NftRule,
	type NftRuleset,
} from '../../../source/parsers/nft-json.js';
import {fixture, packetsFor} from '../../helpers/firewall.js';

/** The step as it was made before: every statement up to the first action read at once. */
function eagerStep(
	rule: NftRule,
	scope: Parameters<typeof statementEffect>[1],
	texts: ReadonlyMap<string, string> | undefined,
): Step {
	const list = [];
	for (const statement of rule.expr) {
		const effect = statementEffect(statement, scope);
		list.push(effect);
		if (effect.action) {
			break;
		}
	}

	const {tri, because} = allOf(
		list.flatMap(effect => (effect.reason ? [effect.reason] : [])),
	);
	const counters = list.find(effect => effect.counters)?.counters;
	const text = texts?.get(
		nftRuleKey(rule.family, rule.table, rule.chain, rule.handle),
	);
	return {
		ref: {
			source: 'nft',
			family: rule.family,
			table: rule.table,
			chain: rule.chain,
			handle: rule.handle,
			hook: scope.hook,
			text: text ?? rule.expr.map(e => short(e)).join(' '),
			...(counters ? {counters} : {}),
		},
		match: tri,
		...(because ? {because} : {}),
		action: list.at(-1)?.action ?? {kind: 'continue'},
	};
}

/** Every field of a step, read in one order or the other. */
function read(step: Step, refFirst: boolean): Step {
	const ref = refFirst ? step.ref : undefined;
	const {action} = step;
	return {
		ref: ref ?? step.ref,
		match: step.match,
		...(step.because === undefined ? {} : {because: step.because}),
		action,
	};
}

function checkSteps(
	ruleset: NftRuleset,
	packet: Packet,
	texts: ReadonlyMap<string, string> | undefined,
): number {
	let checked = 0;
	for (const base of nftBaseChains(ruleset, packet, texts ? {texts} : {})) {
		const inTable = (c: {family: string; table: string}) =>
			c.family === base.family && c.table === base.table;
		const sets = (name: string) =>
			ruleset.sets.find(s => inTable(s) && s.name === name)?.elem;
		const scope = {packet, hook: base.hook, sets};
		for (const [name, chain] of base.chains) {
			const rules = ruleset.rules.filter(r => inTable(r) && r.chain === name);
			expect(chain.steps).toHaveLength(rules.length);
			for (const [index, step] of chain.steps.entries()) {
				expect(read(step, index % 2 === 0)).toEqual(
					eagerStep(rules[index]!, scope, texts),
				);
				checked++;
			}
		}
	}

	return checked;
}

const captures = [
	[
		'nft/mixed-with-iptables-nft.json',
		'nft/mixed-with-iptables-nft-handles.txt',
	],
	['nft/nat.json', 'nft/nat-handles.txt'],
	['firewalld/nft-ruleset.json', 'firewalld/nft-ruleset-handles.txt'],
	['nft/large-3000-rules.json.gz', undefined],
	['nft/empty.json', undefined],
] as const;

describe('lazy nft steps read as the eager ones', () => {
	test.each(captures)('%s', (name, handles) => {
		const text = fixture(name);
		const ruleset = parseNftJson(text);
		const texts = handles ? nftRuleTextsOnUse(fixture(handles)) : undefined;
		let checked = 0;
		for (const family of [4, 6] as const) {
			for (const packet of packetsFor(
				text,
				family,
				!name.startsWith('nft/m'),
			)) {
				checked += checkSteps(ruleset, packet, texts);
			}
		}

		expect(checked > 0 || ruleset.rules.length === 0).toBe(true);
	});
});

test.each(captures.flatMap(([, handles]) => (handles ? [handles] : [])))(
	'%s: the texts on use are parseNftRuleTexts',
	handles => {
		const text = fixture(handles);
		const eager = parseNftRuleTexts(text);
		const first = [...eager.keys()][0]!;
		const onUse = nftRuleTextsOnUse(text);
		expect(onUse.get(first)).toBe(eager.get(first));
		expect(onUse.has('no such key')).toBe(false);
		expect(onUse.size).toBe(eager.size);
		expect(new Map(onUse)).toEqual(eager);
		expect([...nftRuleTextsOnUse(text).values()]).toEqual([...eager.values()]);
	},
);
