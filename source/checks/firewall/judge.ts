import {sudoPrefix} from '../../text/sanitize.js';
/**
The firewall step's judgement, pure: walk the rules read for each address's packet, name the
rule that decided, and turn a reject or drop into a finding confirmed by the counters (when the
probe from here got what the rule predicts and the rule counted the extra connect).
*/
import {
	describeRef,
	type Decision,
	type RuleRef,
} from '../../model/firewall/index.js';
import {
	decideFor,
	managerOf,
	type Manager,
	type Walked,
} from '../../model/firewall/rulesets.js';
import {hostPort} from '../../net/address.js';
import type {FirewallFacts} from '../../tree/facts.js';
import type {CheckResult, Finding} from '../../tree/types.js';
import type {JudgeInput} from '../define.js';
import {
	blindReason,
	blockingSummary,
	counterEvidence,
	dumpCommands,
	firewalldEvidence,
	agrees,
	prediction,
	probeLine,
	readingNotes,
	remoteCounterLine,
	ufwEvidence,
	walkLines,
	type Blocking,
} from './explain.js';
import {firewallFixes} from './fixes.js';
import type {FirewallObservations, ProbeObservation} from './observations.js';
import type {Readings} from './read.js';
import {natDeadEnd, natFacts, natLine} from './nat.js';
import {
	remoteClient,
	selectOutbound,
	selectProbes,
	walkOptions,
} from './select.js';

type Judged = ProbeObservation & {readonly decision: Walked};

type Scope = {
	readonly readings: Readings;
	readonly input: JudgeInput;
	readonly client: string | undefined;
	readonly sudo: string;
};

/** The names the manager (ufw, firewalld) gives the rule: evidence lines and what its fixes need. */
function managerSide(
	judged: Judged,
	by: RuleRef,
	manager: Manager,
	scope: Scope,
) {
	const port = scope.input.target.port;
	const ufw =
		manager === 'ufw' && judged.ufw
			? ufwEvidence(judged.ufw, {
					port,
					verdict: judged.decision.verdict === 'drop' ? 'drop' : 'reject',
					client: scope.client,
					family: judged.packet.family,
					outbound: by.hook === 'output' && judged.outbound === true,
				})
			: undefined;
	const firewalld =
		manager === 'firewalld' && judged.firewalld
			? firewalldEvidence(judged.firewalld, by, port)
			: undefined;
	return {
		lines: [...(ufw?.line ? [ufw.line] : []), ...(firewalld?.lines ?? [])],
		...(ufw?.rule ? {ufwRule: ufw.rule} : {}),
		...(firewalld?.zone ? {zone: firewalld.zone} : {}),
		...(firewalld?.richRule ? {richRule: firewalld.richRule} : {}),
	};
}

/** The deciding rule is on this host's way out, for a connection to another host. */
const isOutbound = (judged: Judged & {readonly decision: Blocking}) =>
	judged.decision.by.hook === 'output' && judged.outbound === true;

function blockingFacts(
	judged: Judged & {readonly decision: Blocking},
	named: {rule: string; manager: Manager; counterDelta: number | undefined},
): FirewallFacts {
	const {decision, probe} = judged;
	return {
		verdict: decision.verdict,
		rule: named.rule,
		manager: named.manager,
		address: probe.address,
		...(decision.verdict === 'reject' ? {clientSees: decision.clientSees} : {}),
		...(named.counterDelta === undefined
			? {}
			: {counterDelta: named.counterDelta}),
		...(decision.nat ? {nat: natFacts(decision.nat)} : {}),
		...(isOutbound(judged) ? {outbound: true} : {}),
	};
}

