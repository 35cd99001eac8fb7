/**
Evidence lines of the container steps, pure: what the probe saw, what holds the port on the host,
and what listens inside a container.
*/
import {hostPort} from '../../net/address.js';
import {formatListener} from '../../parsers/docker-netns.js';
import {shellQuote, sudoArgs} from '../../text/sanitize.js';
import type {AddressProbe, ContainerInfo, Facts} from '../../tree/facts.js';
import {type NetnsRead} from './chain.js';
import {nsenterCommand} from './fixes.js';

function describeProbe(probe: AddressProbe, port: number): string {
	const where = hostPort(probe.address, port);
	if (probe.closedAfterAccept) {
		return `${where} accepted the connection, then closed it at once without a byte (the probe): docker-proxy's signature when it cannot reach the app inside`;
	}

	return `${where}: ${probe.outcome} (${probe.code}) (the probe)`;
}

/** One line per address the probe tried. */
export function probeLines(facts: Facts, port: number): string[] {
	return (facts.probe?.addresses ?? []).map(probe =>
		describeProbe(probe, port),
	);
}

function role(name: string | undefined): string {
	if (name === 'docker-proxy') {
		return ': the host side of the mapping';
	}

	// With --userland-proxy=false dockerd only reserves the port; its DNAT rule takes the connection first.
	if (name === 'dockerd') {
		return ': dockerd only reserves the port (no docker-proxy); its NAT rule forwards connections to the container';
	}

	return name === 'conmon' || name === 'rootlessport'
		? ': podman holds the port; NAT rules (or rootlessport) forward it'
		: '';
}

/** The host side from the listeners check: docker-proxy (or nothing: NAT rules do the publishing). */
export function hostSide(
	facts: Facts,
	port: number,
	uid: number | undefined,
): string[] {
	if (!facts.listeners) {
		return [];
	}

	const listeners = facts.listeners.listeners.onPort(port);
	if (listeners.length === 0) {
		const nat = shellQuote([
			...sudoArgs(uid),
			'iptables',
			'-t',
			'nat',
			'-S',
			'DOCKER',
		]);
		return [
			`host: nothing listens on port ${port} (${facts.listeners.command}): no docker-proxy, so NAT rules publish it (dockerd --userland-proxy=false); see ${nat}`,
		];
	}

	return listeners.map(l => {
		const who = l.process
			? `${l.process.name} (pid ${l.process.pid})`
			: 'a process (owner hidden: not root)';
		return `host: ${who} listens on ${hostPort(l.address, port)}${role(l.process?.name)}`;
	});
}

/** What listens inside the container, or why it could not be read and the command to run by hand. */
export function insideLines(
	container: ContainerInfo,
	read: NetnsRead | undefined,
	uid: number | undefined,
): string[] {
	if (!read?.listeners) {
		return [
			`inside ${container.name}: could not read (${read?.why ?? 'not read'}); check by hand: ${nsenterCommand(container.pid, uid)}`,
		];
	}

	if (read.listeners.length === 0) {
		return [
			`inside ${container.name} (${read.source ?? ''}): nothing listens on any TCP port`,
		];
	}

	return [
		`inside ${container.name} (${read.source ?? ''}): listening on ${read.listeners.map(l => formatListener(l)).join(', ')}`,
	];
}
