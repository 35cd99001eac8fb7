import type {AddressProbe, Target} from '../tree/facts.js';
import type {CheckResult, Finding} from '../tree/types.js';
import {hostPort} from '../net/address.js';
import {shellQuote, sudoArgs} from '../text/sanitize.js';
import {connectMeaning, routeCodes} from './outcomes.js';
import {defineCheck, type JudgeInput} from './define.js';
import type {CheckContext, RunResult} from './types.js';

/** The route to the address, read only when the probe got a route error (no route, net down). */
export type OutcomeObservations = {
	readonly route?: Pick<
		RunResult,
		'command' | 'notFound' | 'stdout' | 'stderr'
	>;
};

export type Probed = {
	readonly target: Target;
	/** Effective uid here: root gets no `sudo`, and is never told to run as root. */
	readonly uid: number | undefined;
	readonly address: string;
	readonly ms: number;
	readonly addresses: readonly AddressProbe[];
	readonly dialed: string;
	readonly isLocal: boolean;
};

const handChecks: Readonly<Record<string, string>> = {
	EPERM: 'sudo iptables -S OUTPUT; sudo nft list ruleset',
	EACCES: 'sudo iptables -S OUTPUT; sudo nft list ruleset',
	EINVAL: 'ip -6 addr show',
	EADDRNOTAVAIL: 'ip addr show; ss -s; sysctl net.ipv4.ip_local_port_range',
};

/** A connect() error this host gave itself (not a timeout, not a route): its own meaning, never a firewall drop. */
function localError(probed: Probed, code: string): CheckResult {
	const hand = handChecks[code];
	const byHand = shellQuote([
		'nc',
		'-vz',
		probed.address,
		String(probed.target.port),
	]);
	return {
		status: hand ? 'problem' : 'unknown',
		detail: `${probed.dialed}: ${connectMeaning(code)}${hand ? '' : ` (run by hand: ${byHand})`}`,
		output: [
			`connect ${probed.dialed}: ${code} in ${probed.ms} ms`,
			`to look: ${hand ?? byHand}`,
		],
	};
}

function refused(probed: Probed, code: string | undefined): CheckResult {
	if (code === 'ECONNRESET') {
		return {
			status: 'problem',
			detail: `${probed.dialed} accepted the connection and at once reset it: a program listens and drops what it takes (a proxy with no backend, TCP wrappers or a connection limit, a TLS or protocol mismatch); its log says why`,
			output: [
				`connect ${probed.dialed}: ECONNRESET in ${probed.ms} ms: ${connectMeaning('ECONNRESET')}`,
			],
		};
	}

	return {
		status: 'problem',
		detail: `${probed.dialed} answered with a reset or an ICMP port-unreachable: a host (or a firewall rejecting for it) said no${probed.isLocal ? '; this host decides, so look at its listeners and firewall' : ''}`,
	};
}

