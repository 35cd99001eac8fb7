/**
The container chain's vocabulary, pure: which mappings serve a host port, whether a mapping covers
the address a client dialed, and how the engine's CLI is typed. Used by the judges, the measures
(to choose what to read) and the explainers.
*/
import {
	familyOf,
	hostPort,
	plainAddress,
	sameAddress,
} from '../../net/address.js';
import type {
	ContainerFacts,
	ContainerInfo,
	ContainerPortBinding,
	Facts,
	NetnsListener,
} from '../../tree/facts.js';

/** What was read inside one container: its listeners, or why they could not be read. */
export type NetnsRead = {
	readonly listeners?: readonly NetnsListener[];
	/** The files read ("/proc/PID/net/tcp, tcp6"); absent when nothing could be read. */
	readonly source?: string;
	/** Why nothing could be read ("not running", "/proc/PID/net/tcp: EACCES"). */
	readonly why?: string;
};

/** "docker inspect" or "podman inspect": where the container facts came from. */
export function inspectOf(facts: Facts): string {
	return `${facts.containers?.cli ?? 'docker'} inspect`;
}

/** The CLI as the user types it, as an argv: ["docker"], ["docker", "-H", "unix:///run/podman/podman.sock"]. */
export function cliArgv(containers: ContainerFacts | undefined): string[] {
	return [containers?.cli ?? 'docker', ...(containers?.hostArgs ?? [])];
}

/** The host port of a mapping as `docker run -p` takes it. */
export function publishFlag(
	binding: Pick<ContainerPortBinding, 'hostIp' | 'hostPort'>,
	containerPort: number,
): string {
	return binding.hostIp === '' || binding.hostIp === '0.0.0.0'
		? `${binding.hostPort}:${containerPort}`
		: `${hostPort(binding.hostIp, binding.hostPort)}:${containerPort}`;
}

/** Mappings in effect (running) or asked for (stopped) for a host port. */
export function bindingsFor(
	container: ContainerInfo,
	port: number,
): ContainerPortBinding[] {
	const list = container.running ? container.ports : container.portBindings;
	return list.filter(b => b.hostPort === port && b.protocol === 'tcp');
}

/** Does a mapping accept connections to this host address? */
export function covers(
	binding: ContainerPortBinding,
	address: string,
): boolean {
	if (binding.hostIp === '') {
		return true;
	}

	if (binding.hostIp === '0.0.0.0') {
		return familyOf(address) === 4;
	}

	if (binding.hostIp === '::') {
		return plainAddress(address).includes(':');
	}

	return sameAddress(binding.hostIp, address);
}

/** The running container whose own address the client dialed (no publishing involved). */
export function addressOwner(
	facts: Facts,
	containers: readonly ContainerInfo[],
): {container: ContainerInfo; address: string} | undefined {
	for (const probe of facts.probe?.addresses ?? []) {
		const container = containers.find(
			c => c.running && c.addresses.some(a => sameAddress(a, probe.address)),
		);
		if (container) {
			return {container, address: probe.address};
		}
	}

	return undefined;
}

/** Running containers that publish the port, the one covering a dialed address first. */
export function publishersOf(
	facts: Facts,
	containers: readonly ContainerInfo[],
	port: number,
): ContainerInfo[] {
	const publishers = containers.filter(
		c => c.running && bindingsFor(c, port).length > 0,
	);
	const dialed = (facts.probe?.addresses ?? []).map(p => p.address);
	const covering = publishers.filter(c =>
		bindingsFor(c, port).some(b => dialed.some(a => covers(b, a))),
	);
	return [...covering, ...publishers.filter(c => !covering.includes(c))];
}
