/**
The container-by-hand step: the service runs in a container (the user said so, or docker-proxy holds the
port), but the engine cannot be read from here: say exactly what to run, and what the probe already
shows. Nothing to measure: the judge works from the facts alone.
*/
import {hostPort} from '../../net/address.js';
import {shellQuote, sudoArgs} from '../../text/sanitize.js';
import type {ContainerFacts} from '../../tree/facts.js';
import type {CheckResult, Finding} from '../../tree/types.js';
import {defineCheck, type JudgeInput} from '../define.js';

function whyUnread(containers: ContainerFacts | undefined): string {
	if (containers?.problem === 'permission') {
		return 'not root and not in the docker group';
	}

	return containers?.problem === 'not-running'
		? 'the engine does not answer'
		: (containers?.message ?? 'the engine could not be read');
}

/** The commands to walk the chain by hand: find the container, its log, what listens inside. */
export function byHandCommands(
	cli: string,
	port: number,
	uid: number | undefined,
): string[] {
	const root = sudoArgs(uid)
		.map(word => `${word} `)
		.join('');
	const run = `${root}${shellQuote([cli])}`;
	return [
		`${run} ps -a --filter publish=${port} --format '{{.Names}}\\t{{.Status}}\\t{{.Ports}}'`,
		`${run} ps -a --format '{{.Names}}\\t{{.Status}}\\t{{.Ports}}'`,
		`${run} logs --tail 20 NAME`,
		`${root}nsenter -t "$(${run} inspect -f '{{.State.Pid}}' NAME)" -n ss -Htln`,
	];
}

export function judgeByHand(
	_observations: Record<string, never>,
	input: JudgeInput,
): CheckResult {
	const {facts, target, uid} = input;
	const containers = facts.containers;
	const cli = containers?.cli ?? 'docker';
	const port = target.port;
	const why = whyUnread(containers);
	const commands = byHandCommands(cli, port, uid);
	const dropped = facts.probe?.addresses.filter(a => a.closedAfterAccept) ?? [];
	const findings: Finding[] =
		dropped.length > 0
			? [
					{
						id: 'container-loopback-bind',
						confidence: 'possible',
						summary: `Port ${port} accepts and then drops the connection at once, as docker-proxy does when the app in its container cannot be reached (bound to 127.0.0.1 inside, or another port); the engine could not be read to confirm (${why}).`,
						evidence: [
							...dropped.map(
								a =>
									`${hostPort(a.address, port)} accepted the connection, then closed it at once without a byte (the probe)`,
							),
							`${containers?.socket ?? cli}: ${why}`,
						],
						fixes: [
							{
								command: commands[3]!,
								why: 'Shows what listens inside the container NAME (the one the first command lists): 127.0.0.1:PORT means the app must listen on 0.0.0.0 instead.',
							},
						],
					},
				]
			: [];
	return {
		status: 'unknown',
		detail: `The service runs in a container, but the engine cannot be read from here (${why}). Check by hand: ${commands[0]!}`,
		output: [
			`Which container publishes the port, its state and mappings${uid === 0 ? '' : ' (sudo: docker needs root or the docker group)'}:`,
			...commands.slice(0, 2).map(c => `  ${c}`),
			'If it exited, why (NAME from the list):',
			`  ${commands[2]!}`,
			'What listens inside it (127.0.0.1 only cannot be reached through a published port):',
			`  ${commands[3]!}`,
		],
		findings,
	};
}

export const containerByHandCheck = defineCheck<Record<string, never>>({
	async measure() {
		return {};
	},
	judge: judgeByHand,
});
