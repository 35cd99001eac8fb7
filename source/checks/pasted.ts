/**
The pasted error (refused --error): what the client saw, compared with what a connection gets
now. A mismatch means the situation changed between the error and this walk (or the client runs
elsewhere), and the walk explains the present, not the paste.
*/
import {hostPort, sameAddress} from '../net/address.js';
import type {AddressProbe, Facts, Reported, Target} from '../tree/facts.js';
import type {CheckResult, Outcome} from '../tree/types.js';
import {defineCheck, type JudgeInput} from './define.js';

/** Nothing to measure: the message was decoded at the start and the probe ran before. */
type Observations = Record<string, never>;

const saw: Record<Outcome, string> = {
	open: 'a connection',
	refused: 'a refusal',
	timeout: 'a timeout',
	unreachable: 'no route (unreachable)',
	'dns-failure': 'a name that did not resolve',
};

const now: Record<Outcome, string> = {
	open: 'it connects',
	refused: 'it is refused',
	timeout: 'it times out',
	unreachable: 'it is unreachable',
	'dns-failure': 'the name does not resolve',
};

/** What changed, in a few words, for the common pairs. */
function changeHint(before: Outcome, after: Outcome): string {
	if (after === 'open') {
		return 'the service is up now (it was restarted, or came up after the client tried), or the client runs on another host or in a container and dials something else';
	}

	if (before === 'timeout' && after === 'refused') {
		return 'a drop rule was removed, or the client dials from elsewhere through a firewall that drops';
	}

	if (before === 'refused' && after === 'timeout') {
		return 'a rule now drops the connection, or the host is down or overloaded';
	}

	return 'the network, the name or the service changed, or the client runs elsewhere (another host, a container) and sees another path';
}

/** The probe of the address the client dialed first (or of the first address this host dials). */
function compared(
	reported: Reported,
	addresses: readonly AddressProbe[],
): AddressProbe | undefined {
	const dialed = reported.addresses[0];
	return (
		(dialed
			? addresses.find(probe => sameAddress(probe.address, dialed))
			: undefined) ?? addresses[0]
	);
}

function nowOutcome(
	facts: Facts,
	reported: Reported,
): {outcome?: Outcome; address?: string} {
	if (facts.resolution && !facts.resolution.ok) {
		return {outcome: 'dns-failure'};
	}

	const probe = compared(reported, facts.probe?.addresses ?? []);
	return probe ? {outcome: probe.outcome, address: probe.address} : {};
}

function evidence(target: Target, reported: Reported, facts: Facts): string[] {
	const lines = [`${reported.client}: ${reported.line}`];
	if (reported.addresses.length > 0) {
		lines.push(`the client dialed: ${reported.addresses.join(', ')}`);
	}

	const first = facts.probe?.addresses[0]?.address;
	const dialed = reported.addresses[0];
	if (first && dialed && !sameAddress(first, dialed)) {
		lines.push(
			`the client dialed ${dialed} first; this host dials ${first} first for ${target.host}`,
		);
	}

	if (reported.portFrom === 'default') {
		lines.push(
			`the message does not name the port: ${target.port} is ${reported.client}'s default; if the client used another, run refused HOST:PORT with it`,
		);
	}

	return lines;
}

/** Pure: the message against the probe. */
export function judgeReported(
	_observations: Observations,
	{target, facts}: JudgeInput,
): CheckResult {
	const reported = target.reported;
	if (!reported) {
		return {status: 'skipped', detail: 'no error message was given'};
	}

	const present = nowOutcome(facts, reported);
	const output = evidence(target, reported, facts);
	const where = present.address
		? ` (${hostPort(present.address, target.port)})`
		: '';
	if (present.outcome === undefined) {
		return {
			status: 'unknown',
			detail: `could not compare: nothing was probed, so what a connection gets now is not known (run: nc -vz ${target.host} ${target.port})`,
			output,
			facts: {reported: {}},
		};
	}

	const facts_ = {now: present.outcome, address: present.address};
	if (reported.outcome === undefined) {
		return {
			status: 'unknown',
			detail: `the ${reported.client} message does not say why it failed (only that it could not connect); now ${now[present.outcome]}${where}`,
			output: [
				...output,
				`to see the reason from the client itself: ${reported.client === 'curl' ? 'curl -v' : 'run it again with its verbose option'}`,
			],
			facts: {reported: facts_},
		};
	}

	if (reported.outcome === present.outcome) {
		return {
			status: 'passed',
			detail: `the client saw ${saw[reported.outcome]}; now ${now[present.outcome]} too${where}: the same situation, so this walk explains what the client saw`,
			output,
			facts: {reported: {...facts_, changed: false}},
		};
	}

	return {
		status: 'problem',
		detail: `the client saw ${saw[reported.outcome]}; now ${now[present.outcome]}: the situation changed${where}`,
		output: [
			...output,
			`what can explain it: ${changeHint(reported.outcome, present.outcome)}`,
			'this walk explains what a connection gets now, not what the client saw then',
		],
		facts: {reported: {...facts_, changed: true}},
	};
}

export const pasted = defineCheck<Observations>({
	measure: async () => ({}),
	judge: judgeReported,
});
