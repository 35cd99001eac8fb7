/**
Every firewall fix builder fed hostile text where the system's text lands (chain, table, rule
text, zone, rich rule, ufw rule text): pasting the command or its undo into `sh -c` runs nothing
else (test/helpers/hostile.ts), and each hostile word stays one argument.
*/
import {describe, expect, test} from 'vitest';
import {
	firewallFixes,
	natFixes,
	type Manager,
} from '../../../source/checks/firewall/fixes.js';
import type {RuleRef} from '../../../source/model/firewall/index.js';
import {
	assertInert,
	hostileStrings,
	shellWords,
} from '../../helpers/hostile.js';

const managers: readonly Manager[] = [
	'iptables',
	'nftables',
	'ufw',
	'firewalld',
];

function refs(hostile: string): RuleRef[] {
	return [
		{
			source: 'iptables',
			family: 'ip',
			table: hostile,
			chain: hostile,
			number: 2,
			text: `-A ${hostile} -m comment --comment "${hostile.replaceAll('"', '\\"')}" -j DROP`,
		},
		{
			source: 'iptables',
			family: 'ip',
			table: 'filter',
			chain: hostile,
			policy: true,
			text: 'DROP',
		},
		{
			source: 'nft',
			family: hostile,
			table: hostile,
			chain: hostile,
			handle: 7,
			text: `tcp dport 80 ${hostile} drop`,
		},
		{
			source: 'nft',
			family: 'inet',
			table: 'filter',
			chain: hostile,
			policy: true,
			text: 'drop',
		},
	];
}

describe('firewall fixes quote the system text', () => {
	for (const hostile of hostileStrings) {
		test(`inert with ${JSON.stringify(hostile)}`, () => {
			for (const manager of managers) {
				for (const by of refs(hostile)) {
					for (const sudo of ['', 'sudo ']) {
						const fixes = [
							...natFixes(by, sudo, undefined),
							...firewallFixes({
								port: 80,
								by,
								manager,
								sudo,
								zone: hostile,
								richRule: hostile,
								ufwRule: {number: 3, text: `${hostile} DENY IN Anywhere`},
								outbound: sudo === '',
							}),
						];
						for (const line of fixes.flatMap(fix => [
							fix.command,
							fix.undo ?? '',
						])) {
							assertInert(line);
						}
					}
				}
			}
		});
	}

	test('a hostile chain name stays one word', () => {
		const hostile = hostileStrings[0]!;
		const [fix] = firewallFixes({
			port: 80,
			by: refs(hostile)[1]!,
			manager: 'iptables',
			sudo: '',
		});
		expect(shellWords(fix!.command)).toEqual([
			'iptables',
			'-t',
			'filter',
			'-A',
			hostile,
			'-p',
			'tcp',
			'--dport',
			'80',
			'-j',
			'ACCEPT',
		]);
	});
});
