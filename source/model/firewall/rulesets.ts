/**
Everything read from the firewall, as parsed rulesets, and what is evaluated over all of them at
once: the base chains a packet meets, the same rule in a fresh reading (its counters), and which
tool manages a rule. Pure.
*/
import type {IptablesRuleset} from '../../parsers/iptables-save.js';
import type {NftRuleset} from '../../parsers/nft-json.js';
import {isLoopback, sameAddress} from '../../net/address.js';
import {iptablesBaseChains} from './iptables.js';
import {nftBaseChains} from './nft.js';
import {decide} from './walk.js';
import {
	describeRef,
	hookOrder,
	type BaseChain,
	type Counters,
	type Decision,
	type Hook,
	type Packet,
	type RuleRef,
	type RuleSource,
} from './rules.js';

export type IptablesRules = {
	readonly source: RuleSource;
	readonly ruleset: IptablesRuleset;
	/** Tables iptables-nft-save says it cannot show ("incompatible, use 'nft' tool"). */
	readonly incompatible: readonly string[];
};

export type NftRules = {
	readonly ruleset: NftRuleset;
	/** `nft -a list ruleset` texts by `nftRuleKey`. */
	readonly texts: ReadonlyMap<string, string>;
};

export type Rulesets = {
	readonly iptables: readonly IptablesRules[];
	readonly nft?: NftRules;
};

export type Manager = 'iptables' | 'nftables' | 'ufw' | 'firewalld';

/**
Nft tables that iptables-nft manages (ip/ip6 tables that iptables-save showed): they are evaluated
from iptables-save, which gives rule numbers and understands the xt matches nft JSON hides.
*/
export function iptablesNftTables(
	readings: readonly IptablesRules[],
): (family: string, table: string) => boolean {
	const owned = new Set<string>();
	for (const reading of readings) {
		if (reading.source !== 'iptables' && reading.source !== 'ip6tables') {
			continue;
		}

		const family = reading.source === 'iptables' ? 'ip' : 'ip6';
		for (const table of reading.ruleset.tables) {
			if (!reading.incompatible.includes(table.name)) {
				owned.add(`${family} ${table.name}`);
			}
		}
	}

	return (family, table) => owned.has(`${family} ${table}`);
}

/**
The base chains made for each packet, by rule sets read: the firewall step's measure and its judge
walk the same packet through the same readings, and the chains (each evaluated on first entry,
then kept) answer the same every time, so a 10,000-rule chain is evaluated once, not once per walk.
Keyed by the readings object (dropped with it) and every field of the packet.
*/
const made = new WeakMap<Rulesets, Map<string, readonly BaseChain[]>>();

function packetKey(packet: Packet, hooks: readonly Hook[] | undefined): string {
	// Every field of Packet: a field added there and not here fails to compile.
	const fields: {[K in keyof Required<Packet>]: Packet[K] | null} = {
		family: packet.family,
		saddr: packet.saddr ?? null,
		daddr: packet.daddr,
		dport: packet.dport,
		iif: packet.iif ?? null,
		localClient: packet.localClient,
		oif: packet.oif ?? null,
	};
	return JSON.stringify([fields, hooks ?? null]);
}

/** Every base chain, from every ruleset read, that `packet` meets at `hooks` (made once per packet). */
export function baseChainsFor(
	rulesets: Rulesets,
	packet: Packet,
	hooks?: readonly Hook[],
): readonly BaseChain[] {
	let byPacket = made.get(rulesets);
	if (!byPacket) {
		byPacket = new Map();
		made.set(rulesets, byPacket);
	}

	const key = packetKey(packet, hooks);
	let bases = byPacket.get(key);
	if (!bases) {
		bases = makeBaseChains(rulesets, packet, hooks);
		byPacket.set(key, bases);
	}

	return bases;
}

function makeBaseChains(
	rulesets: Rulesets,
	packet: Packet,
	hooks: readonly Hook[] | undefined,
): BaseChain[] {
	const skip = iptablesNftTables(rulesets.iptables);
	// Destination NAT is chosen once, on the connection's first hook: output for a local client.
	const natHook = packet.localClient ? 'output' : 'prerouting';
	const bases = [
		...rulesets.iptables.flatMap(reading =>
			iptablesBaseChains(reading.ruleset, reading.source, packet, hooks),
		),
		...(rulesets.nft
			? nftBaseChains(rulesets.nft.ruleset, packet, {
					texts: rulesets.nft.texts,
					skip,
					...(hooks ? {hooks} : {}),
				})
			: []),
	];
	return bases.filter(base => !base.nat || base.hook === natHook);
}

/** A DNAT or REDIRECT met on the way: the rule, and where the connection really goes. */
export type NatStep = {
	readonly by: RuleRef;
	readonly kind: 'dnat' | 'redirect';
	readonly to: {readonly address: string; readonly port: number};
	/** The new destination is an address of this host (then the input path is walked for it). */
	readonly local: boolean;
};

