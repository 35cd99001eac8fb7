/** Nothing listens on the port: no-listener, and wrong-port when another listener is probably the one meant. */
import {sudoPrefix} from '../../../text/sanitize.js';
import type {AddressProbe, ListenerFacts} from '../../../tree/facts.js';
import type {CheckResult, Finding, Fix} from '../../../tree/types.js';
import {hostPort} from '../../../net/address.js';
import {portName, servicesForPort} from '../../../services/index.js';
import type {JudgeInput} from '../../define.js';
import {accepts, describeListener} from '../address.js';
import {placeOf, restartCommand} from '../fixes.js';
import {
	configFor,
	hostKind,
	ownerName,
	probeLine,
	serviceOf,
} from './common.js';
import {wrongPortCandidates, type Candidate} from './wrong-port.js';

type Scene = {
	readonly input: JudgeInput;
	readonly inventory: ListenerFacts;
	readonly dialed: readonly AddressProbe[];
	/** "ss -Htlnpe: no socket listens on port P (N TCP listeners on this host)". */
	readonly nothing: string;
	readonly probes: readonly string[];
};

function wrongPortFixes(scene: Scene, best: Candidate): Fix[] {
	const {input} = scene;
	const {port} = input.target;
	const service = serviceOf(best.listener, port);
	const config = configFor(input.facts, best.listener, service);
	const otherPort = best.listener.port;
	const portLine = config?.lines.findLast(
		l => !l.commented && l.port === otherPort,
	);
	if (!service?.syntax || !portLine) {
		return [];
	}

	return [
		{
			command: `${placeOf(portLine)}: ${service.syntax.setPort(port)}`,
			why: `Or move ${service.name} to port ${port}, where clients expect it (now: ${portLine.text}).`,
		},
		{
			command: restartCommand(service, config, hostKind(input)),
			why: `${service.name} reads its port only at start.`,
		},
	];
}

function wrongPort(scene: Scene, candidates: readonly Candidate[]): Finding {
	const {input, inventory, dialed} = scene;
	const {port} = input.target;
	const best = candidates[0]!;
	const otherPort = best.listener.port;
	const address = dialed[0]?.address ?? input.target.host;
	const reachable = accepts(best.listener, address, inventory.bindv6only);
	const caveat = reachable
		? ''
		: ` Note: it listens on ${hostPort(best.listener.address, otherPort)} only, so ${hostPort(address, otherPort)} would be refused too: it must also listen on ${address}.`;
	return {
		id: 'wrong-port',
		confidence: best.confidence,
		summary: `Nothing listens on port ${port}, but ${ownerName(best.listener)} listens on ${hostPort(best.listener.address, otherPort)}: ${best.reasons.join('; ')}.${caveat}`,
		evidence: [
			scene.nothing,
			...best.evidence,
			...candidates
				.slice(1)
				.map(
					c =>
						`also: ${describeListener(c.listener)} (${c.reasons.join('; ')})`,
				),
			...scene.probes,
		],
		fixes: [
			{
				command: `${hostPort(reachable ? address : best.listener.address.replace(/%.*/, ''), otherPort)}  (instead of ${hostPort(address, port)})`,
				why: `Point the client at port ${otherPort}, where ${ownerName(best.listener)} listens (connection string, PORT variable, config).${caveat}`,
			},
			...wrongPortFixes(scene, best),
		],
	};
}

function noListener(scene: Scene, strongCandidate: boolean): Finding {
	const {input, inventory} = scene;
	const {port} = input.target;
	const known = servicesForPort(port);
	const knownLine =
		known.length > 0
			? `port ${portName(port)} is usually ${known.map(s => s.name).join(' or ')}`
			: `port ${portName(port)}`;
	const startFixes: Fix[] = known
		.filter(s => s.syntax)
		.slice(0, 1)
		.map(service => ({
			command: restartCommand(
				service,
				input.facts.services?.configs.find(c => c.service === service.id),
				hostKind(input),
			),
			why: `Start ${service.name} (${knownLine}); if it fails, its log says why (the next step reads it).`,
		}));
	const damaged = inventory.unreadable ?? [];
	const sure = !strongCandidate && damaged.length === 0;
	return {
		id: 'no-listener',
		confidence: sure ? 'confirmed' : 'likely',
		summary: `Nothing listens on port ${port} on any address of this host, so the kernel answers every connection with a reset${known.length > 0 ? ` (${knownLine})` : ''}.${damaged.length > 0 ? ' Part of the listener list could not be read, so this is likely, not certain.' : ''}`,
		evidence: [
			scene.nothing,
			...damaged.map(d => `could not be read: ${d}`),
			...scene.probes,
		],
		fixes: [
			...startFixes,
			{
				command: `${sudoPrefix(input.uid)}ss -ltnp`,
				why: 'Every listening socket with its process: is the service up on another port or address?',
			},
		],
	};
}

export function judgeNothingOnPort(
	input: JudgeInput,
	inventory: ListenerFacts,
	dialed: readonly AddressProbe[],
): CheckResult {
	const {port} = input.target;
	const source = inventory.source === 'ss' ? 'ss -Htlnpe' : inventory.command;
	const count = inventory.listeners.count;
	const scene: Scene = {
		input,
		inventory,
		dialed,
		nothing: `${source}: no socket listens on port ${port} (${count} TCP listener${count === 1 ? '' : 's'} on this host)`,
		probes: dialed.map(p => probeLine(p, port)),
	};
	const candidates = wrongPortCandidates(
		port,
		inventory.listeners,
		input.facts,
	);
	const best = candidates[0];
	const findings = [
		...(best ? [wrongPort(scene, candidates)] : []),
		noListener(scene, best !== undefined && best.confidence !== 'possible'),
	];
	return {
		status: 'problem',
		detail: best
			? `nothing listens on port ${port}; ${ownerName(best.listener)} listens on ${best.listener.port} (${best.confidence})`
			: `nothing listens on port ${port} on any address`,
		output: [
			scene.nothing,
			...scene.probes,
			...candidates.map(
				c =>
					`candidate (${c.confidence}): ${describeListener(c.listener)}: ${c.reasons.join('; ')}`,
			),
		],
		findings,
	};
}
