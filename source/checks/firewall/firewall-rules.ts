/**
The firewall step: read the rules (iptables, nft; ufw and firewalld on top), walk them for the
SYN this host's client sent to each local address that did not accept, and name the rule that
decided. A reject or drop is confirmed by the rule's counters across one more connect.
*/
import type {AddressProbe, FirewallFacts} from '../../tree/facts.js';
import type {Finding} from '../../tree/types.js';
import {hostPort} from '../../net/address.js';
import type {CheckContext, CheckRun} from '../types.js';
import {
	decide,
	describeRef,
	iptablesBaseChains,
	nftBaseChains,
	type Decision,
	type Packet,
	type RuleRef,
} from './evaluate.js';
import {firewalldEvidence} from './firewalld.js';
import {firewallFixes, type Manager} from './fixes.js';
import {iptablesNftTables, readFirewall, type Readings} from './read.js';
import {ufwRuleFor} from './ufw.js';

type Judged = {
	readonly probe: AddressProbe;
	readonly packet: Packet;
	readonly decision: Decision;
};

const sudoCommands = (families: ReadonlySet<4 | 6>) =>
	[
		families.has(4) ? 'sudo iptables-save -c' : '',
		families.has(6) ? 'sudo ip6tables-save -c' : '',
		'sudo nft -a list ruleset',
	]
		.filter(Boolean)
		.join('; ');

/** Where a client on this host sends the SYN from, and out of which interface (`ip -j route get`). */
async function packetFor(
	context: CheckContext,
	probe: AddressProbe,
): Promise<Packet> {
	let daddr = probe.address.replace(/%.*/, '');
	if (daddr === '0.0.0.0') {
		daddr = '127.0.0.1';
	} else if (daddr === '::') {
		daddr = '::1';
	}

	let saddr = daddr.startsWith('127.') ? '127.0.0.1' : daddr;
	let oif = 'lo';
	const args = [probe.family === 6 ? '-6' : '-4', '-j', 'route', 'get', daddr];
	context.onCommand(['ip', ...args].join(' '));
	const route = await context.io.run(
		{file: 'ip', args, timeoutMs: 3000},
		{signal: context.signal},
	);
	if (route.exitCode === 0) {
		try {
			const [entry] = JSON.parse(route.stdout) as Array<{
				dev?: string;
				prefsrc?: string;
			}>;
			saddr = entry?.prefsrc ?? saddr;
			oif = entry?.dev ?? oif;
		} catch {}
	}

	// A local client's SYN leaves through the output hook and comes back in on loopback.
	return {
		family: probe.family,
		saddr,
		daddr,
		dport: context.target.port,
		iif: 'lo',
		oif,
		localClient: true,
	};
}

/** A remote client's SYN comes in on the interface of the route back to it (`ip -j route get CLIENT`). */
async function remotePacketFor(
	context: CheckContext,
	probe: AddressProbe,
	client: string,
): Promise<Packet> {
	const args = [probe.family === 6 ? '-6' : '-4', '-j', 'route', 'get', client];
	context.onCommand(['ip', ...args].join(' '));
	const route = await context.io.run(
		{file: 'ip', args, timeoutMs: 3000},
		{signal: context.signal},
	);
	let iif: string | undefined;
	if (route.exitCode === 0) {
		try {
			const [entry] = JSON.parse(route.stdout) as Array<{dev?: string}>;
			iif = entry?.dev;
		} catch {}
	}

	return {
		family: probe.family,
		saddr: client,
		daddr: probe.address.replace(/%.*/, ''),
		dport: context.target.port,
		...(iif ? {iif} : {}),
		localClient: false,
	};
}

/** `--answer client=ADDRESS`: the failing client's address, when it is not this host. */
export function remoteClient(value: string | undefined): string | undefined {
	const address = value?.trim().replaceAll(/^\[|]$/g, '');
	return address &&
		/^(?:\d{1,3}(?:\.\d{1,3}){3}|[\da-f:.]*:[\da-f:.]*)$/i.test(address)
		? address
		: undefined;
}

