/**
The container chain, as pure functions: host port → publishing (docker-proxy or NAT) → container
port → the app's bind inside the container's network namespace. No I/O here: the checks read, these
decide (and build the findings and fixes, for this container).
*/
import {shellQuote} from '../../text/sanitize.js';
import {formatBinding} from '../../parsers/docker-inspect.js';
import {formatListener} from '../../parsers/docker-netns.js';
import {isLoopback} from '../../net/address.js';
import type {
	AddressProbe,
	ContainerFacts,
	ContainerInfo,
	ContainerMatch,
	ContainerPortBinding,
	Facts,
	NetnsListener,
} from '../../tree/facts.js';
import type {CheckResult, Finding, Fix} from '../../tree/types.js';

/** What was read inside one container: its listeners, or why they could not be read. */
export type NetnsRead = {
	readonly listeners?: readonly NetnsListener[];
	/** The files read, or the command to run by hand. */
	readonly source: string;
	readonly why?: string;
};

export type DiagnoseInput = {
	readonly port: number;
	readonly facts: Facts;
	readonly containers: readonly ContainerInfo[];
	readonly netns: ReadonlyMap<string, NetnsRead>;
};

// --- small helpers --------------------------------------------------------------------------------

/** "docker inspect" or "podman inspect": where the container facts came from. */
export function inspectOf(facts: Facts): string {
	return `${facts.containers?.cli ?? 'docker'} inspect`;
}

/** The CLI as the user should type it ("docker", "docker -H unix:///run/podman/podman.sock"). */
export function cliOf(containers: ContainerFacts | undefined): string {
	return shellQuote([
		containers?.cli ?? 'docker',
		...(containers?.hostArgs ?? []),
	]);
}

/** The host port of a mapping as `docker run -p` takes it. */
export function publishFlag(
	binding: Pick<ContainerPortBinding, 'hostIp' | 'hostPort'>,
	containerPort: number,
): string {
	const ip =
		binding.hostIp === '' || binding.hostIp === '0.0.0.0'
			? ''
			: binding.hostIp.includes(':')
				? `[${binding.hostIp}]:`
				: `${binding.hostIp}:`;
	return `${ip}${binding.hostPort}:${containerPort}`;
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
		return !address.includes(':') || address.startsWith('::ffff:');
	}

	if (binding.hostIp === '::') {
		return address.includes(':');
	}

	return binding.hostIp === address;
}

function composeUp(container: ContainerInfo, cli: string): string | undefined {
	const compose = container.compose;
	if (!compose) {
		return undefined;
	}

	const files = (compose.configFiles ?? '').split(',').filter(Boolean);
	return shellQuote([
		...cli.split(' '),
		'compose',
		...(compose.workingDir ? ['--project-directory', compose.workingDir] : []),
		...files.flatMap(file => ['-f', file]),
		'up',
		'-d',
		compose.service,
	]);
}

function composeFile(container: ContainerInfo): string {
	const compose = container.compose;
	return (
		compose?.configFiles?.split(',')[0] ??
		`${compose?.workingDir ?? '.'}/compose.yaml`
	);
}

/** The `docker run` that recreates this container with new -p flags (and maybe a new command). */
function rerun(
	container: ContainerInfo,
	cli: string,
	publish: readonly string[],
	cmd?: readonly string[],
): string {
	return shellQuote([
		...cli.split(' '),
		'run',
		'-d',
		'--name',
		container.name,
		...publish.flatMap(flag => ['-p', flag]),
		container.image,
		...(cmd ?? container.cmd),
	]);
}

/** Publish flags of the container as they are, with one changed or added. */
function publishFlags(
	container: ContainerInfo,
	change?: {readonly from?: ContainerPortBinding; readonly to: string},
): string[] {
	const seen = new Set<string>();
	const flags: string[] = [];
	for (const binding of container.portBindings) {
		const changed =
			change?.from?.hostPort === binding.hostPort &&
			change.from.containerPort === binding.containerPort;
		const flag = changed
			? change.to
			: publishFlag(binding, binding.containerPort);
		if (!seen.has(flag)) {
			seen.add(flag);
			flags.push(flag);
		}
	}

	if (change && !change.from && !seen.has(change.to)) {
		flags.push(change.to);
	}

	return flags;
}