function blockingFinding(
	judged: Judged & {readonly decision: Blocking},
	scope: Scope,
): {finding: Finding; facts: FirewallFacts} {
	const {probe, packet, decision} = judged;
	const {readings, input, client, sudo} = scope;
	const port = input.target.port;
	const counters = client
		? {line: remoteCounterLine(client, sudo)}
		: counterEvidence(readings, decision.by, judged.recount);
	const manager = managerOf(readings, decision.by);
	const expected = prediction(decision);
	const consistent = client ? false : agrees(probe, expected);
	const path = decision.trail.filter(step => !step.endsWith('policy accept'));
	const side = managerSide(judged, decision.by, manager, scope);
	const rule = describeRef(decision.by);
	const dialed = hostPort(probe.address, port);
	const evidence = [
		rule,
		...(path.length > 0 ? [`path: ${path.join(' -> ')}`] : []),
		...(decision.nat ? [natLine(decision.nat, dialed)] : []),
		...(counters.line ? [counters.line] : []),
		probeLine(
			probe,
			port,
			client ? {client, iif: packet.iif} : undefined,
			expected,
		),
		...side.lines,
	];
	const confirmed = consistent && counters.delta !== 0;
	const finding: Finding = {
		id: decision.verdict === 'reject' ? 'firewall-reject' : 'filtered',
		confidence: confirmed ? 'confirmed' : 'likely',
		summary: blockingSummary(decision, dialed, client),
		evidence,
		fixes: firewallFixes({
			port,
			by: decision.by,
			manager,
			sudo,
			...(isOutbound(judged) ? {outbound: true} : {}),
			...(side.zone ? {zone: side.zone} : {}),
			...(side.richRule ? {richRule: side.richRule} : {}),
			...(side.ufwRule ? {ufwRule: side.ufwRule} : {}),
			...(readings.nft ? {nft: readings.nft.ruleset} : {}),
		}),
	};
	const facts = blockingFacts(judged, {
		rule,
		manager,
		counterDelta: counters.delta,
	});
	return {finding, facts};
}

/** The first nat rule that sends the connection to a port of this host where nothing listens. */
function natDeadEnds(
	judged: readonly Judged[],
	scope: Scope,
): {finding: Finding; facts: FirewallFacts} | undefined {
	for (const {probe, decision} of judged) {
		const {nat} = decision;
		const finding =
			nat && decision.verdict === 'accept'
				? natDeadEnd(nat, probe, {
						facts: scope.input.facts,
						port: scope.input.target.port,
						sudo: scope.sudo,
						nft: scope.readings.nft?.ruleset,
					})
				: undefined;
		if (finding && nat) {
			return {
				finding,
				facts: {verdict: 'accept', address: probe.address, nat: natFacts(nat)},
			};
		}
	}

	return undefined;
}

function isBlocking(
	judged: Judged,
): judged is Judged & {readonly decision: Blocking} {
	return (
		judged.decision.verdict === 'reject' || judged.decision.verdict === 'drop'
	);
}

function blind(
	observations: FirewallObservations,
	input: JudgeInput,
): CheckResult {
	const {readings, families} = observations;
	const reason = blindReason(readings, input.uid);
	const command = readings.commands.join('; ');
	// Suggest sudo only where a read was refused for lack of privilege.
	const sudo = readings.denied.length > 0 ? 'sudo ' : '';
	return {
		status: 'unknown',
		detail: `${reason}: run ${dumpCommands(families, sudo)} to see them`,
		...(command ? {command} : {}),
		output: readingNotes(readings),
		facts: {firewall: {verdict: 'unknown', reason}},
	};
}

function uncertainResult(
	judged: Judged & {decision: Extract<Decision, {verdict: 'uncertain'}>},
	base: {command: string; output: string[]; families: ReadonlyArray<4 | 6>},
	scope: Scope,
): CheckResult {
	const {decision, probe} = judged;
	const dialed = hostPort(probe.address, scope.input.target.port);
	const rule = describeRef(decision.by);
	return {
		status: 'unknown',
		detail: `cannot tell what the firewall does with ${dialed}: ${decision.because} in ${rule}; check by hand: ${dumpCommands(base.families, scope.sudo)}`,
		command: base.command,
		output: base.output,
		facts: {
			firewall: {
				verdict: 'uncertain',
				rule,
				address: probe.address,
				reason: decision.because,
			},
		},
	};
}

