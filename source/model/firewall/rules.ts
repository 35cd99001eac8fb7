/** The shared vocabulary of the firewall evaluator: packets, rule references, steps, chains, decisions. */
import type {Counters} from '../../parsers/iptables-save.js';

export type {Counters} from '../../parsers/iptables-save.js';

export type Tri = 'yes' | 'no' | 'unknown';

/** The SYN of a new TCP connection to a local address. */
export type Packet = {
	readonly family: 4 | 6;
	/** Source address; undefined when not known. */
	readonly saddr?: string;
	readonly daddr: string;
	readonly dport: number;
	/** Incoming interface; undefined when not known. "lo" for a client on this host. */
	readonly iif?: string;
	/** The client runs on this host: its SYN also goes through the output hook, out of `oif`. */
	readonly localClient: boolean;
	/** Outgoing interface of a local client's SYN (normally "lo"). */
	readonly oif?: string;
};

export type RuleSource =
	'iptables' | 'ip6tables' | 'iptables-legacy' | 'ip6tables-legacy' | 'nft';

export type RuleRef = {
	readonly source: RuleSource;
	/** Nft family (ip, ip6, inet); "ip"/"ip6" for iptables. */
	readonly family: string;
	readonly table: string;
	readonly chain: string;
	/** Iptables: the rule's number in its chain (`iptables -L CHAIN --line-numbers`). */
	readonly number?: number;
	/** Nft: the rule's handle. */
	readonly handle?: number;
	/** The chain's policy decided (no rule matched). */
	readonly policy?: boolean;
	/** The rule as its tool prints it. */
	readonly text: string;
	readonly counters?: Counters;
	/** The hook of the base chain it was met from (output: on the way out of this host). */
	readonly hook?: Hook;
};

export type ClientSees = 'refused' | 'unreachable';

export type Action =
	| {readonly kind: 'accept'}
	| {readonly kind: 'drop'}
	| {
			readonly kind: 'reject';
			readonly rejectWith: string;
			readonly clientSees: ClientSees;
	  }
	| {readonly kind: 'jump' | 'goto'; readonly chain: string}
	| {readonly kind: 'return'}
	| {readonly kind: 'continue'}
	/** DNAT / REDIRECT: the destination is rewritten (ends the nat chain; the walk goes on with the new destination). */
	| {readonly kind: 'nat'; readonly to: NatTarget}
	/** The rule rewrites the destination (DNAT, REDIRECT) or hands the packet elsewhere (queue): cannot follow. */
	| {readonly kind: 'unknown'; readonly text: string};

/** Where a DNAT or REDIRECT sends the connection; a missing part stays as it was. */
export type NatTarget = {
	readonly kind: 'dnat' | 'redirect';
	readonly address?: string;
	readonly port?: number;
};

export type Step = {
	readonly ref: RuleRef;
	readonly match: Tri;
	/** For match "unknown": the part not understood or not known. */
	readonly because?: string;
	readonly action: Action;
};

export type Chain = {
	readonly name: string;
	readonly steps: readonly Step[];
	/** Base chains: the policy and what to call it. */
	readonly policy?: {
		readonly verdict: 'accept' | 'drop';
		readonly ref: RuleRef;
	};
};

export type Hook = 'output' | 'prerouting' | 'input';

export type BaseChain = {
	/** A nat chain (iptables table nat, nft chain type nat): it rewrites, it does not filter. */
	readonly nat?: boolean;
	readonly source: RuleSource;
	readonly family: string;
	readonly table: string;
	readonly chain: string;
	readonly hook: Hook;
	readonly priority: number;
	readonly chains: ReadonlyMap<string, Chain>;
};

export type Decision =
	| {
			readonly verdict: 'accept';
			readonly by?: RuleRef;
			readonly trail: readonly string[];
	  }
	| {
			readonly verdict: 'drop';
			readonly by: RuleRef;
			readonly trail: readonly string[];
	  }
	| {
			readonly verdict: 'reject';
			readonly by: RuleRef;
			readonly rejectWith: string;
			readonly clientSees: ClientSees;
			readonly trail: readonly string[];
	  }
	| {
			readonly verdict: 'uncertain';
			readonly by: RuleRef;
			readonly because: string;
			readonly trail: readonly string[];
	  }
	| {
			/** A nat rule rewrote the destination: the walk stops here (see rulesets.ts decideFor, which goes on). */
			readonly verdict: 'nat';
			readonly by: RuleRef;
			readonly to: NatTarget;
			/** The nat base chain, to go on after it. */
			readonly base: {readonly hook: Hook; readonly priority: number};
			readonly trail: readonly string[];
	  };

export const hookOrder: readonly Hook[] = ['output', 'prerouting', 'input'];

