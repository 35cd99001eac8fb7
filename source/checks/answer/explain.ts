/** The words of the reset-or-ICMP step. Pure. */
import {hostPort} from '../../net/address.js';
import {shellQuote, sudoPrefix} from '../../text/sanitize.js';
import type {Confidence, Finding} from '../../tree/types.js';
import type {JudgeInput} from '../define.js';
import type {AnswerVerdict} from './judge.js';
import type {AnswerObservations, Repeat} from './measure.js';

const hostWide =
	'the counters count for the whole host (network namespace): other traffic can add to them';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function repeatLine(
	observations: AnswerObservations,
	repeat: Repeat,
	index: number,
): string {
	const dialed = hostPort(observations.address, observations.port);
	const {delta} = repeat;
	const counted =
		delta?.icmp === undefined
			? 'ICMP counter not read'
			: `ICMP destination-unreachable +${delta.icmp}, connections opened +${delta.opens ?? '?'}, retransmits +${delta.retransmits ?? '?'}`;
	return `connect ${dialed} #${index + 1}: ${repeat.code} in ${repeat.ms} ms; ${counted}`;
}

/** The command to tell them apart by hand (a capture shows the answer itself). */
export function byHand(observations: AnswerObservations): string {
	const filter = `host ${observations.address} and (icmp or icmp6 or tcp[tcpflags] & tcp-rst != 0)`;
	return shellQuote(['sudo', 'tcpdump', '-ni', 'any', filter]);
}

function summaryOf(
	observations: AnswerObservations,
	verdict: AnswerVerdict,
): string {
	const n = observations.repeats.length;
	const icmp = observations.repeats.reduce(
		(sum, r) => sum + (r.delta?.icmp ?? 0),
		0,
	);
	if (observations.problem) {
		return `the ICMP counters could not be read (${observations.problem}): a reset and an ICMP port-unreachable cannot be told apart`;
	}

	switch (verdict.answer) {
		case 'icmp': {
			return `${plural(n, 'probe')}, ${icmp} more ICMP destination-unreachable: a firewall's REJECT (icmp-port-unreachable) answered, not a closed port (${verdict.confidence})`;
		}

		case 'reset': {
			return icmp === 0
				? `${plural(n, 'probe')}, no ICMP error: a TCP reset came back (the kernel with nothing listening, or a REJECT --reject-with tcp-reset) (${verdict.confidence})`
				: `${plural(n, 'probe')}, some refused with no ICMP error counted: a TCP reset came back (the ICMP counted came from other traffic) (${verdict.confidence})`;
		}

		default: {
			const last = observations.repeats.at(-1);
			return last && last.code !== 'ECONNREFUSED'
				? `the answer changed on the next connect (${last.code}): a reset and an ICMP error cannot be told apart`
				: 'the counters did not move as one answer per connect: a reset and an ICMP error cannot be told apart';
		}
	}
}

export function answerLines(
	observations: AnswerObservations,
	verdict: AnswerVerdict,
	port: number,
): {summary: string; evidence: string[]; command: string} {
	const files =
		observations.family === 6
			? '/proc/net/snmp /proc/net/snmp6'
			: '/proc/net/snmp';
	const summary = summaryOf(observations, verdict);
	return {
		summary,
		command: `cat ${files}; connect ${hostPort(observations.address, port)} (x${observations.repeats.length || 1}); cat ${files}`,
		evidence: [
			...observations.repeats.map((repeat, index) =>
				repeatLine(observations, repeat, index),
			),
			`${summary}; ${hostWide}`,
		],
	};
}

/** An ICMP port-unreachable from this very host: a REJECT rule here (its rules unreadable without root). */
export function localReject(
	observations: AnswerObservations,
	confidence: Confidence,
	evidence: readonly string[],
	input: JudgeInput,
): Finding {
	const dialed = hostPort(observations.address, observations.port);
	const sudo = sudoPrefix(input.uid);
	return {
		id: 'firewall-reject',
		confidence,
		summary: `A firewall rule on this host rejects ${dialed} with ICMP port-unreachable (a closed port answers with a reset, never ICMP): the client sees "connection refused" whether or not a program listens.`,
		evidence: [...evidence],
		fixes: [
			{
				command: `${sudo}iptables-save -c; ${sudo}nft -a list ruleset`,
				why: `Find the REJECT rule that matches TCP port ${observations.port}; as root, refused ${dialed} names it and its counter.`,
			},
		],
	};
}
