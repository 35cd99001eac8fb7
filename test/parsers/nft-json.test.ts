import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import {describe, expect, test} from 'vitest';
import {
	nftRuleKey,
	parseNftJson,
	parseNftRuleTexts,
} from '../../source/parsers/nft-json.js';

const fixture = (name: string) => {
	const raw = readFileSync(new URL(`../fixtures/nft/${name}`, import.meta.url));
	return name.endsWith('.gz')
		? gunzipSync(raw).toString('utf8')
		: raw.toString('utf8');
};

describe('parseNftJson', () => {
	test('native tables next to iptables-nft ones (nft -j list ruleset)', () => {
		const ruleset = parseNftJson(fixture('mixed-with-iptables-nft.json'));
		expect(ruleset.version).toBe('1.0.6');
		expect(ruleset.tables.map(t => `${t.family} ${t.name}`)).toEqual([
			'ip raw',
			'ip filter',
			'ip6 filter',
			'inet edge',
		]);
		expect(
			ruleset.chains.find(c => c.table === 'edge' && c.name === 'early'),
		).toEqual({
			family: 'inet',
			table: 'edge',
			name: 'early',
			handle: 1,
			type: 'filter',
			hook: 'input',
			prio: -10,
			policy: 'accept',
		});
		expect(
			ruleset.chains.find(c => c.table === 'edge' && c.name === 'deny')?.hook,
		).toBeUndefined();
		expect(ruleset.sets.find(s => s.name === 'blocked')?.elem).toEqual([
			{prefix: {addr: '192.0.2.0', len: 24}},
			'198.51.100.7',
		]);
		const reset = ruleset.rules.find(
			r => r.table === 'edge' && r.handle === 13,
		);
		expect(reset?.expr.at(-1)).toEqual({reject: {type: 'tcp reset'}});
		expect(
			ruleset.rules.find(r => r.table === 'edge' && r.handle === 19)?.comment,
		).toBe('local only');
	});

	test('an empty ruleset', () => {
		const ruleset = parseNftJson(fixture('empty.json'));
		expect(ruleset.tables).toEqual([]);
		expect(ruleset.rules).toEqual([]);
	});

	test('a large ruleset: 3000 rules', () => {
		const ruleset = parseNftJson(fixture('large-3000-rules.json.gz'));
		expect(ruleset.rules).toHaveLength(3001);
		expect(ruleset.chains.filter(c => c.table === 'big')).toHaveLength(1);
	});

	test('not JSON from nft', () => {
		expect(() => parseNftJson('{"foo": 1}')).toThrow(/not nft JSON/);
	});
});

describe('parseNftRuleTexts', () => {
	test('the printed rule of each handle (nft -a list ruleset)', () => {
		const texts = parseNftRuleTexts(
			fixture('mixed-with-iptables-nft-handles.txt'),
		);
		expect(texts.get(nftRuleKey('inet', 'edge', 'input', 13))).toMatch(
			/^tcp dport 9003 counter packets \d+ bytes \d+ reject with tcp reset$/,
		);
		expect(texts.get(nftRuleKey('inet', 'edge', 'early', 6))).toMatch(
			/^ip saddr @blocked counter packets 0 bytes 0 drop$/,
		);
		expect(texts.get(nftRuleKey('ip', 'filter', 'INPUT', 11))).toMatch(
			/tcp dport 8080 .*reject with tcp reset/,
		);
		// Set elements and chain headers are not rules.
		expect([...texts.keys()].some(key => key.includes('blocked'))).toBe(false);
	});
});
