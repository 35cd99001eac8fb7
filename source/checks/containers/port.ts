/**
The container-port step: which container should serve the target port, and where its chain breaks.
Measure reads what listens inside the containers concerned; the judge (port-judge.ts) decides and
the explainer (port-explain.ts) words it.
*/
import {parseProcNetTcpListeners} from '../../parsers/docker-netns.js';
import type {ContainerInfo} from '../../tree/facts.js';
import {defineCheck} from '../define.js';
import type {FileRead, Io} from '../types.js';
import type {NetnsRead} from './chain.js';
import {explainPort} from './port-explain.js';
import {
	containersToRead,
	decidePort,
	type PortObservations,
} from './port-judge.js';

/** Most containers looked into when none publishes the port (each is two small file reads). */
const maxLookInside = 40;

/** What /proc/PID/net/tcp and tcp6 of a container's first process say (pure: the reads are given). */
export function netnsFromTables(
	container: ContainerInfo,
	tcp: FileRead,
	tcp6: FileRead,
): NetnsRead {
	if (!tcp.ok && !tcp6.ok) {
		return {why: `/proc/${container.pid}/net/tcp: ${tcp.code}`};
	}

	return {
		listeners: [
			...(tcp.ok ? parseProcNetTcpListeners(tcp.text, 4) : []),
			...(tcp6.ok ? parseProcNetTcpListeners(tcp6.text, 6) : []),
		],
		source: `/proc/${container.pid}/net/tcp${tcp6.ok ? ', tcp6' : ''}`,
	};
}

/**
What listens inside a container: /proc/PID/net/tcp and tcp6 of its first process show its own
network namespace (read-only, and readable without root on most hosts).
*/
export async function readNetns(
	io: Io,
	container: ContainerInfo,
): Promise<NetnsRead> {
	if (!container.running || container.pid <= 0) {
		return {why: 'not running'};
	}

	return netnsFromTables(
		container,
		await io.readFile(`/proc/${container.pid}/net/tcp`),
		await io.readFile(`/proc/${container.pid}/net/tcp6`),
	);
}

export const containerPortCheck = defineCheck<PortObservations>({
	async measure(context) {
		const looked = containersToRead(
			context.facts,
			context.target.port,
			maxLookInside,
		);
		const netns = new Map<string, NetnsRead>();
		for (const container of looked) {
			context.onCommand(
				`read /proc/${container.pid}/net/tcp, tcp6 (inside ${container.name})`,
			);
			netns.set(container.id, await readNetns(context.io, container));
		}

		return {looked, netns};
	},
	judge(observations, input) {
		const port = input.target.port;
		const verdict = decidePort(input.facts, port, observations.netns);
		const result = explainPort(verdict, observations, {
			facts: input.facts,
			port,
			uid: input.uid,
		});
		return observations.looked.length > 0
			? {
					...result,
					command: observations.looked
						.map(c => `cat /proc/${c.pid}/net/tcp /proc/${c.pid}/net/tcp6`)
						.join(' ; '),
				}
			: result;
	},
});
