/**
The fixes for a rule that rejects or drops: shown, never run. Each matches the tool that manages
the rule (iptables, nft, ufw, firewalld), has an undo, and says that it changes the firewall.
Every word that comes from the system (chain, table, rule text, zone, rich rule) is quoted with
`shellQuote`; `sudo ` is prefixed only for a user who is not root.
*/
import type {Fix} from '../../tree/types.js';
import type {NftRuleset} from '../../parsers/nft-json.js';
import {splitWords} from '../../parsers/iptables-save.js';
import type {RuleRef} from '../../model/firewall/index.js';
import type {Manager} from '../../model/firewall/rulesets.js';
import {shellQuote} from '../../text/sanitize.js';

export type {Manager} from '../../model/firewall/rulesets.js';

export type FixContext = {
	readonly port: number;
	readonly by: RuleRef;
	readonly manager: Manager;
	/** "sudo " when not root, "" for root. */
	readonly sudo: string;
	/** The rule is on this host's output path (a connection to another host). */
	readonly outbound?: boolean;
	/** The firewalld zone, when known. */
	readonly zone?: string;
	/** The firewalld rich rule that decided, when known. */
	readonly richRule?: string;
	/** The ufw rule, when one matched: number and the line of `ufw status numbered`. */
	readonly ufwRule?: {readonly number: number; readonly text: string};
	readonly nft?: NftRuleset;
};

const warning = 'This changes the firewall';

/** "-A INPUT -p tcp ... -j DROP" → the words after "-A INPUT", as iptables-save quoted them. */
function ruleArguments(text: string): string[] {
	const words = splitWords(text);
	return words[0] === '-A' ? words.slice(2) : words;
}

/** Counter values are state, not part of the rule. */
function nftRuleText(text: string): string {
	return text.replaceAll(/counter packets \d+ bytes \d+/g, 'counter');
}

function command(sudo: string, words: ReadonlyArray<string | number>): string {
	return `${sudo}${shellQuote(words.map(String))}`;
}

function iptablesFixes({port, by, sudo}: FixContext): Fix[] {
	const where = [by.source, '-t', by.table];
	const accept = ['-p', 'tcp', '--dport', port, '-j', 'ACCEPT'];
	const remove = command(sudo, [...where, '-D', by.chain, ...accept]);
	const fixes: Fix[] = by.policy
		? [
				{
					command: command(sudo, [...where, '-A', by.chain, ...accept]),
					why: `Accepts TCP ${port} at the end of ${by.chain}, before its ${by.text} policy. ${warning}: port ${port} opens to every source that reaches this chain.`,
					undo: remove,
				},
			]
		: [
				{
					command: command(sudo, [
						...where,
						'-I',
						by.chain,
						by.number ?? 1,
						...accept,
					]),
					why: `Accepts TCP ${port} just before rule ${by.number ?? '?'} of ${by.chain}. ${warning}: port ${port} opens to every source that reaches this rule.`,
					undo: remove,
				},
				removeRule(
					by,
					{sudo},
					`Or remove rule ${by.number ?? '?'} itself (check first that nothing else relies on it). ${warning}.`,
				),
			];
	fixes.push({
		command: `${sudo}netfilter-persistent save`,
		why: `iptables changes last until the next reboot: this saves the running rules (Debian/Ubuntu, package iptables-persistent; RHEL: ${sudo}service iptables save).`,
	});
	return fixes;
}

function previousHandle(
	nft: NftRuleset | undefined,
	by: RuleRef,
): number | undefined {
	const rules =
		nft?.rules.filter(
			r =>
				r.family === by.family && r.table === by.table && r.chain === by.chain,
		) ?? [];
	const index = rules.findIndex(r => r.handle === by.handle);
	return index > 0 ? rules[index - 1]?.handle : undefined;
}

function nftFixes({port, by, nft, sudo}: FixContext): Fix[] {
	const chain = [by.family, by.table, by.chain];
	const accept = ['tcp', 'dport', port, 'accept'];
	const findHandle = `${command(sudo, ['nft', '-a', 'list', 'chain', ...chain])}  # then: ${command(sudo, ['nft', 'delete', 'rule', ...chain, 'handle'])} <handle of "${accept.join(' ')}">`;
	if (by.policy === true || by.handle === undefined) {
		return [
			{
				command: command(sudo, ['nft', 'add', 'rule', ...chain, ...accept]),
				why: `Accepts TCP ${port} at the end of chain ${by.chain}, before its drop policy. ${warning}: port ${port} opens to every source that reaches this chain.`,
				undo: findHandle,
			},
			persistNft(sudo),
		];
	}

	return [
		{
			command: command(sudo, [
				'nft',
				'insert',
				'rule',
				...chain,
				'position',
				by.handle,
				...accept,
			]),
			why: `Accepts TCP ${port} just before the rule with handle ${by.handle}. ${warning}: port ${port} opens to every source that reaches this rule.`,
			undo: findHandle,
		},
		removeRule(
			by,
			{sudo, nft},
			`Or remove that rule itself (check first that nothing else relies on it). ${warning}.`,
		),
		persistNft(sudo),
	];
}

