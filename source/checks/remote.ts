import {hostPort} from '../net/address.js';
import {shellQuote} from '../text/sanitize.js';
import type {RefusalFacts} from '../tree/facts.js';
import type {CheckResult, Finding} from '../tree/types.js';
import {defineCheck, type JudgeInput} from './define.js';

/** Nothing to measure: another host's listeners and firewall cannot be read from here. */
type Observations = Record<string, never>;

/** What came back, in the words of the first evidence line. */
function cameBack(refusal: RefusalFacts | undefined): string {
	switch (refusal?.answer) {
		case 'icmp': {
			return 'an ICMP port-unreachable came back (a REJECT rule answers that way; a closed TCP port answers with a reset)';
		}

		case 'reset': {
			return 'a TCP reset came back (no ICMP error was counted)';
		}

		default: {
			return 'a reset (or ICMP port-unreachable) came back';
		}
	}
}

/** Pure: a remote host refused: what that proves, what it cannot, and what to run on the server. */
export function judgeRemote(
	_observations: Observations,
	{target, facts}: Pick<JudgeInput, 'target' | 'facts'>,
): CheckResult {
	const probe = facts.probe!;
	const {refusal} = facts;
	const dialed = hostPort(probe.address, target.port);
	const onServer = shellQuote([
		'refused',
		hostPort(probe.address, target.port),
	]);
	const evidence = [
		`connect ${dialed}: refused in ${probe.ms} ms: ${cameBack(refusal)}, so the packet reached ${probe.address} or a firewall rejecting for it`,
		`${probe.address} is not an address of this host (${facts.local?.hostname ?? 'here'}): its listeners and firewall cannot be read from here`,
		...(refusal?.address === probe.address ? refusal.evidence : []),
	];
	const ss = shellQuote(['sudo', 'ss', '-Htlnp', `sport = :${target.port}`]);
	const icmp = refusal?.answer === 'icmp' && refusal.address === probe.address;
	const reset =
		refusal?.answer === 'reset' && refusal.address === probe.address;
	const noListener: Finding = {
		id: 'no-listener',
		confidence: 'possible',
		summary: icmp
			? `Nothing listens on port ${target.port} on ${probe.address}: possible, but the firewall's REJECT answers first, so the port cannot be seen from here.`
			: `Nothing listens on port ${target.port} on ${probe.address} (the most common reason for a fast refusal).`,
		evidence,
		fixes: [
			{
				command: onServer,
				why: 'On the server: the same diagnosis, with its listeners, services and firewall.',
			},
			{
				command: ss,
				why: `On the server: what listens on port ${target.port}, on which address, which process (empty = nothing).`,
			},
			{
				command: shellQuote(['refused', dialed, '--via', target.host]),
				why: 'From here, over your own ssh (add USER@ if needed): the server side walked there and joined with this one, nothing installed or written on the server.',
			},
		],
	};
	const loopbackOnly: Finding = {
		id: 'loopback-only',
		confidence: 'possible',
		summary: `The service on ${probe.address} listens on 127.0.0.1 (or ::1) only, so connections from other hosts are refused.`,
		evidence,
		fixes: [
			{
				command: ss,
				why: 'On the server: a Local Address of 127.0.0.1 or [::1] means loopback only; 0.0.0.0, * or [::] means all addresses.',
			},
		],
	};
	const firewallReject: Finding = {
		id: 'firewall-reject',
		confidence: icmp ? (refusal.confidence ?? 'likely') : 'possible',
		summary: icmp
			? `A firewall rejects port ${target.port} with ICMP port-unreachable (on ${probe.address} or on the way): the kernel answers a closed TCP port with a reset, never with ICMP.`
			: reset
				? `A firewall on ${probe.address} rejects port ${target.port} with a TCP reset (REJECT --reject-with tcp-reset): it looks exactly like "nothing listens".`
				: `A firewall on ${probe.address} rejects port ${target.port} (a REJECT rule looks exactly like "nothing listens").`,
		evidence,
		fixes: [
			{
				command:
					'sudo iptables -S INPUT; sudo nft list ruleset; sudo ufw status numbered',
				why: icmp
					? 'On the server (or the firewall in between): look for a REJECT rule matching this port (iptables: REJECT --reject-with icmp-port-unreachable is the default).'
					: 'On the server: look for a REJECT rule matching this port.',
			},
		],
	};
	return {
		status: 'unknown',
		detail: icmp
			? `refused by ${probe.address}, another host, with an ICMP port-unreachable: a firewall's REJECT (${refusal.confidence ?? 'likely'}); run the diagnosis there to name the rule`
			: `refused by ${probe.address}, another host: run the diagnosis there to tell which`,
		output: evidence,
		// A measured ICMP answer puts the firewall first; otherwise the most common cause leads.
		findings: icmp
			? [firewallReject, noListener, loopbackOnly]
			: [noListener, loopbackOnly, firewallReject],
	};
}

export const remote = defineCheck<Observations>({
	measure: async () => ({}),
	judge: judgeRemote,
});
