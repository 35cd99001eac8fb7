/**
Reset or ICMP: Linux reports both a TCP reset and an ICMP port-unreachable as ECONNREFUSED. The
host-wide ICMP counter tells them apart: a refusal during which no ICMP destination-unreachable
arrived was a reset (other traffic can add to the counter, never take from it); a refusal with one
ICMP error per SYN sent, repeated, was an ICMP error. Pure.
*/
import type {RefusalFacts} from '../../tree/facts.js';
import type {CheckResult} from '../../tree/types.js';
import type {JudgeInput} from '../define.js';
import {answerLines, byHand, localReject} from './explain.js';
import type {AnswerObservations, Repeat} from './measure.js';

export type AnswerVerdict = Pick<RefusalFacts, 'answer' | 'confidence'>;

const refused = (repeat: Repeat) => repeat.code === 'ECONNREFUSED';

/** One ICMP error per SYN sent (1 + retransmits), and nothing else opened a connection. */
const exact = (repeat: Repeat) =>
	repeat.delta?.icmp !== undefined &&
	repeat.delta.opens === 1 &&
	repeat.delta.icmp === 1 + (repeat.delta.retransmits ?? 0);

/** The verdict of the repeats alone (pure; also used by tests). */
export function verdictOf(repeats: readonly Repeat[]): AnswerVerdict {
	if (
		repeats.length === 0 ||
		!repeats.every(refused) ||
		repeats.some(r => r.delta?.icmp === undefined)
	) {
		return {answer: 'unknown'};
	}

	const icmp = repeats.map(r => r.delta!.icmp!);
	if (icmp.includes(0)) {
		// A refusal with no ICMP counted was a reset; an ICMP counted elsewhere was other traffic.
		return {
			answer: 'reset',
			confidence:
				icmp.every(n => n === 0) && repeats.length > 1 ? 'confirmed' : 'likely',
		};
	}

	return {
		answer: 'icmp',
		confidence:
			repeats.length > 1 && repeats.every(exact) ? 'confirmed' : 'likely',
	};
}

export function judgeAnswer(
	observations: AnswerObservations,
	input: JudgeInput,
): CheckResult {
	const verdict = observations.problem
		? ({answer: 'unknown'} as const)
		: verdictOf(observations.repeats);
	const lines = answerLines(observations, verdict, input.target.port);
	const refusal: RefusalFacts = {
		address: observations.address,
		...verdict,
		evidence: lines.evidence,
	};
	// Here (the step runs here only when the firewall cannot be read): ICMP names a local REJECT.
	const here =
		input.facts.local?.isLocal === true &&
		verdict.answer === 'icmp' &&
		verdict.confidence !== undefined;
	return {
		status:
			verdict.answer === 'unknown' ? 'unknown' : here ? 'problem' : 'passed',
		...(here
			? {
					findings: [
						localReject(
							observations,
							verdict.confidence,
							lines.evidence,
							input,
						),
					],
				}
			: {}),
		detail:
			verdict.answer === 'unknown'
				? `${lines.summary}; by hand: ${byHand(observations)}`
				: lines.summary,
		command: lines.command,
		output: lines.evidence,
		facts: {refusal},
	};
}
