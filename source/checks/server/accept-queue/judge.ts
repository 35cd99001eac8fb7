/**
Is the accept queue of the listener full? The kernel drops a SYN for a listener whose queue is
full (Recv-Q above Send-Q, its backlog) and counts it in TcpExt ListenOverflows and ListenDrops.
Pure.
*/
import {sudoPrefix} from '../../../text/sanitize.js';
import {hostPort} from '../../../net/address.js';
import type {Confidence, CheckResult, Finding} from '../../../tree/types.js';
import type {Listener} from '../../../tree/facts.js';
import type {JudgeInput} from '../../define.js';
import {queueFinding, queueLines} from './explain.js';
import type {QueueObservations} from './measure.js';

/** The kernel's own test (sk_acceptq_is_full): more queued than the backlog. */
export const isFull = (listener: Listener) =>
	listener.acceptQueue !== undefined &&
	listener.backlog !== undefined &&
	listener.acceptQueue > listener.backlog;

/** How sure: a full queue seen, and the overflow counter moving while our SYN went unanswered. */
export function queueConfidence(
	observations: QueueObservations,
): Confidence | undefined {
	const full = observations.listeners.some(l => isFull(l));
	const timedOut = observations.connect.code === 'ETIMEDOUT';
	const overflowed = (observations.counters?.overflows ?? 0) > 0;
	if (full && timedOut && overflowed) {
		return 'confirmed';
	}

	if (full || (timedOut && overflowed)) {
		return 'likely';
	}

	return undefined;
}

export function judgeQueue(
	observations: QueueObservations,
	input: JudgeInput,
): CheckResult {
	if (observations.listeners.length === 0) {
		return noTaker(observations, input);
	}

	const confidence = queueConfidence(observations);
	const lines = queueLines(observations, input.target.port);
	if (confidence) {
		const finding = queueFinding(observations, confidence, input);
		return {
			status: 'problem',
			detail: finding.summary,
			command: lines.command,
			output: lines.evidence,
			findings: [finding],
		};
	}

	const known =
		observations.listeners.some(l => l.backlog !== undefined) &&
		observations.counters !== undefined;
	return known
		? {
				status: 'passed',
				detail: `${lines.room}: the accept queue is not the cause`,
				command: lines.command,
				output: lines.evidence,
			}
		: {
				status: 'unknown',
				detail: `the accept queue could not be read (${[observations.ss.problem, observations.countersProblem].filter(Boolean).join('; ') || 'no queue shown'}): check by hand with ${lines.byHand}`,
				command: lines.command,
				output: lines.evidence,
			};
}

/**
No socket takes the address: the kernel would have answered the SYN with a reset. A timeout
then means the SYN was dropped before it reached the socket layer (a DROP rule, most often).
*/
function noTaker(
	observations: QueueObservations,
	input: JudgeInput,
): CheckResult {
	const dialed = hostPort(observations.probe.address, input.target.port);
	const partial = (input.facts.listeners?.unreadable?.length ?? 0) > 0;
	const evidence = [
		`no listener takes ${dialed} (${input.facts.listeners?.command ?? 'the listeners step'})`,
		`connect ${dialed} once more: ${observations.connect.code} in ${observations.connect.ms} ms`,
	];
	const finding: Finding = {
		id: 'filtered',
		confidence: partial ? 'possible' : 'likely',
		summary: `Nothing listens on ${dialed}, so the kernel would answer with a reset; nothing answered: something on this host drops the SYN first (a firewall DROP rule or policy).`,
		evidence,
		fixes: [
			{
				command: `${sudoPrefix(input.uid)}iptables -L INPUT -n -v --line-numbers; ${sudoPrefix(input.uid)}nft list ruleset`,
				why: `Look for a DROP rule or a DROP policy for port ${input.target.port} (the firewall step names it when it can read the rules).`,
			},
		],
	};
	return {
		status: 'problem',
		detail: `no listener takes ${dialed}, yet no reset came back: the SYN is dropped before it reaches a socket`,
		output: evidence,
		findings: [finding],
	};
}
