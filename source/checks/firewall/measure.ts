/**
The firewall step's measurements: read the rules, find the packet each address gets (from the
routes), and where a rule rejects or drops it, what confirms and names it: the rule's counters
across one more connect, `ufw status numbered`, firewalld's zone. All I/O through `context.io`.
*/
import {
	countersOf,
	decideFor,
	managerOf,
} from '../../model/firewall/rulesets.js';
import type {Decision, Packet} from '../../model/firewall/index.js';
import {hostPort} from '../../net/address.js';
import type {AddressProbe} from '../../tree/facts.js';
import type {CheckContext} from '../types.js';
import {measureFirewalld, measureUfw} from './managers.js';
import type {
	FirewallObservations,
	ProbeObservation,
	Recount,
} from './observations.js';
import {readFirewall, type Readings} from './read.js';
import {
	remoteClient,
	selectOutbound,
	selectProbes,
	walkOptions,
} from './select.js';

type Route = {readonly dev?: string; readonly prefsrc?: string};

/** `ip -j route get ADDRESS`: the interface and source address of the route, when it answers. */
async function routeTo(
	context: CheckContext,
	family: 4 | 6,
	address: string,
): Promise<Route> {
	// 127.0.0.1 and ::1 are routed by the local table (which the routing rules consult first) over
	// lo, from that very address: no route to ask for.
	if (address === '127.0.0.1' || address === '::1') {
		return {dev: 'lo', prefsrc: address};
	}

	const args = [family === 6 ? '-6' : '-4', '-j', 'route', 'get', address];
	context.onCommand(['ip', ...args].join(' '));
	const route = await context.io.run(
		{file: 'ip', args, timeoutMs: 3000},
		{signal: context.signal},
	);
	if (route.exitCode !== 0) {
		return {};
	}

	try {
		const [entry] = JSON.parse(route.stdout) as Route[];
		return entry ?? {};
	} catch {
		return {};
	}
}

/** The address a local client dials for a wildcard-looking probe address. */
function dialed(address: string): string {
	const bare = address.replace(/%.*/, '');
	return bare === '0.0.0.0' ? '127.0.0.1' : bare === '::' ? '::1' : bare;
}

/** Where a client on this host sends the SYN from, and out of which interface. */
async function localPacket(
	context: CheckContext,
	probe: AddressProbe,
): Promise<Packet> {
	const daddr = dialed(probe.address);
	const route = await routeTo(context, probe.family, daddr);
	// A local client's SYN leaves through the output hook and comes back in on loopback.
	return {
		family: probe.family,
		saddr: route.prefsrc ?? (daddr.startsWith('127.') ? '127.0.0.1' : daddr),
		daddr,
		dport: context.target.port,
		iif: 'lo',
		oif: route.dev ?? 'lo',
		localClient: true,
	};
}

/** A remote client's SYN comes in on the interface of the route back to it. */
async function remotePacket(
	context: CheckContext,
	probe: AddressProbe,
	client: string,
): Promise<Packet> {
	const route = await routeTo(context, probe.family, client);
	return {
		family: probe.family,
		saddr: client,
		daddr: probe.address.replace(/%.*/, ''),
		dport: context.target.port,
		...(route.dev ? {iif: route.dev} : {}),
		localClient: false,
	};
}

/** A connection from this host to another: out through the output hook, from the route's source. */
async function outboundPacket(
	context: CheckContext,
	probe: AddressProbe,
): Promise<Packet> {
	const daddr = probe.address.replace(/%.*/, '');
	const route = await routeTo(context, probe.family, daddr);
	return {
		family: probe.family,
		...(route.prefsrc ? {saddr: route.prefsrc} : {}),
		daddr,
		dport: context.target.port,
		...(route.dev ? {oif: route.dev} : {}),
		localClient: true,
	};
}

/** Every address the step walks the rules for, and whether it is another host's. */
function selected(context: CheckContext) {
	return [
		...selectProbes(context.facts, context.answers).map(probe => ({
			probe,
			outbound: false,
		})),
		...selectOutbound(context.facts, context.answers).map(probe => ({
			probe,
			outbound: true,
		})),
	];
}