const recreateWhy = (container: ContainerInfo, cli: string) =>
	`A container's command and port mappings cannot change once it exists: remove it first (${cli} rm -f ${container.name}) and repeat its other run options (environment, volumes, network).`;

function describeProbe(probe: AddressProbe): string {
	if (probe.closedAfterAccept) {
		return `${probe.address}:${'{port}'} accepted the connection, then closed it at once without a byte (the probe): docker-proxy's signature when it cannot reach the app inside`;
	}

	return `${probe.address}:${'{port}'}: ${probe.outcome} (${probe.code}) (the probe)`;
}

function probeLines(facts: Facts, port: number): string[] {
	return (facts.probe?.addresses ?? []).map(probe =>
		describeProbe(probe).replace('{port}', String(port)),
	);
}

/** The host side from the listeners check: docker-proxy (or nothing: NAT rules do the publishing). */
function hostSide(facts: Facts, port: number): string[] {
	if (!facts.listeners) {
		return [];
	}

	const listeners = facts.listeners.listeners.filter(l => l.port === port);
	if (listeners.length === 0) {
		return [
			`host: nothing listens on port ${port} (${facts.listeners.command}): no docker-proxy, so NAT rules publish it (dockerd --userland-proxy=false); see sudo iptables -t nat -S DOCKER`,
		];
	}

	return listeners.map(l => {
		const who = l.process
			? `${l.process.name} (pid ${l.process.pid})`
			: 'a process (owner hidden: not root)';
		const address = l.family === 6 ? `[${l.address}]` : l.address;
		const role =
			l.process?.name === 'docker-proxy'
				? ': the host side of the mapping'
				: l.process?.name === 'conmon' || l.process?.name === 'rootlessport'
					? ': podman holds the port; NAT rules (or rootlessport) forward it'
					: '';
		return `host: ${who} listens on ${address}:${port}${role}`;
	});
}

function insideLines(
	container: ContainerInfo,
	read: NetnsRead | undefined,
): string[] {
	if (!read?.listeners) {
		return [
			`inside ${container.name}: could not read (${read?.why ?? 'not read'}); check by hand: ${read?.source ?? `sudo nsenter -t ${container.pid} -n ss -Htln`}`,
		];
	}

	if (read.listeners.length === 0) {
		return [
			`inside ${container.name} (${read.source}): nothing listens on any TCP port`,
		];
	}

	return [
		`inside ${container.name} (${read.source}): listening on ${read.listeners.map(l => formatListener(l)).join(', ')}`,
	];
}

/** A setting in the container's command or environment that pins the app to loopback. */
function loopbackSetting(
	container: ContainerInfo,
): {readonly cmd?: string[]; readonly env?: string} | undefined {
	const pattern = /\b(?:127\.0\.0\.1|localhost)\b/;
	if (container.cmd.some(argument => pattern.test(argument))) {
		return {
			cmd: container.cmd.map(argument =>
				argument.replaceAll(/\b(?:127\.0\.0\.1|localhost)\b/g, '0.0.0.0'),
			),
		};
	}

	const variable = container.env.find(
		entry =>
			/^\w*(?:host|bind|addr|address|listen)\w*=/i.test(entry) &&
			pattern.test(entry.slice(entry.indexOf('=') + 1)),
	);
	return variable ? {env: variable} : undefined;
}