/** Delete one rule (iptables: by number; nft: by handle), with the undo that puts it back in place. */
function removeRule(
	by: RuleRef,
	{sudo, nft}: {sudo: string; nft?: NftRuleset},
	why: string,
): Fix {
	if (by.source !== 'nft') {
		const where = [by.source, '-t', by.table];
		return {
			command: command(sudo, [...where, '-D', by.chain, by.number ?? '?']),
			why,
			undo: command(sudo, [
				...where,
				'-I',
				by.chain,
				by.number ?? 1,
				...ruleArguments(by.text),
			]),
		};
	}

	const chain = [by.family, by.table, by.chain];
	const previous = previousHandle(nft, by);
	// Nft joins its arguments with spaces: the rule's text goes as one quoted word.
	const rule = nftRuleText(by.text);
	return {
		command: command(sudo, [
			'nft',
			'delete',
			'rule',
			...chain,
			'handle',
			by.handle ?? '?',
		]),
		why,
		undo:
			previous === undefined
				? command(sudo, ['nft', 'insert', 'rule', ...chain, rule])
				: command(sudo, [
						'nft',
						'add',
						'rule',
						...chain,
						'position',
						previous,
						rule,
					]),
	};
}

/** Root edits the file with the user's editor (sudoedit is for the others). */
// eslint-disable-next-line no-template-curly-in-string -- shell text, not a template
const rootEdit = '"${EDITOR:-vi}" /etc/nftables.conf';

function persistNft(sudo: string): Fix {
	return {
		command: sudo ? 'sudoedit /etc/nftables.conf' : rootEdit,
		why: 'nft changes last until the next reboot or reload: make the same change in the file your system loads (Debian: /etc/nftables.conf, nftables.service).',
	};
}

function ufwFixes({port, ufwRule, sudo, outbound}: FixContext): Fix[] {
	const allow = outbound ? ['allow', 'out'] : ['allow'];
	const fixes: Fix[] = [
		{
			command: command(sudo, ['ufw', 'insert', 1, ...allow, `${port}/tcp`]),
			why: `ufw checks its rules in order: this allow${outbound ? ' (for connections out of this host)' : ''} comes first. ${warning} (ufw saves it at once: it stays after a reboot).`,
			undo: command(sudo, ['ufw', 'delete', ...allow, `${port}/tcp`]),
		},
	];
	if (ufwRule) {
		const simple =
			/^(\S+)\s+(DENY|REJECT|LIMIT)(?: IN| OUT)?\s+Anywhere(?: \(out\))?$/.exec(
				ufwRule.text,
			);
		const direction = outbound ? ['out'] : [];
		fixes.push({
			command: command(sudo, ['ufw', 'delete', ufwRule.number]),
			why: `Or remove ufw rule [${ufwRule.number}] (${ufwRule.text}). ${warning}.`,
			...(simple
				? {
						undo: command(sudo, [
							'ufw',
							'insert',
							ufwRule.number,
							simple[2]!.toLowerCase(),
							...direction,
							simple[1]!,
						]),
					}
				: {}),
		});
	}

	return fixes;
}

/** `--name=VALUE` with the value quoted (as firewall-cmd's own documentation writes it). */
const option = (name: string, value: string) =>
	`--${name}=${shellQuote([value])}`;

/** A firewall-cmd change now and the same change kept (--permanent, then a reload); options come quoted. */
function firewalldPair(
	sudo: string,
	change: readonly string[],
	undo: readonly string[],
	why: string,
): Fix[] {
	const cmd = (options: readonly string[]) =>
		`${sudo}firewall-cmd ${options.join(' ')}`;
	const reload = cmd(['--reload']);
	return [
		{command: cmd(change), why: `${why} ${warning}.`, undo: cmd(undo)},
		{
			command: `${cmd(['--permanent', ...change])} && ${reload}`,
			why: `The same, kept after a reload or reboot (--permanent). ${warning}.`,
			undo: `${cmd(['--permanent', ...undo])} && ${reload}`,
		},
	];
}

function firewalldFixes({port, zone, richRule, sudo}: FixContext): Fix[] {
	const zoneOption = zone ? [option('zone', zone)] : [];
	if (richRule) {
		// A rich rule in the zone's deny chain comes before any allowed port: only removing it helps.
		return firewalldPair(
			sudo,
			[...zoneOption, option('remove-rich-rule', richRule)],
			[...zoneOption, option('add-rich-rule', richRule)],
			`Removes the rich rule that ${richRule.endsWith('drop') ? 'drops' : 'rejects'} TCP ${port} (deny rules come before allowed ports, so adding the port would not help) until the next reload.`,
		);
	}

	return firewalldPair(
		sudo,
		[...zoneOption, option('add-port', `${port}/tcp`)],
		[...zoneOption, option('remove-port', `${port}/tcp`)],
		`Opens TCP ${port} in ${zone ? `zone ${zone}` : 'the default zone'} until the next reload.`,
	);
}

/** A nat rule that sends the connection where nothing listens: remove it (when it is stale), with its undo. */
export function natFixes(
	by: RuleRef,
	sudo: string,
	nft: NftRuleset | undefined,
): Fix[] {
	const fix = removeRule(
		by,
		{sudo, ...(nft ? {nft} : {})},
		`Or, if this rewrite is stale, remove the nat rule (check first that nothing else relies on it). ${warning}.`,
	);
	return by.source === 'nft' ? [fix, persistNft(sudo)] : [fix];
}

export function firewallFixes(context: FixContext): Fix[] {
	switch (context.manager) {
		case 'ufw': {
			return ufwFixes(context);
		}

		case 'firewalld': {
			return firewalldFixes(context);
		}

		case 'nftables': {
			return nftFixes(context);
		}

		case 'iptables': {
			return context.by.source === 'nft'
				? nftFixes(context)
				: iptablesFixes(context);
		}
	}
}
