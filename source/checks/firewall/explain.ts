/**
The words of the firewall step, from what was measured and decided: the rule named, its path,
the counters, the probe against what the rule predicts, ufw's and firewalld's side. Pure.
*/
import {richRuleFor, zoneOfChain} from '../../model/firewall/firewalld.js';
import {
	describeRef,
	type Decision,
	type Packet,
	type RuleRef,
} from '../../model/firewall/index.js';
import {countersOf} from '../../model/firewall/rulesets.js';
import {findUfwRule} from '../../model/firewall/ufw.js';
import {hostPort} from '../../net/address.js';
import type {AddressProbe} from '../../tree/facts.js';
import type {
	FirewalldObservation,
	Recount,
	UfwObservation,
} from './observations.js';
import type {Readings} from './read.js';

export type Blocking = Extract<Decision, {verdict: 'reject' | 'drop'}>;

/** The commands that dump the rules, for reading them by hand. */
export function dumpCommands(
	families: ReadonlyArray<4 | 6>,
	sudo: string,
): string {
	return [
		families.includes(4) ? `${sudo}iptables-save -c` : '',
		families.includes(6) ? `${sudo}ip6tables-save -c` : '',
		`${sudo}nft -a list ruleset`,
	]
		.filter(Boolean)
		.join('; ');
}

/** Why the rules could not be read; "without root" only when a read was refused for lack of privilege. */
export function blindReason(
	readings: Readings,
	uid: number | undefined,
): string {
	if (readings.denied.length > 0) {
		return `the firewall rules cannot be read without root (${uid === undefined ? 'no uid' : `uid ${uid}`})`;
	}

	return readings.failures.length > 0
		? 'the firewall rules could not be read'
		: 'neither iptables-save nor nft is installed, so the rules cannot be read';
}

/** The lines every result starts with: refusals, failures, missing tools. */
export function readingNotes(readings: Readings): string[] {
	return [
		...readings.denied.map(c => `${c}: permission denied`),
		...readings.failures,
		...(readings.missing.length > 0
			? [`not installed: ${readings.missing.join(', ')}`]
			: []),
	];
}

/** "TCP SYN 127.0.0.1 -> 127.0.0.1:80, in on lo: drop by ..." and the path of jumps. */
export function walkLines(
	packet: Packet,
	address: string,
	decision: Decision,
): string[] {
	const from = `TCP SYN ${packet.saddr ?? '?'} -> ${hostPort(address, packet.dport)}, in on ${packet.iif ?? '?'}`;
	return [
		`${from}: ${decision.verdict}${decision.by ? ` by ${describeRef(decision.by)}` : ''}`,
		...(decision.trail.length > 0
			? [`  path: ${decision.trail.join(' -> ')}`]
			: []),
	];
}

/** The counters of the deciding rule across one more connect, in one line, and the packets it counted. */
export function counterEvidence(
	readings: Readings,
	by: RuleRef,
	recount: Recount | undefined,
): {delta?: number; line?: string} {
	const before = countersOf(readings, by);
	if (!recount || !before) {
		return {};
	}

	const after = countersOf(recount.after, by);
	if (!after) {
		return {
			line: 'counters: the rule could not be found again after the extra connect (the rules changed?)',
		};
	}

	const delta = after.packets - before.packets;
	const {code, ms} = recount.connect;
	return {
		delta,
		line: `counters: ${before.packets} -> ${after.packets} packets (+${delta}) across one more connect (${code} in ${ms} ms)${delta > 0 ? ': this rule saw the SYN' : ': the rule did not count it (something else decided?)'}`,
	};
}

/** The counters are not compared for a remote client: say so, and how to watch them. */
export function remoteCounterLine(client: string, sudo: string): string {
	return `counters: not compared: the client is ${client}, while the probe from this host goes through lo (watch them while it retries: ${sudo}iptables -L -v -n --line-numbers; ${sudo}nft -a list ruleset)`;
}

/** What the client sees when this rule decides: an outcome, or (an outbound DROP) connect's own EPERM. */
export type Prediction = {
	readonly outcome: AddressProbe['outcome'];
	/** An errno that shows it as well (EPERM: some kernels fail connect() at once on an outbound drop). */
	readonly code?: string;
	readonly words: string;
};

export function prediction(decision: Blocking): Prediction {
	if (decision.verdict === 'drop') {
		return decision.by.hook === 'output'
			? {
					outcome: 'timeout',
					code: 'EPERM',
					words:
						'a timeout (or EPERM, "operation not permitted", from connect)',
				}
			: {outcome: 'timeout', words: 'timeout'};
	}

	const outcome = decision.clientSees === 'refused' ? 'refused' : 'unreachable';
	return {outcome, words: outcome};
}