function bindFixes(
	container: ContainerInfo,
	cli: string,
	containerPort: number,
): Fix[] {
	const setting = loopbackSetting(container);
	const fixes: Fix[] = [];
	if (container.compose) {
		fixes.push({
			command: `In ${composeFile(container)}, service ${container.compose.service}: make the app listen on 0.0.0.0:${containerPort} (its command or environment), then: ${composeUp(container, cli)!}`,
			why: "Inside the container 127.0.0.1 is the container's own loopback: Docker forwards to the container's bridge address, which only 0.0.0.0 (or that address) accepts. Compose recreates the container with the change.",
		});
	}

	if (setting?.cmd) {
		fixes.push({
			command: rerun(container, cli, publishFlags(container), setting.cmd),
			why: `The container's command pins the app to loopback (${shellQuote(container.cmd)}); this runs it on 0.0.0.0 instead. ${recreateWhy(container, cli)}`,
		});
	} else if (setting?.env) {
		const key = setting.env.slice(0, setting.env.indexOf('='));
		const value = setting.env
			.slice(key.length + 1)
			.replaceAll(/\b(?:127\.0\.0\.1|localhost)\b/g, '0.0.0.0');
		fixes.push({
			command: shellQuote([
				...cli.split(' '),
				'run',
				'-d',
				'--name',
				container.name,
				...publishFlags(container).flatMap(f => ['-p', f]),
				'-e',
				`${key}=${value}`,
				container.image,
				...container.cmd,
			]),
			why: `The container's environment pins the app to loopback (${setting.env}); this sets it to 0.0.0.0. ${recreateWhy(container, cli)}`,
		});
	} else {
		fixes.push({
			command: `Set the app's listen address to 0.0.0.0:${containerPort} in ${container.name} (${container.image}), e.g. --host 0.0.0.0, HOST=0.0.0.0, bind 0.0.0.0, server.address=0.0.0.0`,
			why: "Inside the container 127.0.0.1 is the container's own loopback; docker-proxy and NAT reach the app on the container's bridge address, which only 0.0.0.0 (or that address) accepts.",
		});
	}

	return fixes;
}

function publishFixes(
	container: ContainerInfo,
	cli: string,
	flag: string,
	from?: ContainerPortBinding,
): Fix[] {
	const fixes: Fix[] = [];
	if (container.compose) {
		fixes.push({
			command: `In ${composeFile(container)}, service ${container.compose.service}: ports: ["${flag}"], then: ${composeUp(container, cli)!}`,
			why: '`ports:` publishes on the host (`expose:` does not); compose recreates the container with the new mapping.',
		});
	}

	fixes.push({
		command: rerun(container, cli, publishFlags(container, {from, to: flag})),
		why: recreateWhy(container, cli),
	});
	return fixes;
}

function matchFacts(
	facts: Facts,
	container: ContainerInfo,
	match: ContainerMatch,
): Facts {
	const containers: ContainerFacts = facts.containers ?? {readable: true};
	return {
		containers: {
			...containers,
			container: {
				name: container.name,
				id: container.id,
				state: container.state,
			},
			match,
		},
	};
}

// --- the diagnosis --------------------------------------------------------------------------------