/** Pure: the words and fixes of a timeout (dropped packets, or a listener that does not accept). */
export function explainFiltered(
	probed: Probed,
	evidence: readonly string[],
): Finding {
	const {target, dialed, isLocal, address} = probed;
	const sudo = sudoArgs(probed.uid);
	const server = isLocal ? 'this host' : `the server ${address}`;
	return {
		id: 'filtered',
		confidence: isLocal ? 'possible' : 'likely',
		summary: isLocal
			? `Nothing answered ${dialed}: a firewall rule on this host may drop the packets, or a program listens there but does not accept connections (a full accept queue).`
			: `Nothing answered ${dialed}: a firewall drops the packets (on ${server}, a cloud security group or network ACL, or a firewall in between).`,
		evidence: [...evidence],
		fixes: [
			{
				command: `${shellQuote([...sudo, 'iptables', '-L', 'INPUT', '-n', '-v', '--line-numbers'])}; ${shellQuote([...sudo, 'nft', 'list', 'ruleset'])}`,
				why: `On ${server}: look for a DROP rule or a DROP policy for port ${target.port} (ufw: ufw status numbered; firewalld: firewall-cmd --list-all).`,
			},
			// Root here already had the firewall step read the rules: no advice to run as root.
			...(isLocal && probed.uid === 0
				? []
				: [
						{
							command: shellQuote(['refused', dialed]),
							why: isLocal
								? 'Run as root here: the firewall step can then name the rule.'
								: 'Run this on the server itself: it reads the listeners and the firewall there and names the rule.',
						},
					]),
			{
				command:
					'aws ec2 describe-security-groups --group-ids <sg-id>  |  gcloud compute firewall-rules list  |  az network nsg rule list -g <rg> --nsg-name <nsg>',
				why: `In a cloud, security groups and network ACLs drop silently: check that TCP ${target.port} is allowed from the client's address.`,
			},
			{
				command: shellQuote([
					'traceroute',
					'-T',
					'-p',
					String(target.port),
					address,
				]),
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
}

/** A timeout: dropped packets, or (a listener here) a program that does not accept. */
function timedOut(probed: Probed): CheckResult {
	const {target, dialed, isLocal} = probed;
	const evidence = [
		`connect ${dialed}: no answer within ${probed.ms} ms: no SYN-ACK, no reset, no ICMP error came back`,
		...probed.addresses
			.slice(1)
			.map(
				a =>
					`connect ${hostPort(a.address, target.port)}: ${a.outcome} in ${a.ms} ms`,
			),
	];
	// Here a full accept queue drops SYNs as well as a DROP rule: the accept-queue and firewall steps tell which.
	if (isLocal) {
		evidence.push(
			'on this host a DROP rule or a listener whose accept queue is full (it does not accept) both drop the SYN: the accept-queue and firewall steps tell which',
		);
	}

	const finding = explainFiltered(probed, evidence);
	return {
		status: 'problem',
		detail: isLocal
			? `no answer from ${dialed}: packets are dropped, or the listener does not accept`
			: `no answer from ${dialed}: packets are dropped`,
		output: evidence,
		findings: [finding],
	};
}

/** Pure: the words and fixes of an address with no route from here. */
export function explainUnreachable(
	{address, target}: Probed,
	code: string,
	evidence: readonly string[],
): Finding {
	return {
		id: 'host-unreachable',
		confidence: 'confirmed',
		summary: `${address} cannot be reached from here (${code}): ${connectMeaning(code)}.`,
		evidence: [...evidence],
		fixes: [
			{
				command: shellQuote(['ip', 'route', 'get', address]),
				why: 'Shows the route and the interface the packet would take; "unreachable" or a wrong gateway is the problem.',
			},
			{
				command: shellQuote(['ping', '-c', '3', address]),
				why: 'Is the host up at all? (Some hosts do not answer ping; a "Destination Host Unreachable" line is telling.)',
			},
			{
				command: shellQuote(['getent', 'ahosts', target.host]),
				why: 'Make sure the name points at the address you expect.',
			},
			{
				command:
					'sudo iptables -S | grep -E "icmp-(host|admin)-prohibited"; sudo firewall-cmd --list-all',
				why: 'On the server: firewalld and RHEL-style rules reject with host-prohibited, which clients report as "No route to host".',
			},
		],
	};
}

function unreachable(
	probed: Probed,
	code: string,
	route: OutcomeObservations['route'],
): CheckResult {
	if (!routeCodes.has(code) || !route) {
		return localError(probed, code);
	}

	const {address, dialed} = probed;
	const routeLine = route.notFound
		? 'ip route get: the ip command is not installed'
		: `ip route get ${address}: ${(route.stdout.trim() || route.stderr.trim()).split('\n')[0] ?? ''}`;
	const evidence = [`connect ${dialed}: ${code} in ${probed.ms} ms`, routeLine];
	const why = connectMeaning(code);
	return {
		status: 'problem',
		detail: `${dialed} is unreachable (${code}): ${why}`,
		command: route.command,
		output: evidence,
		findings: [explainUnreachable(probed, code, evidence)],
	};
}

const firstCode = (context: Pick<CheckContext, 'facts'>) =>
	context.facts.probe?.addresses[0]?.code;

/** Only a route error needs a look: the route the kernel would take to the address. */
export async function measureOutcome(
	context: CheckContext,
): Promise<OutcomeObservations> {
	const probe = context.facts.probe;
	const code = firstCode(context) ?? 'EIO';
	if (probe?.outcome !== 'unreachable' || !routeCodes.has(code)) {
		return {};
	}

	const args = ['route', 'get', probe.address];
	context.onCommand(shellQuote(['ip', ...args]));
	const {command, notFound, stdout, stderr} = await context.io.run({
		file: 'ip',
		args,
		timeoutMs: 3000,
	});
	return {route: {command, notFound, stdout, stderr}};
}

/** Pure: turn the first address's outcome into what it means: refused, dropped (filtered) or undeliverable. */
export function judgeOutcome(
	{route}: OutcomeObservations,
	{target, facts, uid}: Pick<JudgeInput, 'target' | 'facts' | 'uid'>,
): CheckResult {
	const probe = facts.probe;
	if (!probe) {
		return {
			status: 'skipped',
			detail: 'nothing was probed: the name did not resolve',
		};
	}

	const first = probe.addresses[0];
	const probed: Probed = {
		target,
		uid,
		address: probe.address,
		ms: probe.ms,
		addresses: probe.addresses,
		dialed: hostPort(probe.address, target.port),
		isLocal: facts.local?.isLocal ?? false,
	};
	switch (probe.outcome) {
		case 'open': {
			return {
				status: 'passed',
				detail: `${probed.dialed} accepted the connection`,
			};
		}

		case 'refused': {
			return refused(probed, first?.code);
		}

		case 'dns-failure': {
			return {status: 'problem', detail: `${target.host} did not resolve`};
		}

		case 'timeout': {
			return timedOut(probed);
		}

		case 'unreachable': {
			return unreachable(probed, first?.code ?? 'EIO', route);
		}
	}
}

export const outcome = defineCheck<OutcomeObservations>({
	measure: measureOutcome,
	judge: judgeOutcome,
});
