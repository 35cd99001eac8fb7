/** Pieces the bind judge and its explanations share (pure). */
import type {
	AddressProbe,
	ConfigLine,
	Facts,
	Listener,
	ServiceConfigFacts,
} from '../../../tree/facts.js';
import {hostPort} from '../../../net/address.js';
import {
	serviceForProcess,
	servicesForPort,
	type ServiceModule,
} from '../../../services/index.js';
import type {JudgeInput} from '../../define.js';
import type {HostKind} from '../fixes.js';

/** The service config read for this listener's owner (by pid, else by service). */
export function configFor(
	facts: Facts,
	listener: Listener | undefined,
	service: ServiceModule | undefined,
): ServiceConfigFacts | undefined {
	const configs = facts.services?.configs ?? [];
	const pids = new Set(
		(listener?.processes ?? (listener?.process ? [listener.process] : [])).map(
			p => p.pid,
		),
	);
	return (
		configs.find(c => c.pid !== undefined && pids.has(c.pid)) ??
		(service ? configs.find(c => c.service === service.id) : undefined)
	);
}

/**
A config read from the distribution's default path (the command line named none) may not be the
one the running server read: when it sets a port the server does not listen on, it is not used,
and the evidence says why. Undefined: nothing speaks against it.
*/
export function notInUse(
	config: ServiceConfigFacts,
	service: ServiceModule | undefined,
	listeners: readonly Listener[],
): string | undefined {
	const named = config.argv
		? (service?.syntax?.configFiles(config.argv).files ?? [])
		: [];
	if (
		named.length > 0 ||
		config.port === undefined ||
		listeners.some(l => l.port === config.port)
	) {
		return undefined;
	}

	const owner = listeners.find(l => l.process)?.process?.name ?? 'the server';
	return `${config.files[0] ?? 'its default config'} says port ${config.port}, but ${owner} listens on ${[...new Set(listeners.map(l => l.port))].join(', ')}: it did not read that file (its command line names no config file), so the file it runs with is not known`;
}

/** A config line as evidence: "file:line: text". */
export function quote(line: ConfigLine): string {
	if (line.line === 0) {
		return `${line.file}: ${line.text}`;
	}

	return `${line.file}:${line.line}: ${line.text}${line.commented ? '  (commented out: the built-in default applies)' : ''}`;
}

/** The service of a listener's owner, else the one the port is known for. */
export function serviceOf(
	listener: Listener | undefined,
	port: number,
): ServiceModule | undefined {
	const name = listener?.process?.name;
	return (
		(name ? serviceForProcess(name) : undefined) ?? servicesForPort(port)[0]
	);
}

export function ownerName(listener: Listener | undefined): string {
	return listener?.process
		? `${listener.process.name} (pid ${listener.process.pid})`
		: 'a process (owner hidden: not root)';
}

export function probeLine(probe: AddressProbe, port: number): string {
	return `connect ${hostPort(probe.address, port)}: ${probe.outcome} (${probe.code}) in ${probe.ms} ms`;
}

export function hostKind(input: JudgeInput): HostKind {
	return {
		systemd: input.facts.environment?.systemd ?? false,
		root: input.uid === 0,
	};
}

/** The local addresses dialed: those that failed, else all of them. */
export function dialedAddresses(facts: Facts): {
	readonly dialed: readonly AddressProbe[];
	readonly failing: readonly AddressProbe[];
} {
	const localTargets = new Set(facts.local?.localTargets);
	const local = (facts.probe?.addresses ?? []).filter(a =>
		localTargets.has(a.address),
	);
	const failing = local.filter(a => a.outcome !== 'open');
	return {dialed: failing.length > 0 ? failing : local, failing};
}