/** A running container publishes the port: follow the mapping inside. */
function published(
	input: DiagnoseInput,
	container: ContainerInfo,
	bindings: ContainerPortBinding[],
): CheckResult {
	const {port, facts} = input;
	const cli = cliOf(facts.containers);
	const read = input.netns.get(container.id);
	const probes = facts.probe?.addresses ?? [];
	const mapping = bindings.map(b => formatBinding(b)).join(', ');
	const target = container.addresses
		.map(a => (a.includes(':') ? `[${a}]` : a))
		.map(a => `${a}:${bindings[0]!.containerPort}`);
	const head = [
		`${container.name} (${container.image}) publishes ${mapping} (${inspectOf(facts)})`,
		...(target.length > 0
			? [
					`container side: ${target.join(', ')} (${container.name}'s own address: docker-proxy or the NAT rule forwards there, not to its 127.0.0.1)`,
				]
			: []),
		...hostSide(facts, port),
		...probeLines(facts, port),
	];
	const first = bindings[0]!;
	const containerPort = first.containerPort;
	const findings: Finding[] = [];
	const match: ContainerMatch = {
		kind: 'published',
		id: container.id,
		name: container.name,
		binding: first,
		...(read?.listeners ? {listeners: read.listeners} : {}),
		source: read?.source ?? '',
	};

	// Published, but not on the address the client dials (127.0.0.1 only, while the target is another address).
	const uncovered = probes.filter(
		p =>
			p.outcome !== 'open' &&
			!bindings.some(b => covers(b, p.address)) &&
			!isLoopback(p.address),
	);
	if (
		uncovered.length > 0 &&
		uncovered.length === probes.filter(p => !isLoopback(p.address)).length
	) {
		const address = uncovered[0]!.address;
		findings.push({
			id: 'container-not-published',
			confidence: 'confirmed',
			summary: `${container.name} publishes port ${port} only on ${bindings.map(b => b.hostIp || '0.0.0.0').join(', ')}; ${address} is not among them, so clients from other machines are refused.`,
			evidence: [...head, ...insideLines(container, read)],
			fixes: publishFixes(
				container,
				cli,
				publishFlag({hostIp: '', hostPort: port}, containerPort),
				first,
			).map(fix => ({
				...fix,
				why: `${fix.why} Publishing on every address exposes the port to the network: only do it when remote access is wanted (and firewall it).`,
			})),
		});
	}

	const closed = probes.filter(p => p.closedAfterAccept);
	const lines = [...head, ...insideLines(container, read)];
	const output = lines;
	if (!read?.listeners) {
		if (closed.length > 0) {
			findings.push(
				{
					id: 'container-loopback-bind',
					confidence: 'likely',
					summary: `Port ${port} is accepted and then dropped: docker-proxy cannot reach the app in ${container.name} on port ${containerPort}. Most often the app binds 127.0.0.1 inside the container (its namespace could not be read to confirm).`,
					evidence: lines,
					fixes: bindFixes(container, cli, containerPort),
				},
				{
					id: 'wrong-port',
					confidence: 'possible',
					summary: `Or the app in ${container.name} listens on another port than ${containerPort}, the container side of the mapping.`,
					evidence: lines,
					fixes: [
						{
							command: `sudo nsenter -t ${container.pid} -n ss -Htln`,
							why: 'Shows the port the app really listens on inside the container; publish that one.',
						},
					],
				},
			);
		}

		return {
			status: findings.length > 0 ? 'problem' : 'unknown',
			detail: `${container.name} publishes ${mapping}, but what listens inside could not be read (${read?.why ?? 'not read'}). Check by hand: ${read?.source ?? `sudo nsenter -t ${container.pid} -n ss -Htln`}`,
			output,
			facts: matchFacts(facts, container, match),
			findings,
		};
	}

	const onPort = read.listeners.filter(l => l.port === containerPort);
	const reachable = onPort.filter(l => !isLoopback(l.address));
	if (reachable.length > 0) {
		return {
			status: findings.length > 0 ? 'problem' : 'passed',
			detail: `${container.name} publishes ${mapping} and the app listens on ${reachable.map(l => formatListener(l)).join(', ')} inside: the chain is intact.`,
			output,
			facts: matchFacts(facts, container, match),
			findings,
		};
	}

	if (onPort.length > 0) {
		findings.push({
			id: 'container-loopback-bind',
			confidence: 'confirmed',
			summary: `The app in ${container.name} listens on ${onPort.map(l => formatListener(l)).join(', ')} inside the container only, so the published port ${port} cannot reach it${closed.length > 0 ? ': docker-proxy accepts and then drops every connection' : ''}.`,
			evidence: lines,
			fixes: bindFixes(container, cli, containerPort),
		});
		return {
			status: 'problem',
			detail: `${container.name}: the app binds ${onPort.map(l => formatListener(l)).join(', ')} inside, unreachable through the mapping ${mapping}.`,
			output,
			facts: matchFacts(facts, container, match),
			findings,
		};
	}

	// Nothing on the container port: which port does the app use instead?
	const reachablePorts = [
		...new Set(
			read.listeners.filter(l => !isLoopback(l.address)).map(l => l.port),
		),
	];
	const loopbackPorts = [...new Set(read.listeners.map(l => l.port))].filter(
		p => !reachablePorts.includes(p),
	);
	const actual = reachablePorts.length === 1 ? reachablePorts[0] : undefined;
	const inside = read.listeners.map(l => formatListener(l)).join(', ');
	const summary =
		read.listeners.length === 0
			? `${container.name} maps host port ${port} to container port ${containerPort}, but nothing listens inside the container at all (the app may not have started its listener).`
			: actual === undefined
				? `${container.name} maps host port ${port} to container port ${containerPort}, but nothing listens there inside; it listens on ${inside}.`
				: `${container.name} maps host port ${port} to container port ${containerPort}, but the app listens on ${actual} inside.`;
	const fixes: Fix[] =
		actual === undefined
			? [
					{
						command: `${cli} logs --tail 50 ${container.name}`,
						why: "The app's own log says whether it started and which port (and address) it chose; publish that port, on an app listening on 0.0.0.0.",
					},
					...(loopbackPorts.length > 0
						? bindFixes(container, cli, loopbackPorts[0]!)
						: []),
				]
			: [
					...publishFixes(container, cli, publishFlag(first, actual), first),
					{
						command: `Or set the app in ${container.name} to listen on port ${containerPort}`,
						why: `The mapping sends host port ${port} to ${containerPort}; the app must listen there (on 0.0.0.0).`,
					},
				];
	findings.push({
		id: 'wrong-port',
		confidence: actual === undefined ? 'likely' : 'confirmed',
		summary,
		evidence: lines,
		fixes,
	});
	return {
		status: 'problem',
		detail: `${container.name} maps ${mapping}, but nothing listens on ${containerPort} inside${actual === undefined ? '' : ` (the app listens on ${actual})`}.`,
		output,
		facts: matchFacts(facts, container, match),
		findings,
	};
}

