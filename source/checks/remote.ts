import {hostPort} from '../net/address.js';
import {shellQuote} from '../text/sanitize.js';
import type {CheckRun} from './types.js';

/** A remote host refused: what that proves, what it cannot, and what to run on the server. */
export const remote: CheckRun = async ({target, facts}) => {
	const probe = facts.probe!;
	const dialed = hostPort(probe.address, target.port);
	const onServer = shellQuote([
		'refused',
		hostPort(probe.address, target.port),
	]);
	const evidence = [
		`connect ${dialed}: refused in ${probe.ms} ms: a reset (or ICMP port-unreachable) came back, so the packet reached ${probe.address} or a firewall rejecting for it`,
		`${probe.address} is not an address of this host (${facts.local?.hostname ?? 'here'}): its listeners and firewall cannot be read from here`,
	];
	const ss = shellQuote(['sudo', 'ss', '-Htlnp', `sport = :${target.port}`]);
	return {
		status: 'unknown',
		detail: `refused by ${probe.address}, another host: run the diagnosis there to tell which`,
		output: evidence,
		findings: [
			{
				id: 'no-listener',
				confidence: 'possible',
				summary: `Nothing listens on port ${target.port} on ${probe.address} (the most common reason for a fast refusal).`,
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
				],
			},
			{
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
			},
			{
				id: 'firewall-reject',
				confidence: 'possible',
				summary: `A firewall on ${probe.address} rejects port ${target.port} (a REJECT rule looks exactly like "nothing listens").`,
				evidence,
				fixes: [
					{
						command:
							'sudo iptables -S INPUT; sudo nft list ruleset; sudo ufw status numbered',
						why: 'On the server: look for a REJECT rule matching this port.',
					},
				],
			},
		],
	};
};
