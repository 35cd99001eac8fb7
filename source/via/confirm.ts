/**
The two-sided proof of a firewall rule. The server's walk names the iptables rule that decides
this client's packets, but from the server it cannot send them (its own connect goes through lo),
so there it stays "likely". With both sides at hand: read the rule's counters on the server,
connect once more from this host, read them again. The rule counting our SYN, and this host seeing
what the rule predicts (a reset or an ICMP error for REJECT, silence for DROP), confirms it.
Rules read only through nft (no iptables-save view) are left as they are, and said so.
*/
import type {Io} from '../checks/types.js';
import {hostPort} from '../net/address.js';
import {parseIptablesSave, type Counters} from '../parsers/iptables-save.js';
import type {FirewallFacts} from '../tree/facts.js';

export type RuleRef = {
	readonly tool: 'iptables-save' | 'ip6tables-save';
	readonly table: string;
	readonly chain: string;
	readonly number: number;
	readonly text: string;
};

export type CounterProof = {
	readonly rule: string;
	/** Packets the rule counted across one more connect from this host. */
	readonly delta?: number;
	/** What this host's extra connect got (ECONNREFUSED, ETIMEDOUT, connect, ...). */
	readonly code: string;
	/** The rule's verdict predicted exactly what this host saw. */
	readonly consistent: boolean;
	readonly line: string;
};

/** "iptables -t filter, chain INPUT, rule 2: -A INPUT ..." (the firewall step's rule name). */
export function parseRuleRef(text: string): RuleRef | undefined {
	const match =
		/^(iptables|ip6tables) -t (\S+), chain (\S+), rule (\d+): (.+)$/.exec(text);
	if (!match) {
		return undefined;
	}

	return {
		tool: match[1] === 'ip6tables' ? 'ip6tables-save' : 'iptables-save',
		table: match[2]!,
		chain: match[3]!,
		number: Number(match[4]),
		text: match[5]!,
	};
}

/** The rule's counters in an `iptables-save -c` dump, when the same rule is still at its place. */
export function ruleCounters(dump: string, ref: RuleRef): Counters | undefined {
	const rule = parseIptablesSave(dump)
		.tables.find(t => t.name === ref.table)
		?.chains.find(c => c.name === ref.chain)
		?.rules.find(r => r.number === ref.number);
	return rule?.text === ref.text ? rule.counters : undefined;
}

/** What this host must see if the rule decides its packets. */
export function predicted(firewall: FirewallFacts): readonly string[] {
	if (firewall.verdict === 'drop') {
		return ['ETIMEDOUT'];
	}

	return firewall.clientSees === 'unreachable'
		? ['EHOSTUNREACH', 'ENETUNREACH']
		: ['ECONNREFUSED'];
}

async function counters(
	server: Io,
	ref: RuleRef,
): Promise<Counters | undefined> {
	const dump = await server.run({
		file: ref.tool,
		args: ['-c', '-t', ref.table],
		timeoutMs: 10_000,
	});
	return dump.exitCode === 0 ? ruleCounters(dump.stdout, ref) : undefined;
}

/** Counters on the server around one more connect from this host. */
export async function proveWithCounters(request: {
	readonly server: Io;
	readonly client: Io;
	readonly firewall: FirewallFacts;
	readonly address: string;
	readonly port: number;
	readonly timeoutMs: number;
}): Promise<CounterProof | undefined> {
	const {firewall} = request;
	const ref = firewall.rule ? parseRuleRef(firewall.rule) : undefined;
	if (!ref || (firewall.verdict !== 'reject' && firewall.verdict !== 'drop')) {
		return undefined;
	}

	const dialed = hostPort(request.address, request.port);
	const before = await counters(request.server, ref);
	const result = await request.client.connect(
		request.address,
		request.port,
		Math.min(request.timeoutMs, 2000),
	);
	const after = before ? await counters(request.server, ref) : undefined;
	const consistent = predicted(firewall).includes(result.code);
	const delta = before && after ? after.packets - before.packets : undefined;
	const seen = `one more connect from this host to ${dialed}: ${result.code} in ${result.ms} ms${consistent ? ', as this rule predicts' : ', not what this rule predicts'}`;
	return {
		rule: firewall.rule!,
		code: result.code,
		consistent,
		...(delta === undefined ? {} : {delta}),
		line:
			delta === undefined
				? `counters: could not be read on the server (${ref.tool} -c -t ${ref.table}); ${seen}`
				: `counters of this rule on the server: ${before!.packets} -> ${after!.packets} packets (+${delta}) across ${seen}`,
	};
}