/** The running container whose own address the client dialed (no publishing involved). */
export function addressOwner(
	facts: Facts,
	containers: readonly ContainerInfo[],
): {container: ContainerInfo; address: string} | undefined {
	for (const probe of facts.probe?.addresses ?? []) {
		const container = containers.find(
			c => c.running && c.addresses.includes(probe.address),
		);
		if (container) {
			return {container, address: probe.address};
		}
	}

	return undefined;
}

/** The client dials the container's own address: what listens inside decides. */
function direct(
	input: DiagnoseInput,
	container: ContainerInfo,
	address: string,
): CheckResult {
	const {port, facts} = input;
	const cli = cliOf(facts.containers);
	const read = input.netns.get(container.id);
	const match: ContainerMatch = {
		kind: 'address',
		id: container.id,
		name: container.name,
		...(read?.listeners ? {listeners: read.listeners} : {}),
		source: read?.source ?? '',
	};
	const shown = address.includes(':') ? `[${address}]` : address;
	const lines = [
		`${shown} is the address of container ${container.name} (${container.image}) on this host (${inspectOf(facts)})`,
		...probeLines(facts, port),
		...insideLines(container, read),
	];
	const base = {output: lines, facts: matchFacts(facts, container, match)};
	if (!read?.listeners) {
		return {
			...base,
			status: 'unknown',
			detail: `${shown} belongs to container ${container.name}, but what listens inside could not be read (${read?.why ?? 'not read'}). Check by hand: ${read?.source ?? `sudo nsenter -t ${container.pid} -n ss -Htln`}`,
		};
	}

	const onPort = read.listeners.filter(l => l.port === port);
	if (onPort.some(l => !isLoopback(l.address))) {
		return {
			...base,
			status: 'passed',
			detail: `${container.name} listens on ${onPort.map(l => formatListener(l)).join(', ')} inside: reachable on ${shown}:${port}.`,
		};
	}

	if (onPort.length > 0) {
		return {
			...base,
			status: 'problem',
			detail: `${container.name} listens on ${onPort.map(l => formatListener(l)).join(', ')} only: not on its address ${shown}.`,
			findings: [
				{
					id: 'container-loopback-bind',
					confidence: 'confirmed',
					summary: `The app in ${container.name} listens on ${onPort.map(l => formatListener(l)).join(', ')} inside the container only, so its address ${shown}:${port} refuses.`,
					evidence: lines,
					fixes: bindFixes(container, cli, port),
				},
			],
		};
	}

	const ports = [...new Set(read.listeners.map(l => l.port))];
	return {
		...base,
		status: 'problem',
		detail: `Nothing listens on port ${port} inside ${container.name}${ports.length > 0 ? ` (it listens on ${ports.join(', ')})` : ''}.`,
		findings: [
			{
				id: 'wrong-port',
				confidence: ports.length === 1 ? 'confirmed' : 'likely',
				summary:
					ports.length > 0
						? `${container.name} (${shown}) listens on ${read.listeners.map(l => formatListener(l)).join(', ')} inside, not on port ${port}.`
						: `Nothing listens inside ${container.name} (${shown}) at all.`,
				evidence: lines,
				fixes:
					ports.length === 1
						? [
								{
									command: `Connect to ${shown}:${ports[0]!}`,
									why: `That is the port the app in ${container.name} listens on.`,
								},
							]
						: [
								{
									command: `${cli} logs --tail 50 ${container.name}`,
									why: "The app's own log says whether it started and which port it chose.",
								},
							],
			},
		],
	};
}