function judge(readings: Readings, packet: Packet): Decision {
	const skip = iptablesNftTables(readings.iptables);
	return decide([
		...readings.iptables.flatMap(reading =>
			iptablesBaseChains(reading.ruleset, reading.source, packet),
		),
		...(readings.nft
			? nftBaseChains(readings.nft.ruleset, packet, {
					texts: readings.nft.texts,
					skip,
				})
			: []),
	]);
}

/** The same rule in a fresh reading (iptables: table, chain, number and text; nft: handle), with its counters. */
function sameRule(readings: Readings, by: RuleRef): RuleRef | undefined {
	if (by.source === 'nft') {
		const rule = readings.nft?.ruleset.rules.find(
			r =>
				r.family === by.family &&
				r.table === by.table &&
				r.chain === by.chain &&
				r.handle === by.handle,
		);
		const counter = rule?.expr
			.map(
				statement =>
					(statement as {counter?: {packets?: unknown; bytes?: unknown}})
						.counter,
			)
			.find(c => typeof c?.packets === 'number');
		return counter
			? {
					...by,
					counters: {
						packets: Number(counter.packets),
						bytes: Number(counter.bytes),
					},
				}
			: undefined;
	}

	const reading = readings.iptables.find(r => r.source === by.source);
	const chain = reading?.ruleset.tables
		.find(t => t.name === by.table)
		?.chains.find(c => c.name === by.chain);
	if (!chain) {
		return undefined;
	}

	if (by.policy) {
		return chain.counters ? {...by, counters: chain.counters} : undefined;
	}

	const rule = chain.rules[(by.number ?? 0) - 1];
	return rule?.text === by.text && rule.counters
		? {...by, counters: rule.counters}
		: undefined;
}

function managerOf(readings: Readings, by: RuleRef): Manager {
	if (by.source === 'nft') {
		return by.table === 'firewalld' ? 'firewalld' : 'nftables';
	}

	if (/^ufw6?-/.test(by.chain)) {
		return 'ufw';
	}

	const chains = readings.iptables.flatMap(r =>
		r.ruleset.tables.flatMap(t => t.chains.map(c => c.name)),
	);
	if (by.policy && chains.some(name => /^ufw6?-/.test(name))) {
		return 'ufw';
	}

	if (/^(?:IN_|INPUT_ZONES)/.test(by.chain)) {
		return 'firewalld';
	}

	return 'iptables';
}

const expected: Record<
	'reject-refused' | 'reject-unreachable' | 'drop',
	AddressProbe['outcome']
> = {
	'reject-refused': 'refused',
	'reject-unreachable': 'unreachable',
	drop: 'timeout',
};