function acceptedResult(
	observations: FirewallObservations,
	judged: readonly Judged[],
	base: {command: string; output: string[]},
	scope: Scope,
): CheckResult {
	const {readings, firewalldState} = observations;
	const port = scope.input.target.port;
	const first = judged[0]!;
	const outbound = judged.every(j => j.outbound);
	const accepted = `${outbound ? "this host's output rules" : 'the rules read'} accept TCP to ${judged.map(j => hostPort(j.probe.address, port)).join(', ')} from ${scope.client ?? 'this host'}`;
	const running = firewalldState === 'running';
	if (!readings.nft && (running || readings.iptables.length === 0)) {
		return {
			status: 'unknown',
			detail: `${accepted}, but nft could not be read${running ? ' and firewalld is running (its rules live in nftables)' : ''}: check by hand with ${scope.sudo}nft -a list ruleset`,
			command: base.command,
			output: base.output,
			facts: {
				firewall: {verdict: 'unknown', reason: 'nftables could not be read'},
			},
		};
	}

	const output = readings.nft
		? base.output
		: [
				...base.output,
				`nft could not be read: native nftables tables, if any, were not checked (${scope.sudo}nft -a list ruleset)`,
			];
	const why =
		first.decision.trail.length > 0
			? `(${first.decision.trail.at(-1)!})`
			: `(no rule on the ${outbound ? 'output' : 'input'} path)`;
	const verdict = outbound
		? "this host's own firewall is not the cause (the other host's rules cannot be read from here)"
		: 'the firewall is not the cause';
	const nat = judged.find(j => j.decision.nat);
	const natNote = nat?.decision.nat
		? `; ${natLine(nat.decision.nat, hostPort(nat.probe.address, port))}`
		: '';
	return {
		status: 'passed',
		detail: `${accepted}: ${verdict} ${why}${readings.nft ? '' : '; nft could not be read'}${natNote}`,
		command: base.command,
		output,
		facts: {
			firewall: {
				verdict: 'accept',
				address: first.probe.address,
				...(nat?.decision.nat ? {nat: natFacts(nat.decision.nat)} : {}),
			},
		},
	};
}

export function judge(
	observations: FirewallObservations,
	input: JudgeInput,
): CheckResult {
	if (
		selectProbes(input.facts, input.answers).length === 0 &&
		selectOutbound(input.facts, input.answers).length === 0
	) {
		return {
			status: 'skipped',
			detail: 'no local address refused or dropped the connection',
		};
	}

	const {readings} = observations;
	if (observations.probes.length === 0) {
		return blind(observations, input);
	}

	const scope: Scope = {
		readings,
		input,
		client: remoteClient(input.answers.client),
		sudo: sudoPrefix(input.uid),
	};
	const judged: Judged[] = observations.probes.map(p => ({
		...p,
		decision: decideFor(
			readings,
			p.packet,
			walkOptions(input.facts, p.outbound === true),
		),
	}));
	const base = {
		command: readings.commands.join('; '),
		output: [
			...readingNotes(readings),
			...judged.flatMap(j => walkLines(j.packet, j.probe.address, j.decision)),
		],
		families: observations.families,
	};
	const blocking = judged.filter(j => isBlocking(j));
	if (blocking.length > 0) {
		const found = blocking.map(j => blockingFinding(j, scope));
		return {
			status: 'problem',
			detail: found[0]!.finding.summary,
			command: base.command,
			output: base.output,
			facts: {firewall: found[0]!.facts},
			findings: found.map(f => f.finding),
		};
	}

	const deadEnd = natDeadEnds(judged, scope);
	if (deadEnd) {
		return {
			status: 'problem',
			detail: deadEnd.finding.summary,
			command: base.command,
			output: base.output,
			facts: {firewall: deadEnd.facts},
			findings: [deadEnd.finding],
		};
	}

	const uncertain = judged.find(
		(j): j is Judged & {decision: Extract<Decision, {verdict: 'uncertain'}>} =>
			j.decision.verdict === 'uncertain',
	);
	return uncertain
		? uncertainResult(uncertain, base, scope)
		: acceptedResult(observations, judged, base, scope);
}
