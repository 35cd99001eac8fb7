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

/** What the refusal measured, as the explainers need it. */
type Refused = {
	readonly port: number;
	readonly address: string;
	readonly dialed: string;
	readonly evidence: readonly string[];
	/** The refusal was measured as an ICMP port-unreachable (a REJECT), or as a plain TCP reset. */
	readonly icmp: boolean;
	readonly reset: boolean;
	readonly rejectConfidence: 'confirmed' | 'likely';
	/** The name typed, for the --via fix. */
	readonly host: string;
};

const ssOn = (port: number) =>
	shellQuote(['sudo', 'ss', '-Htlnp', `sport = :${port}`]);

/** Pure: nothing listens there (the most common reason for a fast refusal). */
export function explainNoListener(refused: Refused): Finding {
	const {port, address, dialed, icmp, host} = refused;
	return {
		id: 'no-listener',
		confidence: 'possible',
		summary: icmp
			? `Nothing listens on port ${port} on ${address}: possible, but the firewall's REJECT answers first, so the port cannot be seen from here.`
			: `Nothing listens on port ${port} on ${address} (the most common reason for a fast refusal).`,
		evidence: [...refused.evidence],
		fixes: [
			{
				command: shellQuote(['refused', hostPort(address, port)]),
				why: 'On the server: the same diagnosis, with its listeners, services and firewall.',
			},
			{
				command: ssOn(port),
				why: `On the server: what listens on port ${port}, on which address, which process (empty = nothing).`,
			},
			{
				command: shellQuote(['refused', dialed, '--via', host]),
				why: 'From here, over your own ssh (add USER@ if needed): the server side walked there and joined with this one, nothing installed or written on the server.',
			},
		],
	};
}

/** Pure: the service listens on loopback only there. */
export function explainLoopbackOnly(refused: Refused): Finding {
	return {
		id: 'loopback-only',
		confidence: 'possible',
		summary: `The service on ${refused.address} listens on 127.0.0.1 (or ::1) only, so connections from other hosts are refused.`,
		evidence: [...refused.evidence],
		fixes: [
			{
				command: ssOn(refused.port),
				why: 'On the server: a Local Address of 127.0.0.1 or [::1] means loopback only; 0.0.0.0, * or [::] means all addresses.',
			},
		],
	};
}

function rejectSummary({port, address, icmp, reset}: Refused): string {
	if (icmp) {
		return `A firewall rejects port ${port} with ICMP port-unreachable (on ${address} or on the way): the kernel answers a closed TCP port with a reset, never with ICMP.`;
	}

	return reset
		? `A firewall on ${address} rejects port ${port} with a TCP reset (REJECT --reject-with tcp-reset): it looks exactly like "nothing listens".`
		: `A firewall on ${address} rejects port ${port} (a REJECT rule looks exactly like "nothing listens").`;
}

/** Pure: a firewall rejects for the server. */
export function explainFirewallReject(refused: Refused): Finding {
	return {
		id: 'firewall-reject',
		confidence: refused.icmp ? refused.rejectConfidence : 'possible',
		summary: rejectSummary(refused),
		evidence: [...refused.evidence],
		fixes: [
			{
				command:
					'sudo iptables -S INPUT; sudo nft list ruleset; sudo ufw status numbered',
				why: refused.icmp
					? 'On the server (or the firewall in between): look for a REJECT rule matching this port (iptables: REJECT --reject-with icmp-port-unreachable is the default).'
					: 'On the server: look for a REJECT rule matching this port.',
			},
		],
	};
}

/** Pure: a remote host refused: what that proves, what it cannot, and what to run on the server. */
export function judgeRemote(
	_observations: Observations,
	{target, facts}: Pick<JudgeInput, 'target' | 'facts'>,
): CheckResult {
	const probe = facts.probe!;
	const {refusal} = facts;
	const dialed = hostPort(probe.address, target.port);
	const measured = refusal?.address === probe.address ? refusal : undefined;
	const evidence = [
		`connect ${dialed}: refused in ${probe.ms} ms: ${cameBack(refusal)}, so the packet reached ${probe.address} or a firewall rejecting for it`,
		`${probe.address} is not an address of this host (${facts.local?.hostname ?? 'here'}): its listeners and firewall cannot be read from here`,
		...(measured ? measured.evidence : []),
	];
	const refused: Refused = {
		port: target.port,
		address: probe.address,
		dialed,
		evidence,
		icmp: measured?.answer === 'icmp',
		reset: measured?.answer === 'reset',
		rejectConfidence: measured?.confidence ?? 'likely',
		host: target.host,
	};
	const noListener = explainNoListener(refused);
	const loopbackOnly = explainLoopbackOnly(refused);
	const firewallReject = explainFirewallReject(refused);
	return {
		status: 'unknown',
		detail: refused.icmp
			? `refused by ${probe.address}, another host, with an ICMP port-unreachable: a firewall's REJECT (${refused.rejectConfidence}); run the diagnosis there to name the rule`
			: `refused by ${probe.address}, another host: run the diagnosis there to tell which`,
		output: evidence,
		// A measured ICMP answer puts the firewall first; otherwise the most common cause leads.
		findings: refused.icmp
			? [firewallReject, noListener, loopbackOnly]
			: [noListener, loopbackOnly, firewallReject],
	};
}

export const remote = defineCheck<Observations>({
	measure: async () => ({}),
	judge: judgeRemote,
});
