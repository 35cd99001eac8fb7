import type {
	AddressProbe,
	ConfigLine,
	Facts,
	Listener,
	ServiceConfigFacts,
} from '../../tree/facts.js';
import {
	portName,
	serviceForProcess,
	servicesForPort,
	type ServiceDef,
} from '../../tree/services.js';
import type {Confidence, Finding, Fix} from '../../tree/types.js';
import {hostPort, isLoopback} from '../../net/address.js';
import type {CheckRun} from '../types.js';
import {readProcess} from '../proxy/process.js';
import {
	accepts,
	describeListener,
	digitDistance,
	familyOf,
	isLoopbackListener,
	isWildcard,
	plainAddress,
	unmapped,
} from './address.js';
import {devServerFix} from './dev-server.js';
import {bindFixes, restartCommand} from './fixes.js';

const bindKeys = new Set([
	'listen_addresses',
	'bind',
	'bind-address',
	'bind_address',
	'bindIp',
	'network.host',
	'network.bind_host',
	'listen',
	'Listen',
	'ListenAddress',
]);

/** The service config read for this listener's owner (by pid, else by service). */
function configFor(
	facts: Facts,
	listener: Listener | undefined,
	service: ServiceDef | undefined,
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

function quote(line: ConfigLine): string {
	if (line.line === 0) {
		return `${line.file}: ${line.text}`;
	}

	return `${line.file}:${line.line}: ${line.text}${line.commented ? '  (commented out: the built-in default applies)' : ''}`;
}

/** The line that decides where it listens: the active setting, else the commented default. */
function bindLineOf(
	config: ServiceConfigFacts | undefined,
	port?: number,
): ConfigLine | undefined {
	const lines =
		config?.lines.filter(l => bindKeys.has(l.key) && l.addresses) ?? [];
	const active = lines.filter(
		l =>
			!l.commented &&
			(port === undefined || l.port === undefined || l.port === port),
	);
	return (
		active.find(l => l.line === 0) ??
		active.at(-1) ??
		lines.findLast(l => l.commented)
	);
}

function portLineOf(
	config: ServiceConfigFacts | undefined,
	port: number,
): ConfigLine | undefined {
	return config?.lines.findLast(l => !l.commented && l.port === port);
}

/** Families a listener takes: "::" dual-stack takes both. */
function familiesOf(
	listener: Listener,
	bindv6only: boolean | undefined,
): Set<4 | 6> {
	const plain = plainAddress(listener.address);
	if (plain === '::') {
		return (listener.v6only ?? bindv6only ?? false)
			? new Set([6])
			: new Set([4, 6]);
	}

	return new Set([familyOf(listener.address)]);
}

function serviceOf(
	listener: Listener | undefined,
	port: number,
): ServiceDef | undefined {
	const name = listener?.process?.name;
	return (
		(name ? serviceForProcess(name) : undefined) ?? servicesForPort(port)[0]
	);
}

function ownerName(listener: Listener | undefined): string {
	return listener?.process
		? `${listener.process.name} (pid ${listener.process.pid})`
		: 'a process (owner hidden: not root)';
}

type Candidate = {
	listener: Listener;
	confidence: Confidence;
	reasons: string[];
	evidence: string[];
	score: number;
};

/** Who probably meant to serve the port: the service known for it, ports a digit or two away, the port in its config. */
function wrongPortCandidates(
	port: number,
	listeners: readonly Listener[],
	facts: Facts,
): Candidate[] {
	const known = servicesForPort(port);
	const byPort = new Map<number, Listener[]>();
	for (const listener of listeners) {
		if (listener.port !== port) {
			byPort.set(listener.port, [
				...(byPort.get(listener.port) ?? []),
				listener,
			]);
		}
	}

	const candidates: Candidate[] = [];
	for (const [otherPort, group] of byPort) {
		const listener = group[0]!;
		const reasons: string[] = [];
		const evidence: string[] = [];
		let confidence: Confidence | undefined;
		let score = 0;
		const ownerService = group
			.map(l => (l.process ? serviceForProcess(l.process.name) : undefined))
			.find(Boolean);
		// Dev servers (node, python, java) run anything: only real services count as "known for the port".
		const knownService =
			ownerService?.syntax && known.some(s => s.id === ownerService.id)
				? ownerService
				: undefined;
		if (knownService) {
			reasons.push(
				`${knownService.name} is what port ${portName(port)} is known for`,
			);
			confidence = 'likely';
			score += 10;
		}

		const distance = digitDistance(port, otherPort);
		if (distance <= 2) {
			reasons.push(
				`port ${otherPort} is ${distance === 1 ? 'one digit' : 'two digits'} away from ${port}`,
			);
			confidence ??= 'possible';
			score += 3 - distance;
		}

		for (const service of known) {
			const config = facts.services?.configs.find(
				c => c.service === service.id,
			);
			const line = portLineOf(config, otherPort);
			if (
				line &&
				(knownService?.id === service.id || !group.some(l => l.process))
			) {
				reasons.push(`${service.name}'s config says port ${otherPort}`);
				evidence.push(quote(line));
				confidence = knownService?.id === service.id ? 'confirmed' : 'likely';
				score += 20;
			}
		}

		if (confidence) {
			candidates.push({
				listener,
				confidence,
				reasons,
				evidence: [
					`listening: ${group.map(l => describeListener(l)).join('; ')}`,
					...evidence,
				],
				score,
			});
		}
	}

	const sorted = candidates.toSorted(
		(a, b) =>
			b.score - a.score ||
			Math.abs(a.listener.port - port) - Math.abs(b.listener.port - port),
	);
	// With a strong candidate, ports that are merely a digit or two away are noise.
	return sorted[0] && sorted[0].confidence !== 'possible'
		? sorted.filter(c => c.confidence !== 'possible').slice(0, 3)
		: sorted.slice(0, 3);
}

function probeLine(probe: AddressProbe, port: number): string {
	return `connect ${hostPort(probe.address, port)}: ${probe.outcome} (${probe.code}) in ${probe.ms} ms`;
}

/** Compare the listeners on the target port with the addresses dialed: name why the kernel refused. */
export const bind: CheckRun = async ({target, facts, io}) => {
	const {port} = target;
	const inventory = facts.listeners;
	if (!inventory) {
		return {
			status: 'unknown',
			detail:
				'the listeners could not be read, so the bind cannot be compared. Check by hand: sudo ss -ltnp',
			command: 'sudo ss -ltnp',
		};
	}

	const localTargets = new Set(facts.local?.localTargets);
	const failing = (facts.probe?.addresses ?? []).filter(
		a => a.outcome !== 'open' && localTargets.has(a.address),
	);
	const dialed =
		failing.length > 0
			? failing
			: (facts.probe?.addresses ?? []).filter(a => localTargets.has(a.address));
	const onPort = inventory.listeners.filter(l => l.port === port);
	const source = inventory.source === 'ss' ? 'ss -Htlnpe' : inventory.command;
	const listenLines = onPort.map(l => `${source}: ${describeListener(l)}`);
	const findings: Finding[] = [];
	const output: string[] = [];

	if (onPort.length === 0) {
		const candidates = wrongPortCandidates(port, inventory.listeners, facts);
		const best = candidates[0];
		const known = servicesForPort(port);
		const probes = dialed.map(p => probeLine(p, port));
		const nothing = `${source}: no socket listens on port ${port} (${inventory.listeners.length} TCP listener${inventory.listeners.length === 1 ? '' : 's'} on this host)`;
		output.push(nothing, ...probes);
		if (best) {
			const service = serviceOf(best.listener, port);
			const config = configFor(facts, best.listener, service);
			const otherPort = best.listener.port;
			const address = dialed[0]?.address ?? target.host;
			const reachable = accepts(best.listener, address, inventory.bindv6only);
			const caveat = reachable
				? ''
				: ` Note: it listens on ${hostPort(best.listener.address, otherPort)} only, so ${hostPort(address, otherPort)} would be refused too: it must also listen on ${address}.`;
			const fixes: Fix[] = [
				{
					command: `${hostPort(reachable ? address : best.listener.address.replace(/%.*/, ''), otherPort)}  (instead of ${hostPort(address, port)})`,
					why: `Point the client at port ${otherPort}, where ${ownerName(best.listener)} listens (connection string, PORT variable, config).${caveat}`,
				},
			];
			const portLine = config?.lines.findLast(
				l => !l.commented && l.port === otherPort,
			);
			if (service?.syntax && portLine) {
				fixes.push(
					{
						command: `${portLine.line === 0 ? portLine.file : `${portLine.file}:${portLine.line}`}: ${service.setPort(port)}`,
						why: `Or move ${service.name} to port ${port}, where clients expect it (now: ${portLine.text}).`,
					},
					{
						command: restartCommand(service, config, facts),
						why: `${service.name} reads its port only at start.`,
					},
				);
			}

			findings.push({
				id: 'wrong-port',
				confidence: best.confidence,
				summary: `Nothing listens on port ${port}, but ${ownerName(best.listener)} listens on ${hostPort(best.listener.address, otherPort)}: ${best.reasons.join('; ')}.${caveat}`,
				evidence: [
					nothing,
					...best.evidence,
					...candidates
						.slice(1)
						.map(
							c =>
								`also: ${describeListener(c.listener)} (${c.reasons.join('; ')})`,
						),
					...probes,
				],
				fixes,
			});
			output.push(
				...candidates.map(
					c =>
						`candidate (${c.confidence}): ${describeListener(c.listener)}: ${c.reasons.join('; ')}`,
				),
			);
		}

		const strongCandidate = best && best.confidence !== 'possible';
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
					facts.services?.configs.find(c => c.service === service.id),
					facts,
				),
				why: `Start ${service.name} (${knownLine}); if it fails, its log says why (the next step reads it).`,
			}));
		findings.push({
			id: 'no-listener',
			confidence: strongCandidate ? 'likely' : 'confirmed',
			summary: `Nothing listens on port ${port} on any address of this host, so the kernel answers every connection with a reset${known.length > 0 ? ` (${knownLine})` : ''}.`,
			evidence: [nothing, ...probes],
			fixes: [
				...startFixes,
				{
					command: 'sudo ss -ltnp',
					why: 'Every listening socket with its process: is the service up on another port or address?',
				},
			],
		});
		return {
			status: 'problem',
			detail: best
				? `nothing listens on port ${port}; ${ownerName(best.listener)} listens on ${best.listener.port} (${best.confidence})`
				: `nothing listens on port ${port} on any address`,
			output,
			findings,
		};
	}

	const bindv6only = inventory.bindv6only;
	const unanswered = dialed.filter(
		p => !onPort.some(l => accepts(l, p.address, bindv6only)),
	);
	if (unanswered.length === 0) {
		return {
			status: 'passed',
			detail: `${onPort.map(l => describeListener(l, {short: true})).join(', ')} ${onPort.length === 1 ? 'takes' : 'take'} connections to ${dialed.map(p => p.address).join(', ') || target.host}: the bind is not the problem${
				failing.some(p => p.outcome === 'refused')
					? ' (a refusal despite a listener points at a firewall REJECT rule)'
					: failing.length > 0
						? ' (packets are dropped before they reach it: a firewall DROP rule)'
						: ''
			}`,
			output: listenLines,
		};
	}

	const probe = unanswered[0]!;
	const address = unmapped(probe.address);
	const owner = onPort.find(l => l.process) ?? onPort[0]!;
	const service = serviceOf(owner, port);
	const config = configFor(facts, owner, service);
	const bindLine = bindLineOf(config, port);
	const configEvidence = bindLine ? [quote(bindLine)] : [];
	const restEvidence = [
		...unanswered.map(p => probeLine(p, port)),
		...(config && !bindLine ? config.problems : []),
		...(config && !bindLine && config.files.length > 0
			? [
					`${config.files.join(', ')}: no line sets the address (the built-in default applies: ${service?.defaultAddresses.join(', ') ?? '?'})`,
				]
			: []),
	];
	const where = onPort.map(l => hostPort(l.address, l.port)).join(', ');
	const argv =
		owner.process && !service?.syntax
			? ((await readProcess(io, owner.process.pid))?.argv ?? [])
			: [];
	const devFix = (listenOn: string) =>
		service && !service.syntax
			? devServerFix(
					argv,
					port,
					service.exposure,
					listenOn.includes(':') ? '::' : '0.0.0.0',
				)
			: undefined;
	const fixesFor = (listenOn: string) =>
		devFix(listenOn)
			? [devFix(listenOn)!]
			: service
				? bindFixes(service, config, bindLine, listenOn, port, facts)
				: [
						{
							command: `listen on ${hostPort(listenOn, port)} (or 0.0.0.0 / ::)`,
							why: 'Make the server listen on the address clients dial.',
						},
					];

	let finding: Finding;
	if (onPort.every(l => isLoopbackListener(l)) && !isLoopback(address)) {
		finding = {
			id: 'loopback-only',
			confidence: 'confirmed',
			summary: `${ownerName(owner)} listens on ${where} only (loopback); ${hostPort(address, port)} is another address of this host, so connections to it are refused.`,
			evidence: [...listenLines, ...configEvidence, ...restEvidence],
			fixes: fixesFor(address),
		};
	} else if (
		onPort.every(l => !familiesOf(l, bindv6only).has(familyOf(address)))
	) {
		const has = onPort.some(l => familiesOf(l, bindv6only).has(6))
			? 'IPv6'
			: 'IPv4';
		const wanted = familyOf(address) === 6 ? 'IPv6' : 'IPv4';
		const v6onlyNote = onPort.some(
			l => plainAddress(l.address) === '::' && l.v6only,
		)
			? [
					`the :: socket is IPv6-only (IPV6_V6ONLY set by the program${bindv6only === undefined ? '' : `; net.ipv6.bindv6only=${bindv6only ? 1 : 0}`})`,
				]
			: [];
		const other =
			inventory.listeners.length > 0
				? onPort.find(l => !isWildcard(l.address))
				: undefined;
		finding = {
			id: 'address-family-mismatch',
			confidence: 'confirmed',
			summary: `${ownerName(owner)} listens on ${where}: ${has} only, and ${hostPort(address, port)} is ${wanted}, so it is refused.`,
			evidence: [
				...listenLines,
				...v6onlyNote,
				...configEvidence,
				...restEvidence,
			],
			fixes: [
				...fixesFor(address),
				...(service?.id === 'nginx' &&
				onPort.some(l => plainAddress(l.address) === '::')
					? [
							{
								command: `listen [::]:${port} ipv6only=off;`,
								why: 'Or one dual-stack socket for both families (nginx).',
							},
						]
					: []),
				{
					command: `${hostPort(other?.address ?? (has === 'IPv6' ? '::1' : '127.0.0.1'), port)}`,
					why: `Or dial an ${has} address the server listens on.`,
				},
			],
		};
	} else {
		finding = {
			id: 'bound-elsewhere',
			confidence: 'confirmed',
			summary: `${ownerName(owner)} listens on ${where} only, not on ${hostPort(address, port)}, so connections to that address are refused.`,
			evidence: [...listenLines, ...configEvidence, ...restEvidence],
			fixes: [
				...fixesFor(address),
				{
					command: hostPort(onPort[0]!.address.replace(/%.*/, ''), port),
					why: 'Or dial the address it listens on.',
				},
			],
		};
	}

	findings.push(finding);
	return {
		status: 'problem',
		detail: finding.summary,
		output: [...listenLines, ...configEvidence],
		findings,
	};
};
