/**
The fixes for a rule that rejects or drops: shown, never run. Each matches the tool that manages
the rule (iptables, nft, ufw, firewalld), has an undo, and says that it changes the firewall.
*/
import type {Fix} from '../../tree/types.js';
import type {NftRuleset} from '../../parsers/nft-json.js';
import type {RuleRef} from './rules.js';

export type Manager = 'iptables' | 'nftables' | 'ufw' | 'firewalld';

export type FixContext = {
	readonly port: number;
	readonly by: RuleRef;
	readonly manager: Manager;
	/** The firewalld zone, when known. */
	readonly zone?: string;
	/** The firewalld rich rule that decided, when known. */
	readonly richRule?: string;
	/** The ufw rule, when one matched: number and the line of `ufw status numbered`. */
	readonly ufwRule?: {readonly number: number; readonly text: string};
	readonly nft?: NftRuleset;
};

const warning = 'This changes the firewall';

/** "-A INPUT -p tcp ... -j DROP" → "-p tcp ... -j DROP". */
function ruleArguments(text: string): string {
	return text.replace(/^-A\s+\S+\s*/, '');
}

/** Counter values are state, not part of the rule. */
function nftRuleText(text: string): string {
	return text.replaceAll(/counter packets \d+ bytes \d+/g, 'counter');
}

function iptablesFixes({port, by}: FixContext): Fix[] {
	const tool = by.source;
	const where = `${tool} -t ${by.table}`;
	const accept = `-p tcp --dport ${port} -j ACCEPT`;
	const fixes: Fix[] = [];
	if (by.policy) {
		fixes.push({
			command: `sudo ${where} -A ${by.chain} ${accept}`,
			why: `Accepts TCP ${port} at the end of ${by.chain}, before its ${by.text} policy. ${warning}: port ${port} opens to every source that reaches this chain.`,
			undo: `sudo ${where} -D ${by.chain} ${accept}`,
		});
	} else {
		fixes.push(
			{
				command: `sudo ${where} -I ${by.chain} ${by.number ?? 1} ${accept}`,
				why: `Accepts TCP ${port} just before rule ${by.number ?? '?'} of ${by.chain}. ${warning}: port ${port} opens to every source that reaches this rule.`,
				undo: `sudo ${where} -D ${by.chain} ${accept}`,
			},
			{
				command: `sudo ${where} -D ${by.chain} ${by.number ?? '?'}`,
				why: `Or remove rule ${by.number ?? '?'} itself (check first that nothing else relies on it). ${warning}.`,
				undo: `sudo ${where} -I ${by.chain} ${by.number ?? 1} ${ruleArguments(by.text)}`,
			},
		);
	}

	fixes.push({
		command: 'sudo netfilter-persistent save',
		why: 'iptables changes last until the next reboot: this saves the running rules (Debian/Ubuntu, package iptables-persistent; RHEL: sudo service iptables save).',
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

function nftFixes({port, by, nft}: FixContext): Fix[] {
	const chain = `${by.family} ${by.table} ${by.chain}`;
	const accept = `tcp dport ${port} accept`;
	const findHandle = `sudo nft -a list chain ${chain}  # then: sudo nft delete rule ${chain} handle <handle of "${accept}">`;
	const fixes: Fix[] = [];
	if (by.policy === true || by.handle === undefined) {
		fixes.push({
			command: `sudo nft add rule ${chain} ${accept}`,
			why: `Accepts TCP ${port} at the end of chain ${by.chain}, before its drop policy. ${warning}: port ${port} opens to every source that reaches this chain.`,
			undo: findHandle,
		});
	} else {
		const previous = previousHandle(nft, by);
		fixes.push(
			{
				command: `sudo nft insert rule ${chain} position ${by.handle} ${accept}`,
				why: `Accepts TCP ${port} just before the rule with handle ${by.handle}. ${warning}: port ${port} opens to every source that reaches this rule.`,
				undo: findHandle,
			},
			{
				command: `sudo nft delete rule ${chain} handle ${by.handle}`,
				why: `Or remove that rule itself (check first that nothing else relies on it). ${warning}.`,
				undo:
					previous === undefined
						? `sudo nft insert rule ${chain} ${nftRuleText(by.text)}`
						: `sudo nft add rule ${chain} position ${previous} ${nftRuleText(by.text)}`,
			},
		);
	}

	fixes.push({
		command: 'sudoedit /etc/nftables.conf',
		why: 'nft changes last until the next reboot or reload: make the same change in the file your system loads (Debian: /etc/nftables.conf, nftables.service).',
	});
	return fixes;
}

function ufwFixes({port, ufwRule}: FixContext): Fix[] {
	const fixes: Fix[] = [
		{
			command: `sudo ufw insert 1 allow ${port}/tcp`,
			why: `ufw checks its rules in order: this allow comes first. ${warning} (ufw saves it at once: it stays after a reboot).`,
			undo: `sudo ufw delete allow ${port}/tcp`,
		},
	];
	if (ufwRule) {
		const simple = /^(\S+)\s+(DENY|REJECT|LIMIT)(?: IN)?\s+Anywhere$/.exec(
			ufwRule.text,
		);
		fixes.push({
			command: `sudo ufw delete ${ufwRule.number}`,
			why: `Or remove ufw rule [${ufwRule.number}] (${ufwRule.text}). ${warning}.`,
			...(simple
				? {
						undo: `sudo ufw insert ${ufwRule.number} ${simple[2]!.toLowerCase()} ${simple[1]!}`,
					}
				: {}),
		});
	}

	return fixes;
}

function firewalldFixes({port, zone, richRule}: FixContext): Fix[] {
	const zoneOption = zone ? `--zone=${zone} ` : '';
	if (richRule) {
		// A rich rule in the zone's deny chain comes before any allowed port: only removing it helps.
		const quoted = `'${richRule.replaceAll("'", String.raw`'\''`)}'`;
		return [
			{
				command: `sudo firewall-cmd ${zoneOption}--remove-rich-rule=${quoted}`,
				why: `Removes the rich rule that ${richRule.endsWith('drop') ? 'drops' : 'rejects'} TCP ${port} (deny rules come before allowed ports, so adding the port would not help) until the next reload. ${warning}.`,
				undo: `sudo firewall-cmd ${zoneOption}--add-rich-rule=${quoted}`,
			},
			{
				command: `sudo firewall-cmd --permanent ${zoneOption}--remove-rich-rule=${quoted} && sudo firewall-cmd --reload`,
				why: `The same, kept after a reload or reboot (--permanent). ${warning}.`,
				undo: `sudo firewall-cmd --permanent ${zoneOption}--add-rich-rule=${quoted} && sudo firewall-cmd --reload`,
			},
		];
	}

	return [
		{
			command: `sudo firewall-cmd ${zoneOption}--add-port=${port}/tcp`,
			why: `Opens TCP ${port} in ${zone ? `zone ${zone}` : 'the default zone'} until the next reload. ${warning}.`,
			undo: `sudo firewall-cmd ${zoneOption}--remove-port=${port}/tcp`,
		},
		{
			command: `sudo firewall-cmd --permanent ${zoneOption}--add-port=${port}/tcp && sudo firewall-cmd --reload`,
			why: `The same, kept after a reload or reboot (--permanent). ${warning}.`,
			undo: `sudo firewall-cmd --permanent ${zoneOption}--remove-port=${port}/tcp && sudo firewall-cmd --reload`,
		},
	];
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
