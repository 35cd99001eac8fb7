import type {CheckRun, Io} from '../types.js';
import {parseProcNetTcpListeners} from '../../parsers/docker-netns.js';
import type {ContainerInfo} from '../../tree/facts.js';
import {
	addressOwner,
	bindingsFor,
	diagnoseContainers,
	type NetnsRead,
} from './diagnose.js';

/** Most containers looked into when none publishes the port (each is two small file reads). */
const maxLookInside = 40;

/**
What listens inside a container: /proc/PID/net/tcp and tcp6 of its first process show its own
network namespace (read-only, and readable without root on most hosts).
*/
export async function readNetns(
	io: Io,
	container: ContainerInfo,
): Promise<NetnsRead> {
	const byHand = `sudo nsenter -t ${container.pid} -n ss -Htln`;
	if (!container.running || container.pid <= 0) {
		return {source: byHand, why: 'not running'};
	}

	const tcp = await io.readFile(`/proc/${container.pid}/net/tcp`);
	const tcp6 = await io.readFile(`/proc/${container.pid}/net/tcp6`);
	if (!tcp.ok && !tcp6.ok) {
		return {source: byHand, why: `/proc/${container.pid}/net/tcp: ${tcp.code}`};
	}

	return {
		listeners: [
			...(tcp.ok ? parseProcNetTcpListeners(tcp.text, 4) : []),
			...(tcp6.ok ? parseProcNetTcpListeners(tcp6.text, 6) : []),
		],
		source: `/proc/${container.pid}/net/tcp${tcp6.ok ? ', tcp6' : ''}`,
	};
}

/** Which container should serve the target port, and where its chain breaks. */
export const containerPort: CheckRun = async context => {
	const {io, facts, target} = context;
	const containers = facts.containers?.containers ?? [];
	const port = target.port;
	const publishers = containers.filter(
		c => c.running && bindingsFor(c, port).length > 0,
	);
	const stopped = containers.some(
		c => !c.running && bindingsFor(c, port).length > 0,
	);
	// Look inside the publisher; with none (and none stopped), inside every running container.
	const owner = addressOwner(facts, containers);
	const toRead = owner
		? [owner.container]
		: publishers.length > 0
			? publishers
			: stopped
				? []
				: containers
						.filter(c => c.running && c.networkMode !== 'host')
						.slice(0, maxLookInside);
	const netns = new Map<string, NetnsRead>();
	for (const container of toRead) {
		context.onCommand(
			`read /proc/${container.pid}/net/tcp, tcp6 (inside ${container.name})`,
		);
		netns.set(container.id, await readNetns(io, container));
	}

	const result = diagnoseContainers({port, facts, containers, netns});
	return toRead.length > 0
		? {
				...result,
				command: toRead
					.map(c => `cat /proc/${c.pid}/net/tcp /proc/${c.pid}/net/tcp6`)
					.join(' ; '),
			}
		: result;
};