/** Connect once more and read the rules again, when the deciding rule has counters. */
async function recount(
	context: CheckContext,
	readings: Readings,
	decision: Extract<Decision, {verdict: 'reject' | 'drop'}>,
	probe: AddressProbe,
): Promise<Recount | undefined> {
	const before = countersOf(readings, decision.by);
	if (!before) {
		return undefined;
	}

	context.onCommand(
		`connect ${hostPort(probe.address, context.target.port)} once more, then read the counters again`,
	);
	const connect = await context.io.connect(
		probe.address,
		context.target.port,
		Math.min(context.timeoutMs, 1500),
		context.signal,
	);
	const families = new Set(selected(context).map(s => s.probe.family));
	const after = await readFirewall(context, families);
	const end = countersOf(after, decision.by);
	if (end) {
		context.onLine(
			`counters of the deciding rule: ${before.packets} -> ${end.packets} packets`,
		);
	}

	return {connect, after};
}

async function packetFor(
	context: CheckContext,
	probe: AddressProbe,
	outbound: boolean,
): Promise<Packet> {
	const client = remoteClient(context.answers.client);
	if (outbound) {
		return outboundPacket(context, probe);
	}

	return client
		? remotePacket(context, probe, client)
		: localPacket(context, probe);
}

/** What one address gets, and whether the rules accept it (walked once: the walk of 10,000 rules is not free). */
async function measureProbe(
	context: CheckContext,
	readings: Readings,
	{probe, outbound}: {probe: AddressProbe; outbound: boolean},
): Promise<{observation: ProbeObservation; accepted: boolean}> {
	const client = remoteClient(context.answers.client);
	const packet = await packetFor(context, probe, outbound);
	const decision = decideFor(
		readings,
		packet,
		walkOptions(context.facts, outbound),
	);
	const base = {probe, packet, ...(outbound ? {outbound} : {})};
	if (decision.verdict === 'accept' || decision.verdict === 'uncertain') {
		return {observation: base, accepted: decision.verdict === 'accept'};
	}

	const counted = client
		? undefined
		: await recount(context, readings, decision, probe);
	const manager = managerOf(readings, decision.by);
	const ufw = manager === 'ufw' ? await measureUfw(context) : undefined;
	const firewalld =
		manager === 'firewalld'
			? await measureFirewalld(context, decision.by, packet.iif)
			: undefined;
	return {
		observation: {
			...base,
			...(counted ? {recount: counted} : {}),
			...(ufw ? {ufw} : {}),
			...(firewalld ? {firewalld} : {}),
		},
		accepted: false,
	};
}

/** Native nftables tables are invisible without nft: is firewalld (whose rules live there) running? */
async function firewalldState(context: CheckContext): Promise<string> {
	context.onCommand('firewall-cmd --state');
	const result = await context.io.run(
		{file: 'firewall-cmd', args: ['--state'], timeoutMs: 10_000},
		{signal: context.signal},
	);
	return result.stdout.trim();
}

export async function measure(
	context: CheckContext,
): Promise<FirewallObservations> {
	const chosen = selected(context);
	const families = [...new Set(chosen.map(s => s.probe.family))].toSorted(
		(a, b) => a - b,
	);
	const empty = {
		families,
		readings: {
			iptables: [],
			denied: [],
			missing: [],
			failures: [],
			commands: [],
		},
		probes: [],
	};
	if (chosen.length === 0) {
		return empty;
	}

	const readings = await readFirewall(context, new Set(families));
	if (readings.iptables.length === 0 && !readings.nft) {
		return {...empty, readings};
	}

	const probes: ProbeObservation[] = [];
	let allAccept = true;
	for (const one of chosen) {
		const {observation, accepted} = await measureProbe(context, readings, one);
		probes.push(observation);
		allAccept &&= accepted;
	}

	return {
		families,
		readings,
		probes,
		...(allAccept && !readings.nft
			? {firewalldState: await firewalldState(context)}
			: {}),
	};
}
