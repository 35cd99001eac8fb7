/**
The join of the two sides (pure): the client's walk (this host) and the server's walk (the same
diagnosis run on the server over SSH, aimed at the server's own address, with this client's
address as `client` so its firewall is walked for our packets). One tree with two trunks, one
cause list:

- the server names a cause (confirmed or likely): that cause, with evidence from both sides
  (this host's connect, then the server's lines) and its fixes marked as run on the server;
- the server accepts its own connection but this host is refused or times out, and the server
  names nothing: something between the two (a cloud security group, a network firewall), or a
  rule there for outside traffic that could not be read;
- neither side can tell: both sides' steps, each saying what to run by hand.

The report keeps every field it had (additive): `server` holds who and where, the server's own
probe, its steps and the join's one-line verdict.
*/
import {hostPort} from '../net/address.js';
import {shellQuote} from '../text/sanitize.js';
import type {Report, ReportCause, ReportServer} from '../report/model.js';
import {causeNode} from '../tree/causes.js';
import type {Outcome} from '../tree/types.js';
import type {CounterProof} from './confirm.js';
import type {SshFailure} from './failure.js';
import type {ServerIdentity} from './hello.js';

export type JoinedReport = Report & {readonly server: ReportServer};

export type ServerSideInfo = {
	readonly identity: ServerIdentity;
	readonly commands: number;
	readonly target: {readonly address: string; readonly port: number};
	/** Said when the address this host dialed is not on the server (NAT, a load balancer). */
	readonly note?: string;
	/** The deciding firewall rule's counters around one more connect from this host (confirm.ts). */
	readonly proof?: CounterProof;
};

const verbs: Readonly<Record<Outcome, string>> = {
	open: 'is accepted',
	refused: 'is refused',
	timeout: 'times out',
	unreachable: 'gets "unreachable"',
	'dns-failure': 'does not resolve',
};

function clientLine(report: Report): string {
	const {probe, target} = report;
	return `from this host: connect ${hostPort(probe.address || target.host, target.port)}: ${probe.outcome} in ${probe.ms} ms`;
}

function serverProbeLine(
	host: string,
	server: Report,
	info: ServerSideInfo,
): string {
	return `on ${host}: connect ${hostPort(info.target.address, info.target.port)} (its own address): ${server.probe.outcome} in ${server.probe.ms} ms`;
}

function identityOf(info: ServerSideInfo) {
	const {identity} = info;
	return {
		destination: identity.destination,
		host: identity.hostname,
		user: identity.user,
		privilege: identity.privilege,
		...(identity.sudoProblem ? {sudo: identity.sudoProblem} : {}),
	};
}

/** The server's firewall finding about this very rule, proven by its counters and what this host saw. */
function proven(cause: ReportCause, proof: CounterProof | undefined): boolean {
	return (
		proof !== undefined &&
		(cause.id === 'firewall-reject' || cause.id === 'filtered') &&
		cause.evidence[0] === proof.rule &&
		proof.consistent &&
		(proof.delta ?? 0) > 0
	);
}

/** A cause the server named, with this host's connect first and the fixes marked as the server's. */
function bothSides(
	cause: ReportCause,
	client: Report,
	side: {host: string; proof?: CounterProof},
): ReportCause {
	const {host, proof} = side;
	const about = proof !== undefined && cause.evidence[0] === proof.rule;
	return {
		...cause,
		...(proven(cause, proof) ? {confidence: 'confirmed' as const} : {}),
		evidence: [
			clientLine(client),
			...cause.evidence
				// The server could not compare counters for a client elsewhere; this host just did.
				.filter(line => !(about && line.startsWith('counters: not compared')))
				.map(line => `on ${host}: ${line}`),
			...(about ? [proof.line] : []),
		],
		fixes: cause.fixes.map(fix => ({...fix, why: `On ${host}: ${fix.why}`})),
	};
}

