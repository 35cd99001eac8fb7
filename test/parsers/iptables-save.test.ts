import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import {describe, expect, test} from 'vitest';
import {
	parseIptablesSave,
	splitWords,
	type IptablesRuleset,
} from '../../source/parsers/iptables-save.js';

const findChain = (ruleset: IptablesRuleset, table: string, chain: string) =>
	ruleset.tables
		.find(t => t.name === table)
		?.chains.find(c => c.name === chain);

const fixture = (name: string) => {
	const raw = readFileSync(
		new URL(`../fixtures/iptables/${name}`, import.meta.url),
	);
	return name.endsWith('.gz')
		? gunzipSync(raw).toString('utf8')
		: raw.toString('utf8');
};

describe('parseIptablesSave', () => {
	test('a mixed ruleset with counters (iptables-save -c, nf_tables backend)', () => {
		const ruleset = parseIptablesSave(
			fixture('mixed-nft-backend-counters.txt'),
		);
		expect(ruleset.backend).toBe('nf_tables');
		expect(ruleset.unparsed).toEqual([]);
		expect(ruleset.tables.map(t => t.name)).toEqual(['raw', 'filter']);
		const input = findChain(ruleset, 'filter', 'INPUT');
		expect(input?.policy).toBe('DROP');
		expect(input?.counters).toEqual({packets: 0, bytes: 0});
		expect(findChain(ruleset, 'filter', 'app-in')?.policy).toBeUndefined();
		const rule6 = input?.rules[5];
		expect(rule6).toMatchObject({
			number: 6,
			chain: 'INPUT',
			table: 'filter',
			text: '-A INPUT -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset',
			target: {
				name: 'REJECT',
				goto: false,
				options: [{name: 'reject-with', negated: false, values: ['tcp-reset']}],
			},
		});
		expect(rule6?.counters).toEqual({packets: 0, bytes: 0});
		const rule5 = input?.rules[4];
		// The capture's connect to 127.0.0.1:8080 was accepted here, before the reject of rule 6.
		expect(rule5?.counters?.packets).toBe(1);
		expect(rule5?.matches).toEqual([
			{kind: 'builtin', name: 's', negated: true, value: '192.168.1.0/24'},
			{kind: 'builtin', name: 'p', negated: false, value: 'tcp'},
			{
				kind: 'module',
				name: 'multiport',
				options: [
					{name: 'dports', negated: false, values: ['80,443,8000:8100']},
				],
			},
		]);
		const comment = input?.rules[3];
		expect(comment?.matches.at(-1)).toEqual({
			kind: 'module',
			name: 'comment',
			options: [
				{name: 'comment', negated: false, values: ['ssh from the lan']},
			],
		});
		const goto = input?.rules.at(-1);
		expect(goto?.target).toEqual({name: 'app-reject', goto: true, options: []});
		const flags = input?.rules[10];
		expect(flags?.matches.at(-1)).toEqual({
			kind: 'module',
			name: 'tcp',
			options: [
				{name: 'dport', negated: false, values: ['7000']},
				{name: 'tcp-flags', negated: false, values: ['FIN,SYN,RST,ACK', 'SYN']},
			],
		});
		expect(flags?.target?.options).toEqual([
			{name: 'log-prefix', negated: false, values: ['new7000 ']},
		]);
	});

	test('without counters', () => {
		const ruleset = parseIptablesSave(fixture('mixed-nft-backend.txt'));
		const input = findChain(ruleset, 'filter', 'INPUT');
		expect(input?.rules).toHaveLength(13);
		expect(input?.rules[0]?.counters).toBeUndefined();
	});

	test('ip6tables-save', () => {
		const ruleset = parseIptablesSave(fixture('ip6-mixed-counters.txt'));
		expect(findChain(ruleset, 'filter', 'INPUT')?.rules[0]?.matches[0]).toEqual(
			{kind: 'builtin', name: 's', negated: false, value: 'fd00::/8'},
		);
	});

	test('an empty dump (no tables loaded)', () => {
		expect(parseIptablesSave(fixture('empty.txt'))).toEqual({
			tables: [],
			unparsed: [],
		});
	});

	test('a large ruleset: 4000 rules in 40 user chains', () => {
		const ruleset = parseIptablesSave(fixture('large-4000-rules.txt.gz'));
		const filter = ruleset.tables.find(t => t.name === 'filter');
		expect(filter?.chains).toHaveLength(43);
		expect(
			filter?.chains.reduce((sum, chain) => sum + chain.rules.length, 0),
		).toBe(4041);
		expect(findChain(ruleset, 'filter', 'blk-7')?.rules[99]?.number).toBe(100);
		expect(ruleset.unparsed).toEqual([]);
	});
});

describe('splitWords', () => {
	test('quotes and escapes as iptables-save writes them', () => {
		expect(
			splitWords(
				String.raw`-m comment --comment "a \"quoted\" word" -j ACCEPT`,
			),
		).toEqual([
			'-m',
			'comment',
			'--comment',
			'a "quoted" word',
			'-j',
			'ACCEPT',
		]);
	});
});
