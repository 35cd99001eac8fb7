import type {CheckNode} from '../types.js';

/** The firewall checks of the tree (in the order they appear on screen). */
export const firewallChecks: readonly CheckNode[] = [
	{
		kind: 'check',
		id: 'firewall',
		writes: ['firewall'],
		title: 'Which firewall rule decides this connection?',
		why: 'A REJECT rule answers for the service with a reset or an ICMP error, which the client reports as "connection refused" (or "no route to host"); a DROP rule makes it time out. A DNAT or REDIRECT rule sends the connection to another address or port, where something else must listen. And this host\'s own output rules can refuse or drop its connections to any host (an outbound DROP fails at once with "operation not permitted"). The rules are read (iptables, ip6tables, nftables; ufw and firewalld on top) and walked for this very connection.',
		read: 'Names the rule that decided: table, chain and rule number (iptables) or handle (nft), the path of jumps that led there, and its packet counter before and after one more connect; a nat rule on the way and the real destination it sends to (and whether anything listens there). "accept" means the firewall is not the cause; "uncertain" names the rule with a match the tool does not understand.',
		after: ['probe', 'local'],
		// Only the judge reads the listeners (is anything listening where a nat rule sends the
		// connection?): the rules are read while ss runs.
		awaits: ['listeners'],
		// `--answer client=ADDRESS` (the failing client is elsewhere): walk the rules for its packets.
		uses: ['client'],
		when(facts, answers) {
			const local = new Set(facts.local?.localTargets);
			if (answers.client) {
				return local.size > 0
					? true
					: 'the target is not this host: its firewall can only be read there';
			}

			return facts.probe?.addresses.some(a => a.outcome !== 'open')
				? true
				: 'every address accepted the connection from this host (the failing client is elsewhere? --answer client=ADDRESS)';
		},
		timeoutMs: 30_000,
	},
];