/** The server accepts itself, this host does not, and the server named nothing. */
function betweenCause(
	client: Report,
	server: Report,
	info: ServerSideInfo,
): ReportCause {
	const host = info.identity.hostname;
	const {outcome} = client.probe;
	const dialed = hostPort(info.target.address, info.target.port);
	const firewall = server.steps.find(step => step.id === 'firewall');
	const rulesAccept = firewall?.status === 'passed';
	const id =
		outcome === 'refused'
			? 'firewall-reject'
			: outcome === 'unreachable'
				? 'host-unreachable'
				: 'filtered';
	return {
		id,
		confidence: rulesAccept ? 'likely' : 'possible',
		title: causeNode(id)?.title ?? id,
		summary: `${host} accepts ${dialed} itself, but from this host the connection ${verbs[outcome]}: ${
			rulesAccept
				? `the rules on ${host} accept this client, so something between the two (a cloud security group, a network firewall) blocks it`
				: `something between the two (a cloud security group, a network firewall) or a rule on ${host} for outside traffic that could not be read blocks it`
		}.`,
		explanation:
			`${causeNode(id)?.explanation ?? ''} Here: the server answers its own connection to this address, so the service listens and the host does not refuse itself. The packets from this host are lost or rejected on the way or at the door: a security group, a network ACL or firewall, or a host rule that only matches outside traffic.`.trim(),
		evidence: [
			clientLine(client),
			serverProbeLine(host, server, info),
			...(firewall ? [`on ${host}: firewall: ${firewall.detail}`] : []),
		],
		fixes: [
			{
				command: `sudo tcpdump -ni any 'tcp port ${info.target.port}'`,
				why: `On ${host}, while this host connects again: no SYN arriving means it is dropped before the server (look at the security group or the network firewall); a SYN answered by a reset means a rule on ${host}.`,
			},
			{
				command: `${shellQuote(['refused', dialed, '--via', info.identity.destination])} --answer client=ADDRESS`,
				why: 'If the server sees this client under another address (NAT), give that address so its firewall is walked for it.',
			},
		],
	};
}

function verdictOf(
	client: Report,
	server: Report,
	info: ServerSideInfo,
	causes: readonly ReportCause[],
): string {
	const host = info.identity.hostname;
	const dialed = hostPort(info.target.address, info.target.port);
	const first = causes[0];
	const serverOpen = server.probe.outcome === 'open';
	const prefix = serverOpen
		? `${host} accepts ${dialed} itself, but from this host the connection ${verbs[client.probe.outcome]}`
		: `on ${host} itself, ${dialed} ${verbs[server.probe.outcome]} too`;
	if (!first) {
		return `${prefix}; no cause could be named (each step says what it could not read)`;
	}

	return `${prefix}: ${first.summary}`;
}

const confidenceRank = {confirmed: 0, likely: 1, possible: 2} as const;
const rank = (cause: ReportCause) => confidenceRank[cause.confidence];

/** Join the client's report and the server's into one. */
export function joinReports(
	client: Report,
	server: Report,
	info: ServerSideInfo,
): JoinedReport {
	const host = info.identity.hostname;
	// A rule proven by its counters and this host's own outcome counts even where the server's probe
	// (which goes through lo) made it look unlikely there.
	const named = server.causes.filter(
		cause => cause.confidence !== 'possible' || proven(cause, info.proof),
	);
	const clientFailed = client.probe.outcome !== 'open';
	const serverOpen = server.probe.outcome === 'open';
	// The client's "possible" causes were guesses about the server; the server's own walk replaces them.
	const clientKept = client.causes.filter(
		cause =>
			cause.confidence !== 'possible' && !named.some(n => n.id === cause.id),
	);
	let causes: ReportCause[];
	if (named.length > 0) {
		causes = [
			...named
				.map(cause => bothSides(cause, client, {host, proof: info.proof}))
				.toSorted((a, b) => rank(a) - rank(b)),
			...clientKept,
		];
	} else if (clientFailed && serverOpen) {
		causes = [betweenCause(client, server, info), ...clientKept];
	} else {
		causes = [
			...client.causes,
			...server.causes
				.filter(cause => !client.causes.some(c => c.id === cause.id))
				.map(cause => bothSides(cause, client, {host})),
		];
	}

	const verdict = [info.note, verdictOf(client, server, info, causes)]
		.filter(Boolean)
		.join('. ');
	return {
		...client,
		causes,
		exitCode: client.probe.outcome === 'open' && causes.length === 0 ? 0 : 1,
		server: {
			...identityOf(info),
			target: info.target,
			probe: {
				outcome: server.probe.outcome,
				address: server.probe.address,
				ms: server.probe.ms,
			},
			verdict,
			steps: server.steps,
			commands: info.commands,
		},
	};
}

/** The SSH connection failed: the client's report, and the one-line reason. */
export function joinFailure(
	client: Report,
	destination: string,
	failure: SshFailure,
): JoinedReport {
	return {
		...client,
		server: {
			destination,
			verdict: `the server side could not be read: ${failure.message}`,
			steps: [],
			commands: 0,
			error: {
				kind: failure.kind,
				message: failure.message,
				...(failure.walk ? {walk: failure.walk} : {}),
			},
		},
	};
}

/** The server side was not needed (the target accepted) or not possible (no address to aim at). */
export function joinSkipped(
	client: Report,
	info: Pick<ServerSideInfo, 'identity' | 'commands'>,
	why: string,
): JoinedReport {
	return {
		...client,
		server: {
			...identityOf({...info, target: {address: '', port: 0}}),
			verdict: why,
			steps: [],
			commands: info.commands,
		},
	};
}