/** How a rule is named in evidence: "iptables -t filter, chain INPUT, rule 3: -A INPUT ..." */
export function describeRef(ref: RuleRef): string {
	if (ref.source === 'nft') {
		const where = `nft table ${ref.family} ${ref.table}, chain ${ref.chain}`;
		return ref.policy
			? `${where}: policy ${ref.text}`
			: `${where}, handle ${ref.handle ?? '?'}: ${ref.text}`;
	}

	const where = `${ref.source} -t ${ref.table}, chain ${ref.chain}`;
	return ref.policy
		? `${where}: policy ${ref.text}`
		: `${where}, rule ${ref.number ?? '?'}: ${ref.text}`;
}

// --- shared matching helpers ------------------------------------------------------------------

export function not(value: Tri): Tri {
	return value === 'yes' ? 'no' : value === 'no' ? 'yes' : 'unknown';
}

export function fromBoolean(value: boolean | undefined): Tri {
	return value === undefined ? 'unknown' : value ? 'yes' : 'no';
}

/** "80", "1000:2000", ":1024", "1024:" (iptables) against a port. */
export function portInSpec(port: number, spec: string): boolean | undefined {
	const range = /^(\d*)[:-](\d*)$/.exec(spec);
	if (range) {
		const low = range[1] ? Number(range[1]) : 0;
		const high = range[2] ? Number(range[2]) : 65_535;
		return port >= low && port <= high;
	}

	return /^\d+$/.test(spec) ? Number(spec) === port : undefined;
}

export function portInList(port: number, list: string): Tri {
	let unknown = false;
	for (const spec of list.split(',')) {
		const inside = portInSpec(port, spec);
		if (inside === true) {
			return 'yes';
		}

		if (inside === undefined) {
			unknown = true;
		}
	}

	return unknown ? 'unknown' : 'no';
}

/** Iptables "eth+" / nft "eth*" wildcard interface names. */
export function interfaceMatches(
	name: string | undefined,
	pattern: string,
	wildcard: '+' | '*',
): Tri {
	if (name === undefined) {
		return 'unknown';
	}

	if (pattern.endsWith(wildcard)) {
		return fromBoolean(name.startsWith(pattern.slice(0, -1)));
	}

	return fromBoolean(name === pattern);
}

const refusedRejects = new Set([
	'tcp-reset',
	'tcp reset',
	'icmp-port-unreachable',
	'port-unreach',
	'icmp6-port-unreachable',
	'port-unreachable',
]);

export function rejectAction(rejectWith: string): Action {
	return {
		kind: 'reject',
		rejectWith,
		clientSees: refusedRejects.has(rejectWith) ? 'refused' : 'unreachable',
	};
}

export type Reason = {readonly tri: Tri; readonly because?: string};

/**
All matches of one rule together (the one piece of verdict plumbing both dialects share): any "no"
is no; otherwise the first unknown, with its reason; otherwise yes. Lazy: stops at the first "no".
*/
export function allOf(reasons: Iterable<Reason>): Reason {
	let result: Reason = {tri: 'yes'};
	for (const reason of reasons) {
		if (reason.tri === 'no') {
			return {tri: 'no'};
		}

		if (reason.tri === 'unknown' && result.tri === 'yes') {
			result = reason;
		}
	}

	return result;
}

/** A tri-valued match with its reason when unknown. */
export function reason(tri: Tri, because: string): Reason {
	return tri === 'unknown' ? {tri, because} : {tri};
}

/** A chain of steps; base chains get their policy and the ref that names it. */
export function makeChain(
	name: string,
	steps: readonly Step[],
	policy: {verdict: 'accept' | 'drop'; ref: RuleRef} | undefined,
): Chain {
	return {name, steps, ...(policy ? {policy} : {})};
}

/**
The chains of one base chain's table, by name, each evaluated for the packet the first time it is
asked for: the walk enters few of them (a 10,000-rule table with 100 user chains and no matching
jump needs only its base chain's rules). Iteration evaluates the rest; `has` and `size` evaluate
nothing.
*/
export class LazyChains implements ReadonlyMap<string, Chain> {
	private readonly built = new Map<string, Chain>();
	private readonly names: ReadonlySet<string>;
	private readonly build: (name: string) => Chain;

	constructor(names: ReadonlySet<string>, build: (name: string) => Chain) {
		this.names = names;
		this.build = build;
	}

	get size(): number {
		return this.names.size;
	}

	get(name: string): Chain | undefined {
		let chain = this.built.get(name);
		if (!chain && this.names.has(name)) {
			chain = this.build(name);
			this.built.set(name, chain);
		}

		return chain;
	}

	has(name: string): boolean {
		return this.names.has(name);
	}

	*entries(): MapIterator<[string, Chain]> {
		for (const name of this.names) {
			yield [name, this.get(name)!];
		}
	}

	keys(): MapIterator<string> {
		return this.names.keys();
	}

	*values(): MapIterator<Chain> {
		for (const name of this.names) {
			yield this.get(name)!;
		}
	}

	forEach(
		callback: (
			value: Chain,
			key: string,
			map: ReadonlyMap<string, Chain>,
		) => void,
	): void {
		for (const [name, chain] of this.entries()) {
			callback(chain, name, this);
		}
	}

	[Symbol.iterator](): MapIterator<[string, Chain]> {
		return this.entries();
	}
}
