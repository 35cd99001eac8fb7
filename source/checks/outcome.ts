import type {Facts, Target} from '../tree/facts.js';
import type {CheckResult, Finding} from '../tree/types.js';
import {hostPort} from '../net/address.js';
import {shellQuote} from '../text/sanitize.js';
import type {CheckRun} from './types.js';

/** A timeout: dropped packets, or (a listener here) a program that does not accept. */
function timedOut(target: Target, facts: Facts): CheckResult {
	const probe = facts.probe!;
	const dialed = hostPort(probe.address, target.port);
	const isLocal = facts.local?.isLocal ?? false;
	const evidence = [
		`connect ${dialed}: no answer within ${probe.ms} ms: no SYN-ACK, no reset, no ICMP error came back`,
		...probe.addresses
			.slice(1)
			.map(
				a =>
					`connect ${hostPort(a.address, target.port)}: ${a.outcome} in ${a.ms} ms`,
			),
	];
	const server = isLocal ? 'this host' : `the server ${probe.address}`;
	// Here a full accept queue drops SYNs as well as a DROP rule: the accept-queue and firewall steps tell which.
	if (isLocal) {
		evidence.push(
			'on this host a DROP rule or a listener whose accept queue is full (it does not accept) both drop the SYN: the accept-queue and firewall steps tell which',
		);
	}

	const finding: Finding = {
		id: 'filtered',
		confidence: isLocal ? 'possible' : 'likely',
		summary: isLocal
			? `Nothing answered ${dialed}: a firewall rule on this host may drop the packets, or a program listens there but does not accept connections (a full accept queue).`
			: `Nothing answered ${dialed}: a firewall drops the packets (on ${server}, a cloud security group or network ACL, or a firewall in between).`,
		evidence,
		fixes: [
			{
				command:
					'sudo iptables -L INPUT -n -v --line-numbers; sudo nft list ruleset',
				why: `On ${server}: look for a DROP rule or a DROP policy for port ${target.port} (ufw: sudo ufw status numbered; firewalld: sudo firewall-cmd --list-all).`,
			},
			{
				command: `refused ${dialed}`,
				why: isLocal
					? 'Run as root here: the firewall step can then name the rule.'
					: 'Run this on the server itself: it reads the listeners and the firewall there and names the rule.',
			},
			{
				command:
					'aws ec2 describe-security-groups --group-ids <sg-id>  |  gcloud compute firewall-rules list  |  az network nsg rule list -g <rg> --nsg-name <nsg>',
				why: `In a cloud, security groups and network ACLs drop silently: check that TCP ${target.port} is allowed from the client's address.`,
			},
			{
				command: `traceroute -T -p ${target.port} ${probe.address}`,
				why: 'A TCP traceroute shows the last hop that answers, where the drop happens (needs root).',
			},
			...(isLocal
				? []
				: [
						{
							command: shellQuote(['ss', '-ltn', `sport = :${target.port}`]),
							why: 'On the server: a Recv-Q above Send-Q is a full accept queue (a program that listens but does not accept): the kernel drops new SYNs with no firewall involved.',
						},
					]),
		],
	};
	return {
		status: 'problem',
		detail: isLocal
			? `no answer from ${dialed}: packets are dropped, or the listener does not accept`
			: `no answer from ${dialed}: packets are dropped`,
		output: evidence,
		findings: [finding],
	};
}

/** Turn the first address's outcome into what it means: refused, dropped (filtered) or undeliverable. */
export const outcome: CheckRun = async ({target, facts, io, onCommand}) => {
	const probe = facts.probe;
	if (!probe) {
		return {
			status: 'skipped',
			detail: 'nothing was probed: the name did not resolve',
		};
	}

	const first = probe.addresses[0];
	const dialed = hostPort(probe.address, target.port);
	const isLocal = facts.local?.isLocal ?? false;
	switch (probe.outcome) {
		case 'open': {
			return {status: 'passed', detail: `${dialed} accepted the connection`};
		}

		case 'refused': {
			return {
				status: 'problem',
				detail: `${dialed} answered with a reset or an ICMP port-unreachable: a host (or a firewall rejecting for it) said no${isLocal ? '; this host decides, so look at its listeners and firewall' : ''}`,
			};
		}

		case 'dns-failure': {
			return {status: 'problem', detail: `${target.host} did not resolve`};
		}

		case 'timeout': {
			return timedOut(target, facts);
		}

		case 'unreachable': {
			onCommand(`ip route get ${probe.address}`);
			const route = await io.run({
				file: 'ip',
				args: ['route', 'get', probe.address],
				timeoutMs: 3000,
			});
			const routeLine = route.notFound
				? 'ip route get: the ip command is not installed'
				: `ip route get ${probe.address}: ${(route.stdout.trim() || route.stderr.trim()).split('\n')[0] ?? ''}`;
			const code = first?.code ?? '';
			const evidence = [
				`connect ${dialed}: ${code} in ${probe.ms} ms`,
				routeLine,
			];
			const why =
				code === 'ENETUNREACH'
					? 'there is no route to that network'
					: 'no host answered on the way (no ARP answer on the local network), or a router or firewall sent ICMP host-unreachable / admin-prohibited';
			return {
				status: 'problem',
				detail: `${dialed} is unreachable (${code}): ${why}`,
				command: route.command,
				output: evidence,
				findings: [
					{
						id: 'host-unreachable',
						confidence: 'confirmed',
						summary: `${probe.address} cannot be reached from here (${code}): ${why}.`,
						evidence,
						fixes: [
							{
								command: `ip route get ${probe.address}`,
								why: 'Shows the route and the interface the packet would take; "unreachable" or a wrong gateway is the problem.',
							},
							{
								command: `ping -c 3 ${probe.address}`,
								why: 'Is the host up at all? (Some hosts do not answer ping; a "Destination Host Unreachable" line is telling.)',
							},
							{
								command: `getent ahosts ${target.host}`,
								why: 'Make sure the name points at the address you expect.',
							},
							{
								command:
									'sudo iptables -S | grep -E "icmp-(host|admin)-prohibited"; sudo firewall-cmd --list-all',
								why: 'On the server: firewalld and RHEL-style rules reject with host-prohibited, which clients report as "No route to host".',
							},
						],
					},
				],
			};
		}
	}
};
