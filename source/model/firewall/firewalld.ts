/** Firewalld on top of nftables (or iptables): the zone behind a rule, the rich rule behind a deny. Pure. */

/** The zone whose chain holds the rule: filter_IN_public_deny → public (nft), IN_public_allow → public (iptables). */
export function zoneOfChain(chain: string): string | undefined {
	return /^(?:filter_)?IN_(.+?)(?:_pre|_log|_deny|_allow|_post)?$/.exec(
		chain,
	)?.[1];
}

/** The rich rule (of `firewall-cmd --list-rich-rules`) that rejects or drops this port. */
export function richRuleFor(
	richRules: readonly string[],
	port: number,
): string | undefined {
	return richRules
		.map(line => line.trim())
		.find(
			line =>
				line.includes(`port="${port}"`) && /\b(?:reject|drop)\b/.test(line),
		);
}