/** A decision, with the nat rule that rewrote the destination before it, if one did. */
export type Walked = Exclude<Decision, {verdict: 'nat'}> & {
	readonly nat?: NatStep;
};

export type WalkOptions = {
	readonly hooks?: readonly Hook[];
	/** Is this address one of this host's? (Loopback always is.) */
	readonly isLocal?: (address: string) => boolean;
};

/** Where a nat rule sends the packet: REDIRECT goes to this host (loopback from the output hook). */
function natDestination(
	decision: Extract<Decision, {verdict: 'nat'}>,
	packet: Packet,
): {address: string; port: number} {
	const {to} = decision;
	const port = to.port ?? packet.dport;
	if (to.kind === 'redirect') {
		const address =
			decision.base.hook === 'output'
				? packet.family === 4
					? '127.0.0.1'
					: '::1'
				: packet.daddr;
		return {address, port};
	}

	return {address: to.address ?? packet.daddr, port};
}

const natLabel = (nat: NatStep) =>
	`${nat.kind} to ${nat.to.address.includes(':') ? `[${nat.to.address}]` : nat.to.address}:${nat.to.port} by ${describeRef(nat.by)}`;

/**
Which rule decides `packet` across everything read. A DNAT or REDIRECT on the way rewrites the
destination: the walk goes on with the new one in the base chains after the nat chain (skipping
the other nat chains: one destination rewrite per connection), and, when the new destination is
not this host, only on the same hook (the forward path is not walked).
*/
export function decideFor(
	rulesets: Rulesets,
	packet: Packet,
	options: WalkOptions = {},
): Walked {
	const first = decide(baseChainsFor(rulesets, packet, options.hooks));
	if (first.verdict !== 'nat') {
		return first;
	}

	const to = natDestination(first, packet);
	const local =
		first.to.kind === 'redirect' ||
		isLoopback(to.address) ||
		sameAddress(to.address, packet.daddr) ||
		options.isLocal?.(to.address) === true;
	const nat: NatStep = {by: first.by, kind: first.to.kind, to, local};
	const {hook, priority} = first.base;
	const after = (base: BaseChain) =>
		!base.nat &&
		(hookOrder.indexOf(base.hook) > hookOrder.indexOf(hook)
			? local
			: base.hook === hook && base.priority > priority);
	const rewritten = {...packet, daddr: to.address, dport: to.port};
	const rest = decide(
		baseChainsFor(rulesets, rewritten, options.hooks).filter(base =>
			after(base),
		),
	);
	const trail = [...first.trail, natLabel(nat), ...rest.trail];
	return rest.verdict === 'nat'
		? {verdict: 'accept', trail, nat}
		: {...rest, trail, nat};
}

function nftCounters(rulesets: Rulesets, by: RuleRef): Counters | undefined {
	const rule = rulesets.nft?.ruleset.rules.find(
		r =>
			r.family === by.family &&
			r.table === by.table &&
			r.chain === by.chain &&
			r.handle === by.handle,
	);
	const counter = rule?.expr
		.map(
			statement =>
				(statement as {counter?: {packets?: unknown; bytes?: unknown}}).counter,
		)
		.find(c => typeof c?.packets === 'number');
	return counter
		? {packets: Number(counter.packets), bytes: Number(counter.bytes)}
		: undefined;
}

function iptablesCounters(
	rulesets: Rulesets,
	by: RuleRef,
): Counters | undefined {
	const reading = rulesets.iptables.find(r => r.source === by.source);
	const chain = reading?.ruleset.tables
		.find(t => t.name === by.table)
		?.chains.find(c => c.name === by.chain);
	if (!chain || by.policy) {
		return chain?.counters;
	}

	const rule = chain.rules[(by.number ?? 0) - 1];
	return rule?.text === by.text ? rule.counters : undefined;
}

/** The counters of the same rule in a fresh reading (iptables: table, chain, number and text; nft: handle). */
export function countersOf(
	rulesets: Rulesets,
	by: RuleRef,
): Counters | undefined {
	return by.source === 'nft'
		? nftCounters(rulesets, by)
		: iptablesCounters(rulesets, by);
}

const ufwChain = /^ufw6?-/;

/** The tool that manages a rule: ufw and firewalld by their chain names, else iptables or nftables. */
export function managerOf(rulesets: Rulesets, by: RuleRef): Manager {
	if (by.source === 'nft') {
		return by.table === 'firewalld' ? 'firewalld' : 'nftables';
	}

	if (ufwChain.test(by.chain)) {
		return 'ufw';
	}

	const ufwLoaded = rulesets.iptables.some(r =>
		r.ruleset.tables.some(t => t.chains.some(c => ufwChain.test(c.name))),
	);
	if (by.policy && ufwLoaded) {
		return 'ufw';
	}

	return /^(?:IN_|INPUT_ZONES)/.test(by.chain) ? 'firewalld' : 'iptables';
}