export const firewallRules: CheckRun = async context => {
	const {target, facts, io} = context;
	const localTargets = new Set(facts.local?.localTargets);
	const client = remoteClient(context.answers.client);
	const clientFamily = client?.includes(':') ? 6 : 4;
	// A remote client: every local address of its family, whatever the probe from here got.
	const probes = (facts.probe?.addresses ?? []).filter(p =>
		client
			? localTargets.has(p.address) && p.family === clientFamily
			: p.outcome !== 'open' && localTargets.has(p.address),
	);
	if (probes.length === 0) {
		return {
			status: 'skipped',
			detail: 'no local address refused or dropped the connection',
		};
	}

	const families = new Set(probes.map(p => p.family));
	const readings = await readFirewall(context, families);
	const read = readings.iptables.length > 0 || readings.nft !== undefined;
	const command = readings.commands.join('; ');
	const notes = [
		...readings.denied.map(c => `${c}: permission denied`),
		...readings.failures,
		...(readings.missing.length > 0
			? [`not installed: ${readings.missing.join(', ')}`]
			: []),
	];
	if (!read) {
		const notRoot = readings.denied.length > 0;
		const reason = notRoot
			? `the firewall rules cannot be read without root (${io.uid === undefined ? 'no uid' : `uid ${io.uid}`})`
			: readings.failures.length > 0
				? 'the firewall rules could not be read'
				: 'neither iptables-save nor nft is installed, so the rules cannot be read';
		const firewall: FirewallFacts = {verdict: 'unknown', reason};
		return {
			status: 'unknown',
			detail: `${reason}: run ${sudoCommands(families)} to see them`,
			...(command ? {command} : {}),
			output: notes,
			facts: {firewall},
		};
	}

	const judged: Judged[] = [];
	for (const probe of probes) {
		const packet = client
			? await remotePacketFor(context, probe, client)
			: await packetFor(context, probe);
		judged.push({probe, packet, decision: judge(readings, packet)});
	}

	const output: string[] = [...notes];
	const findings: Finding[] = [];
	let firewall: FirewallFacts | undefined;
	let unknownDetail: string | undefined;
	for (const {probe, packet, decision} of judged) {
		const dialed = hostPort(probe.address, target.port);
		const from = `TCP SYN ${packet.saddr ?? '?'} -> ${dialed}, in on ${packet.iif ?? '?'}`;
		output.push(
			`${from}: ${decision.verdict}${decision.by ? ` by ${describeRef(decision.by)}` : ''}`,
		);
		if (decision.trail.length > 0) {
			output.push(`  path: ${decision.trail.join(' -> ')}`);
		}

		if (decision.verdict === 'accept') {
			firewall ??= {verdict: 'accept', address: probe.address};
			continue;
		}

		if (decision.verdict === 'uncertain') {
			unknownDetail ??= `cannot tell what the firewall does with ${dialed}: ${decision.because} in ${describeRef(decision.by)}`;
			firewall = {
				verdict: 'uncertain',
				rule: describeRef(decision.by),
				address: probe.address,
				reason: decision.because,
			};
			continue;
		}

		const delta = client
			? {
					line: `counters: not compared: the client is ${client}, while the probe from this host goes through lo (watch them while it retries: sudo iptables -L -v -n --line-numbers; sudo nft -a list ruleset)`,
				}
			: await confirm(context, readings, families, decision.by, probe);
		const manager = managerOf(readings, decision.by);
		const rule = describeRef(decision.by);
		const kind =
			decision.verdict === 'drop'
				? 'drop'
				: decision.clientSees === 'refused'
					? 'reject-refused'
					: 'reject-unreachable';
		const consistent = client ? false : probe.outcome === expected[kind];
		const path = decision.trail.filter(step => !step.endsWith('policy accept'));
		const evidence = [
			rule,
			...(path.length > 0 ? [`path: ${path.join(' -> ')}`] : []),
			...(delta.line ? [delta.line] : []),
			client
				? `evaluated for a client at ${client} coming in on ${packet.iif ?? 'an unknown interface'} (--answer client); from this host the probe got ${probe.outcome}`
				: `probe: ${dialed} ${probe.outcome} (${probe.code}) in ${probe.ms} ms${consistent ? ', as this rule predicts' : `, but this rule predicts ${expected[kind]}`}`,
		];
		const ufwRule =
			manager === 'ufw'
				? await ufwRuleFor(
						context,
						target.port,
						decision.verdict,
						client,
						packet.family,
					)
				: undefined;
		if (ufwRule?.line) {
			evidence.push(ufwRule.line);
		}

		const firewalld =
			manager === 'firewalld'
				? await firewalldEvidence(context, decision.by, packet.iif)
				: undefined;
		evidence.push(...(firewalld?.lines ?? []));
		const zone = firewalld?.zone;

		const confirmed = consistent && delta.delta !== 0;
		const fixes = firewallFixes({
			port: target.port,
			by: decision.by,
			manager,
			...(zone ? {zone} : {}),
			...(firewalld?.richRule ? {richRule: firewalld.richRule} : {}),
			...(ufwRule?.rule ? {ufwRule: ufwRule.rule} : {}),
			...(readings.nft ? {nft: readings.nft.ruleset} : {}),
		});
		const who = decision.by.policy
			? `The ${decision.by.chain} policy ${decision.by.text} (${decision.by.source === 'nft' ? `nft table ${decision.by.family} ${decision.by.table}` : `${decision.by.source} -t ${decision.by.table}`})`
			: decision.by.source === 'nft'
				? `nft rule handle ${decision.by.handle ?? '?'} in table ${decision.by.family} ${decision.by.table}, chain ${decision.by.chain}`
				: `${decision.by.source} rule ${decision.by.number ?? '?'} in chain ${decision.by.chain} (table ${decision.by.table})`;
		if (decision.verdict === 'reject') {
			findings.push({
				id: 'firewall-reject',
				confidence: confirmed ? 'confirmed' : 'likely',
				summary: `${who} rejects TCP ${client ? `from ${client} ` : ''}to ${dialed} with ${decision.rejectWith}: the client sees "${decision.clientSees === 'refused' ? 'connection refused' : 'no route to host'}" whether or not a program listens.`,
				evidence,
				fixes,
			});
		} else {
			findings.push({
				id: 'filtered',
				confidence: confirmed ? 'confirmed' : 'likely',
				summary: `${who} drops TCP ${client ? `from ${client} ` : ''}to ${dialed}: the client waits and times out.`,
				evidence,
				fixes,
			});
		}

		if (!firewall || firewall.verdict === 'accept') {
			firewall = {
				verdict: decision.verdict,
				rule,
				manager,
				address: probe.address,
				...(decision.verdict === 'reject'
					? {clientSees: decision.clientSees}
					: {}),
				...(delta.delta === undefined ? {} : {counterDelta: delta.delta}),
			};
		}
	}

	const first = judged[0]!;
	if (findings.length > 0) {
		return {
			status: 'problem',
			detail: findings[0]!.summary,
			command,
			output,
			facts: {firewall: firewall!},
			findings,
		};
	}

	if (unknownDetail) {
		return {
			status: 'unknown',
			detail: `${unknownDetail}; check by hand: ${sudoCommands(families)}`,
			command,
			output,
			facts: {firewall: firewall!},
		};
	}

	const accepted = `the rules read accept TCP to ${judged.map(j => hostPort(j.probe.address, target.port)).join(', ')} from ${client ?? 'this host'}`;
	if (!readings.nft) {
		// Native nftables tables (firewalld's among them, through libnftables) are invisible without nft.
		context.onCommand('firewall-cmd --state');
		const firewalld = await context.io.run(
			{file: 'firewall-cmd', args: ['--state'], timeoutMs: 10_000},
			{signal: context.signal},
		);
		const running = firewalld.stdout.trim() === 'running';
		if (running || readings.iptables.length === 0) {
			return {
				status: 'unknown',
				detail: `${accepted}, but nft could not be read${running ? ' and firewalld is running (its rules live in nftables)' : ''}: check by hand with sudo nft -a list ruleset`,
				command,
				output,
				facts: {
					firewall: {verdict: 'unknown', reason: 'nftables could not be read'},
				},
			};
		}

		output.push(
			'nft could not be read: native nftables tables, if any, were not checked (sudo nft -a list ruleset)',
		);
	}

	return {
		status: 'passed',
		detail: `${accepted}: the firewall is not the cause${first.decision.trail.length > 0 ? ` (${first.decision.trail.at(-1)!})` : ' (no rule on the input path)'}${readings.nft ? '' : '; nft could not be read'}`,
		command,
		output,
		facts: {
			firewall: firewall ?? {verdict: 'accept', address: first.probe.address},
		},
	};
};

