import type {CheckRun} from '../types.js';
import type {Finding} from '../../tree/types.js';

/**
The service runs in a container (the user said so, or docker-proxy holds the port), but the engine
cannot be read from here: say exactly what to run, with sudo, and what the probe already shows.
*/
export const containerByHand: CheckRun = async ({facts, target}) => {
	const containers = facts.containers;
	const cli = containers?.cli ?? 'docker';
	const port = target.port;
	const why =
		containers?.problem === 'permission'
			? 'not root and not in the docker group'
			: containers?.problem === 'not-running'
				? 'the engine does not answer'
				: (containers?.message ?? 'the engine could not be read');
	const commands = [
		`sudo ${cli} ps -a --filter publish=${port} --format '{{.Names}}\\t{{.Status}}\\t{{.Ports}}'`,
		`sudo ${cli} ps -a --format '{{.Names}}\\t{{.Status}}\\t{{.Ports}}'`,
		`sudo ${cli} logs --tail 20 NAME`,
		`sudo nsenter -t "$(sudo ${cli} inspect -f '{{.State.Pid}}' NAME)" -n ss -Htln`,
	];
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
									`${a.address}:${port} accepted the connection, then closed it at once without a byte (the probe)`,
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
			'Which container publishes the port, its state and mappings:',
			...commands.slice(0, 2).map(c => `  ${c}`),
			'If it exited, why (NAME from the list):',
			`  ${commands[2]!}`,
			'What listens inside it (127.0.0.1 only cannot be reached through a published port):',
			`  ${commands[3]!}`,
		],
		findings,
	};
};