export function agrees(probe: AddressProbe, expected: Prediction): boolean {
	return (
		probe.outcome === expected.outcome ||
		(expected.code !== undefined && probe.code === expected.code)
	);
}

/** The probe from here against what the rule predicts, or the remote client it was walked for. */
export function probeLine(
	probe: AddressProbe,
	port: number,
	remote: {client: string; iif: string | undefined} | undefined,
	expected: Prediction,
): string {
	if (remote) {
		return `evaluated for a client at ${remote.client} coming in on ${remote.iif ?? 'an unknown interface'} (--answer client); from this host the probe got ${probe.outcome}`;
	}

	return `probe: ${hostPort(probe.address, port)} ${probe.outcome} (${probe.code}) in ${probe.ms} ms${agrees(probe, expected) ? ', as this rule predicts' : `, but this rule predicts ${expected.words}`}`;
}

/** The rule as the subject of a sentence. */
export function ruleSubject(by: RuleRef): string {
	if (by.policy) {
		const where =
			by.source === 'nft'
				? `nft table ${by.family} ${by.table}`
				: `${by.source} -t ${by.table}`;
		return `The ${by.chain} policy ${by.text} (${where})`;
	}

	return by.source === 'nft'
		? `nft rule handle ${by.handle ?? '?'} in table ${by.family} ${by.table}, chain ${by.chain}`
		: `${by.source} rule ${by.number ?? '?'} in chain ${by.chain} (table ${by.table})`;
}

export function blockingSummary(
	decision: Blocking,
	dialed: string,
	client: string | undefined,
): string {
	const who = ruleSubject(decision.by);
	const from = client ? `from ${client} ` : '';
	if (decision.by.hook === 'output') {
		return decision.verdict === 'drop'
			? `${who} drops TCP to ${dialed} on its way out of this host: the SYN never leaves, so the client times out (or, on kernels that report it, connect() fails at once with EPERM, "operation not permitted"); this host's own firewall blocks the connection.`
			: `${who} rejects TCP to ${dialed} on its way out of this host, with ${decision.rejectWith}: the client sees "${decision.clientSees === 'refused' ? 'connection refused' : 'no route to host'}" before anything leaves; this host's own firewall refuses the connection.`;
	}

	if (decision.verdict === 'drop') {
		return `${who} drops TCP ${from}to ${dialed}: the client waits and times out.`;
	}

	return `${who} rejects TCP ${from}to ${dialed} with ${decision.rejectWith}: the client sees "${decision.clientSees === 'refused' ? 'connection refused' : 'no route to host'}" whether or not a program listens.`;
}

export type UfwFound = {
	readonly rule?: {readonly number: number; readonly text: string};
	readonly line?: string;
};

/** The numbered ufw rule behind the decision, from `ufw status numbered`. */
export function ufwEvidence(
	observation: UfwObservation,
	query: Parameters<typeof findUfwRule>[1],
): UfwFound {
	if (observation.kind === 'missing') {
		return {
			line: 'ufw chains are loaded, but the ufw command is not installed',
		};
	}

	if (observation.kind === 'failed') {
		return {line: `ufw status numbered: ${observation.line}`};
	}

	const {status} = observation;
	const rule = findUfwRule(status.rules, query);
	return rule
		? {
				rule: {number: rule.number, text: rule.text},
				line: `ufw rule [${rule.number}]: ${rule.text}`,
			}
		: {
				line: `ufw ${status.active ? 'is active' : 'is not active'}; no numbered ufw rule denies port ${query.port}${query.client ? ` from ${query.client}` : ''}: ufw's default policy decides (ufw status verbose)`,
			};
}

export type FirewalldFound = {
	readonly zone?: string;
	readonly richRule?: string;
	readonly lines: readonly string[];
};

export function firewalldEvidence(
	observation: FirewalldObservation,
	by: RuleRef,
	port: number,
): FirewalldFound {
	if (observation.kind !== 'running') {
		const zone = zoneOfChain(by.chain);
		const line =
			observation.kind === 'missing'
				? `firewalld's rules are loaded, but firewall-cmd is not installed${zone ? `; the rule is in zone ${zone}` : ''}`
				: `firewall-cmd --state: ${observation.line}`;
		return {...(zone ? {zone} : {}), lines: [line]};
	}

	const {zone, how, ports, services} = observation;
	if (!zone) {
		return {
			lines: [
				'firewalld is running; the zone could not be told (firewall-cmd --get-active-zones)',
			],
		};
	}

	const richRule = observation.richRules
		? richRuleFor(observation.richRules, port)
		: undefined;
	return {
		zone,
		...(richRule ? {richRule} : {}),
		lines: [
			`firewalld is running; ${how}: services ${services.join(' ') || '(none)'}; ports ${ports.join(' ') || '(none)'}`,
			...(richRule ? [`firewalld rich rule in zone ${zone}: ${richRule}`] : []),
		],
	};
}
