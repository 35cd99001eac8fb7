/** Who probably meant to serve the port: the service known for it, ports a digit or two away, the port in its config. */
import type {
	ConfigLine,
	Facts,
	Listener,
	Listeners,
	ServiceConfigFacts,
} from '../../../tree/facts.js';
import type {Confidence} from '../../../tree/types.js';
import {
	portName,
	serviceForProcess,
	servicesForPort,
	type ServiceModule,
} from '../../../services/index.js';
import {describeListener, digitDistance} from '../address.js';
import {quote} from './common.js';

export type Candidate = {
	readonly listener: Listener;
	readonly confidence: Confidence;
	readonly reasons: readonly string[];
	readonly evidence: readonly string[];
	readonly score: number;
};

function portLineOf(
	config: ServiceConfigFacts | undefined,
	port: number,
): ConfigLine | undefined {
	return config?.lines.findLast(l => !l.commented && l.port === port);
}

type Draft = {
	reasons: string[];
	evidence: string[];
	confidence?: Confidence;
	score: number;
};

/** The owner is the service the port is known for (dev servers run anything: they do not count). */
function knownOwner(
	group: readonly Listener[],
	known: readonly ServiceModule[],
	port: number,
	draft: Draft,
): ServiceModule | undefined {
	const ownerService = group
		.map(l => (l.process ? serviceForProcess(l.process.name) : undefined))
		.find(Boolean);
	const service =
		ownerService?.syntax && known.some(s => s.id === ownerService.id)
			? ownerService
			: undefined;
	if (service) {
		draft.reasons.push(
			`${service.name} is what port ${portName(port)} is known for`,
		);
		draft.confidence = 'likely';
		draft.score += 10;
	}

	return service;
}

function nearby(port: number, otherPort: number, draft: Draft): void {
	const distance = digitDistance(port, otherPort);
	if (distance <= 2) {
		draft.reasons.push(
			`port ${otherPort} is ${distance === 1 ? 'one digit' : 'two digits'} away from ${port}`,
		);
		draft.confidence ??= 'possible';
		draft.score += 3 - distance;
	}
}

function configured(
	group: readonly Listener[],
	context: {
		readonly known: readonly ServiceModule[];
		readonly owner: ServiceModule | undefined;
		readonly facts: Facts;
		readonly otherPort: number;
	},
	draft: Draft,
): void {
	const {known, owner, facts, otherPort} = context;
	for (const service of known) {
		const line = portLineOf(
			facts.services?.configs.find(c => c.service === service.id),
			otherPort,
		);
		if (line && (owner?.id === service.id || !group.some(l => l.process))) {
			draft.reasons.push(`${service.name}'s config says port ${otherPort}`);
			draft.evidence.push(quote(line));
			draft.confidence = owner?.id === service.id ? 'confirmed' : 'likely';
			draft.score += 20;
		}
	}
}

export function candidateFor(
	group: readonly Listener[],
	port: number,
	facts: Facts,
): Candidate | undefined {
	const listener = group[0]!;
	const known = servicesForPort(port);
	const draft: Draft = {reasons: [], evidence: [], score: 0};
	const owner = knownOwner(group, known, port, draft);
	nearby(port, listener.port, draft);
	configured(group, {known, owner, facts, otherPort: listener.port}, draft);
	if (!draft.confidence) {
		return undefined;
	}

	return {
		listener,
		confidence: draft.confidence,
		reasons: draft.reasons,
		evidence: [
			`listening: ${group.map(l => describeListener(l)).join('; ')}`,
			...draft.evidence,
		],
		score: draft.score,
	};
}

/**
Which ports can be a digit or two away from `port`: the digit distance is at least the difference
in digit count, so ports with more than two digits more or fewer are not compared.
*/
function nearTo(port: number): (other: number) => boolean {
	const digits = String(port).length;
	const low = digits <= 3 ? 0 : 10 ** (digits - 3);
	const high = 10 ** (digits + 2);
	return other =>
		(Number.isSafeInteger(other) && other >= 0
			? other >= low && other < high
			: Math.abs(String(other).length - digits) <= 2) &&
		digitDistance(port, other) <= 2;
}

/**
The ports that can make a candidate (a superset; `candidateFor` decides): a digit or two away, set
in a config line of a service known for the port, or held by a process of such a service. The
other ports of a large inventory are passed over without building their listeners.
*/
function maybeCandidates(
	port: number,
	listeners: Listeners,
	facts: Facts,
): number[] {
	const known = servicesForPort(port);
	const configured = new Set(
		(facts.services?.configs ?? [])
			.filter(c => known.some(s => s.id === c.service))
			.flatMap(c => c.lines.map(l => l.port)),
	);
	// `knownOwner` names a service only when it has a config syntax and a process name maps to it.
	const owners = known
		.filter(s => s.syntax)
		.flatMap(s => s.processes.filter(name => serviceForProcess(name) === s));
	const held = new Set(listeners.named(owners).map(l => l.port));
	const near = nearTo(port);
	return listeners
		.ports()
		.filter(
			other =>
				other !== port &&
				(configured.has(other) || held.has(other) || near(other)),
		);
}

/** At most three candidates, best first; with a strong one, ports merely a digit or two away are noise. */
export function wrongPortCandidates(
	port: number,
	listeners: Listeners,
	facts: Facts,
): Candidate[] {
	const sorted = maybeCandidates(port, listeners, facts)
		.map(other => candidateFor(listeners.onPort(other), port, facts))
		.filter(c => c !== undefined)
		.toSorted(
			(a, b) =>
				b.score - a.score ||
				Math.abs(a.listener.port - port) - Math.abs(b.listener.port - port),
		);
	return sorted[0] && sorted[0].confidence !== 'possible'
		? sorted.filter(c => c.confidence !== 'possible').slice(0, 3)
		: sorted.slice(0, 3);
}