/** No running container publishes the port: does one listen on it inside, unpublished? */
function unpublished(input: DiagnoseInput): CheckResult {
	const {port, facts, containers} = input;
	const cli = cliOf(facts.containers);
	const running = containers.filter(c => c.running && c.networkMode !== 'host');
	const score = (container: ContainerInfo) => {
		const inside =
			input.netns.get(container.id)?.listeners?.filter(l => l.port === port) ??
			[];
		const elsewhere = container.ports.some(b => b.containerPort === port)
			? 2
			: 0;
		const loopback = inside.every(l => isLoopback(l.address)) ? 1 : 0;
		return {container, inside, rank: elsewhere + loopback};
	};

	const candidates = running
		.map(c => score(c))
		.filter(c => c.inside.length > 0)
		.toSorted((a, b) => a.rank - b.rank);
	const best = candidates[0];
	if (best) {
		const {container, inside} = best;
		const read = input.netns.get(container.id);
		const loopbackOnly = inside.every(l => isLoopback(l.address));
		const published = container.ports.map(b => formatBinding(b));
		const others = candidates.slice(1).map(c => c.container.name);
		const evidence = [
			`${container.name} (${container.image}) publishes ${published.length > 0 ? published.join(', ') : 'no port'}; nothing maps host port ${port} (${inspectOf(facts)})`,
			...insideLines(container, read),
			...(others.length > 0
				? [`also listening on ${port} inside: ${others.join(', ')}`]
				: []),
			...probeLines(facts, port),
		];
		const match: ContainerMatch = {
			kind: 'listening',
			id: container.id,
			name: container.name,
			listeners: read?.listeners ?? [],
			source: read?.source ?? '',
		};
		const elsewhere = container.ports.filter(b => b.containerPort === port);
		if (elsewhere.length > 0) {
			const first = elsewhere[0]!;
			const host =
				first.hostIp === '' ||
				first.hostIp === '0.0.0.0' ||
				first.hostIp === '::'
					? (facts.probe?.address ?? '127.0.0.1')
					: first.hostIp;
			return {
				status: 'problem',
				detail: `${container.name} listens on ${port} inside, and publishes it as host port ${first.hostPort}, not ${port}.`,
				output: evidence,
				facts: matchFacts(facts, container, match),
				findings: [
					{
						id: 'wrong-port',
						confidence: 'likely',
						summary: `${container.name} publishes its port ${port} as host port ${elsewhere.map(b => b.hostPort).join(', ')}: on the host, connect to ${host.includes(':') ? `[${host}]` : host}:${first.hostPort}, not ${port}.`,
						evidence,
						fixes: [
							{
								command: `Connect to ${host.includes(':') ? `[${host}]` : host}:${first.hostPort}`,
								why: `Publishing maps host port ${first.hostPort} to the container's ${port}; host port ${port} is not mapped.`,
							},
							...publishFixes(container, cli, `${port}:${port}`),
						],
					},
				],
			};
		}

		const local = (facts.probe?.addresses ?? []).every(p =>
			isLoopback(p.address),
		);
		const fixes = publishFixes(
			container,
			cli,
			local ? `127.0.0.1:${port}:${port}` : `${port}:${port}`,
		);
		return {
			status: 'problem',
			detail: `${container.name} listens on ${port} inside its own network namespace, but does not publish it on the host.`,
			output: evidence,
			facts: matchFacts(facts, container, match),
			findings: [
				{
					id: 'container-not-published',
					confidence: 'confirmed',
					summary: `${container.name} listens on port ${port} inside the container, but publishes no host port ${port}: on the host nothing listens, so the kernel refuses.`,
					evidence,
					fixes: loopbackOnly
						? [...fixes, ...bindFixes(container, cli, port)]
						: fixes,
				},
			],
		};
	}

	const exposing = running.filter(c => c.exposed.includes(port));
	const unread = running.filter(c => !input.netns.get(c.id)?.listeners);
	for (const container of exposing) {
		const read = input.netns.get(container.id);
		if (read?.listeners) {
			continue;
		}

		const evidence = [
			`${container.name} (${container.image}) exposes ${port}/tcp but publishes it nowhere (${inspectOf(facts)})`,
			...insideLines(container, read),
		];
		return {
			status: 'problem',
			detail: `${container.name} exposes port ${port} but does not publish it (what listens inside could not be read).`,
			output: evidence,
			facts: matchFacts(facts, container, {
				kind: 'exposed',
				id: container.id,
				name: container.name,
				source: read?.source ?? '',
			}),
			findings: [
				{
					id: 'container-not-published',
					confidence: 'likely',
					summary: `${container.name} exposes port ${port} (EXPOSE only documents it) and publishes no host port ${port}.`,
					evidence,
					fixes: publishFixes(container, cli, `${port}:${port}`),
				},
			],
		};
	}

	const hostNetwork = containers
		.filter(c => c.running && c.networkMode === 'host')
		.map(c => c.name);
	return {
		status: unread.length > 0 ? 'unknown' : 'passed',
		detail:
			`No container publishes or listens on port ${port} (${running.length} running container${running.length === 1 ? '' : 's'} checked)` +
			(unread.length > 0
				? `; could not look inside ${unread.map(c => c.name).join(', ')}: ${unread[0] ? (input.netns.get(unread[0].id)?.source ?? '') : ''}`
				: '') +
			(hostNetwork.length > 0
				? `; ${hostNetwork.join(', ')} use the host network (their listeners are the host's)`
				: '') +
			'.',
		output: running
			.slice(0, 20)
			.flatMap(c => insideLines(c, input.netns.get(c.id))),
	};
}