/** Read the deciding rule's counters, connect once more, read them again. */
async function confirm(
	context: CheckContext,
	before: Readings,
	families: ReadonlySet<4 | 6>,
	by: RuleRef,
	probe: AddressProbe,
): Promise<{delta?: number; line?: string}> {
	const start = sameRule(before, by);
	if (!start?.counters) {
		return {};
	}

	const timeoutMs = Math.min(context.timeoutMs, 1500);
	context.onCommand(
		`connect ${hostPort(probe.address, context.target.port)} once more, then read the counters again`,
	);
	const result = await context.io.connect(
		probe.address,
		context.target.port,
		timeoutMs,
		context.signal,
	);
	const after = await readFirewall(context, families);
	const end = sameRule(after, by);
	if (!end?.counters) {
		return {
			line: 'counters: the rule could not be found again after the extra connect (the rules changed?)',
		};
	}

	const delta = end.counters.packets - start.counters.packets;
	context.onLine(
		`counters of the deciding rule: ${start.counters.packets} -> ${end.counters.packets} packets`,
	);
	return {
		delta,
		line: `counters: ${start.counters.packets} -> ${end.counters.packets} packets (+${delta}) across one more connect (${result.code} in ${result.ms} ms)${delta > 0 ? ': this rule saw the SYN' : ': the rule did not count it (something else decided?)'}`,
	};
}