/**
Which container should serve the port, and where the chain breaks. The stopped case only names the
container here; its exit code and log lines come from the container-logs step.
*/
export function diagnoseContainers(input: DiagnoseInput): CheckResult {
	const {port, facts, containers} = input;
	const owner = addressOwner(facts, containers);
	if (owner) {
		return direct(input, owner.container, owner.address);
	}

	const publishers = containers.filter(
		c => c.running && bindingsFor(c, port).length > 0,
	);
	const dialed = (facts.probe?.addresses ?? []).map(p => p.address);
	const publisher =
		publishers.find(c =>
			bindingsFor(c, port).some(b => dialed.some(a => covers(b, a))),
		) ?? publishers[0];
	if (publisher) {
		return published(input, publisher, bindingsFor(publisher, port));
	}

	const stopped = containers.find(
		c => !c.running && bindingsFor(c, port).length > 0,
	);
	if (stopped) {
		const bindings = bindingsFor(stopped, port);
		const mapping = bindings.map(b => formatBinding(b)).join(', ');
		const match: ContainerMatch = {
			kind: 'stopped',
			id: stopped.id,
			name: stopped.name,
			binding: bindings[0]!,
			source: inspectOf(facts),
		};
		return {
			status: 'problem',
			detail: `${stopped.name} should publish ${mapping}, but it is ${stopped.state} (exit code ${stopped.exitCode}).`,
			output: [
				`${stopped.name} (${stopped.image}) ${stopped.state}, exit code ${stopped.exitCode}, finished ${stopped.finishedAt}; asks for ${mapping} (${inspectOf(facts)})`,
			],
			facts: matchFacts(facts, stopped, match),
		};
	}

	return unpublished(input);
}
