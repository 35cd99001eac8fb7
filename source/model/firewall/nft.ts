/** Native nftables tables (nft -j list ruleset) as base chains of evaluated steps, for one packet. */
import {
	nftRuleKey,
	type NftChain,
	type NftRule,
	type NftRuleset,
} from '../../parsers/nft-json.js';
import {
	elementMatches,
	isObject,
	nftMatch,
	resolveLeft,
	short,
	type Json,
	type SetLookup,
} from './nft-match.js';
import {
	allOf,
	LazyChains,
	makeChain,
	rejectAction,
	type Action,
	type BaseChain,
	type Chain,
	type Counters,
	type Hook,
	type Packet,
	type Reason,
	type RuleRef,
	type Step,
	type Tri,
} from './rules.js';

function nftReject(reject: unknown): Action {
	if (!isObject(reject)) {
		return rejectAction('port-unreachable');
	}

	if (reject['type'] === 'tcp reset') {
		return rejectAction('tcp reset');
	}

	const type = typeof reject['type'] === 'string' ? reject['type'] : 'icmpx';
	const code =
		typeof reject['expr'] === 'string' ? reject['expr'] : 'port-unreachable';
	const action = rejectAction(code);
	return action.kind === 'reject'
		? {...action, rejectWith: `${type} ${code}`}
		: action;
}

/** A verdict statement ({accept: null}, {jump: {target}}, ...) as an action; undefined for other statements. */
function nftVerdict(statement: Json): Action | undefined {
	if ('accept' in statement) {
		return {kind: 'accept'};
	}

	if ('drop' in statement) {
		return {kind: 'drop'};
	}

	if ('reject' in statement) {
		return nftReject(statement['reject']);
	}

	if ('return' in statement) {
		return {kind: 'return'};
	}

	if ('continue' in statement) {
		return {kind: 'continue'};
	}

	for (const kind of ['jump', 'goto'] as const) {
		const target = statement[kind];
		if (isObject(target) && typeof target['target'] === 'string') {
			return {kind, chain: target['target']};
		}
	}

	return undefined;
}

const nftPassive = new Set([
	'counter',
	'log',
	'mangle',
	'notrack',
	'set',
	'map',
	'ct helper',
	'meter',
	'snat',
	'masquerade',
	'tproxy',
	'xt-target-log',
	'dup',
	'fwd',
	'secmark',
	'synproxy',
	'last',
]);

export type Scope = {
	readonly packet: Packet;
	readonly hook: Hook;
	readonly sets: SetLookup;
};

/** What one statement of a rule contributes: a match, the action (which ends the rule), counters. */
type Effect = {
	readonly reason?: Reason;
	readonly action?: Action;
	readonly counters?: Counters;
};

const vmapUnknown = (because: string): Effect => ({
	reason: {tri: 'unknown', because},
	action: {kind: 'unknown', text: 'vmap'},
});

function vmapElements(data: unknown, sets: SetLookup) {
	if (typeof data === 'string' && data.startsWith('@')) {
		return sets(data.slice(1));
	}

	return isObject(data) && Array.isArray(data['set'])
		? (data['set'] as unknown[])
		: undefined;
}

/** A verdict map: the verdict of the element the key matches. */
function vmapEffect(vmap: Json, scope: Scope): Effect {
	const key = resolveLeft(vmap['key'], scope.packet, scope.hook);
	const elements = vmapElements(vmap['data'], scope.sets);
	if (key.kind === 'mismatch') {
		return {reason: {tri: 'no'}, action: {kind: 'continue'}};
	}

	if (key.kind === 'unknown' || !elements) {
		return vmapUnknown(
			`verdict map on ${key.kind === 'unknown' ? key.why : short(vmap['key'])}`,
		);
	}

	let unknown = false;
	for (const element of elements) {
		if (
			!Array.isArray(element) ||
			element.length !== 2 ||
			!isObject(element[1])
		) {
			unknown = true;
			continue;
		}

		const tri = elementMatches(key.value, element[0], scope.sets);
		if (tri === 'yes') {
			return {
				action: nftVerdict(element[1]) ?? {
					kind: 'unknown',
					text: short(element[1]),
				},
			};
		}

		unknown ||= tri === 'unknown';
	}

	return unknown
		? vmapUnknown('a verdict map element could not be compared')
		: {reason: {tri: 'no'}, action: {kind: 'continue'}};
}

/** `{"dnat": {"addr": "10.0.0.5", "port": 80}}`, `{"redirect": {"port": 7999}}`: literal values only. */
function nftNat(kind: 'dnat' | 'redirect', value: unknown): Action {
	const body = isObject(value) ? value : {};
	const {addr, port} = body;
	const literal =
		(addr === undefined || typeof addr === 'string') &&
		(port === undefined || typeof port === 'number');
	if (
		!literal ||
		(kind === 'dnat' && addr === undefined && port === undefined)
	) {
		return {
			kind: 'unknown',
			text: `${kind} ${short(value)} (a map or range is not followed)`,
		};
	}

	return {
		kind: 'nat',
		to: {
			kind,
			...(typeof addr === 'string' ? {address: addr} : {}),
			...(typeof port === 'number' ? {port} : {}),
		},
	};
}

function counterOf(statement: Json): Counters | undefined {
	const counter = statement['counter'];
	return isObject(counter) && typeof counter['packets'] === 'number'
		? {packets: counter['packets'], bytes: Number(counter['bytes'])}
		: undefined;
}

/** What one statement does for the packet (exported for the step's equivalence test). */
export function statementEffect(statement: unknown, scope: Scope): Effect {
	if (!isObject(statement)) {
		return {reason: {tri: 'unknown', because: short(statement)}};
	}

	const counters = counterOf(statement);
	if (counters) {
		return {counters};
	}

	const match = statement['match'];
	if (isObject(match)) {
		return {reason: nftMatch(match, scope.packet, scope.hook, scope.sets)};
	}

	const verdict = nftVerdict(statement);
	if (verdict) {
		return {action: verdict};
	}

	const vmap = statement['vmap'];
	if (isObject(vmap)) {
		return vmapEffect(vmap, scope);
	}

	const [kind = ''] = Object.keys(statement);
	if (kind === 'dnat' || kind === 'redirect') {
		return {action: nftNat(kind, statement[kind])};
	}

	if (kind === 'queue') {
		return {
			action: {
				kind: 'unknown',
				text: `${kind} (the packet is rewritten or handed elsewhere)`,
			},
		};
	}

	if (nftPassive.has(kind)) {
		return {};
	}

	// Limit, quota, ct count, xt (iptables-nft compat), and anything new: not understood.
	return {
		reason: {
			tri: 'unknown',
			because:
				kind === 'xt'
					? `iptables extension ${short(statement['xt'])}`
					: `${kind} ${short(statement[kind])}`,
		},
	};
}

/** The matches of a rule's statements up to the first that acts (allOf stops reading at a "no"). */
function* reasons(rule: NftRule, scope: Scope): Generator<Reason> {
	for (const statement of rule.expr) {
		const {reason, action} = statementEffect(statement, scope);
		if (reason) {
			yield reason;
		}

		if (action) {
			return;
		}
	}
}

/**
One rule as a step of the walk. Its statements count up to the first that acts: the match is all
of theirs together (allOf), the action the first one's, the counters the first counter's. The
match is read at once, and stops at the first "no" (the rule cannot match whatever follows); the
action, the counters and the ref that names the rule (its `nft -a` text) are read when the walk
asks, which it does only for a rule that matches or may: in a long chain most rules are skipped
unread.
*/
class NftStep implements Step {
	readonly match: Tri;
	declare readonly because?: string;
	readonly #rule: NftRule;
	readonly #scope: Scope;
	readonly #texts: ReadonlyMap<string, string> | undefined;
	#acts: {readonly action: Action; readonly counters?: Counters} | undefined;
	#ref: RuleRef | undefined;

	constructor(
		rule: NftRule,
		scope: Scope,
		texts: ReadonlyMap<string, string> | undefined,
	) {
		this.#rule = rule;
		this.#scope = scope;
		this.#texts = texts;
		const {tri, because} = allOf(reasons(rule, scope));
		this.match = tri;
		if (because) {
			(this as {because?: string}).because = because;
		}
	}

	get action(): Action {
		return this.#effects().action;
	}

	get ref(): RuleRef {
		this.#ref ??= this.#makeRef();
		return this.#ref;
	}

	/** The first action and the first counters among the statements up to it. */
	#effects() {
		if (!this.#acts) {
			let counters: Counters | undefined;
			let action: Action = {kind: 'continue'};
			for (const statement of this.#rule.expr) {
				const effect = statementEffect(statement, this.#scope);
				counters ??= effect.counters;
				if (effect.action) {
					action = effect.action;
					break;
				}
			}

			this.#acts = counters ? {action, counters} : {action};
		}

		return this.#acts;
	}

	#makeRef(): RuleRef {
		const rule = this.#rule;
		const {counters} = this.#effects();
		const text = this.#texts?.get(
			nftRuleKey(rule.family, rule.table, rule.chain, rule.handle),
		);
		return {
			source: 'nft',
			family: rule.family,
			table: rule.table,
			chain: rule.chain,
			handle: rule.handle,
			hook: this.#scope.hook,
			text: text ?? rule.expr.map(e => short(e)).join(' '),
			...(counters ? {counters} : {}),
		};
	}
}

/** A table's rules by chain, in their order. */
function rulesByChain(rules: readonly NftRule[]): Map<string, NftRule[]> {
	const byChain = new Map<string, NftRule[]>();
	for (const rule of rules) {
		const list = byChain.get(rule.chain);
		if (list) {
			list.push(rule);
		} else {
			byChain.set(rule.chain, [rule]);
		}
	}

	return byChain;
}

function familyApplies(family: string, packet: Packet): boolean {
	return (
		family === 'inet' ||
		(family === 'ip' && packet.family === 4) ||
		(family === 'ip6' && packet.family === 6)
	);
}

type NftOptions = {
	readonly texts?: ReadonlyMap<string, string>;
	readonly skip?: (family: string, table: string) => boolean;
	/** The hooks to walk; default: a local client's output, prerouting and input, or a remote one's last two. */
	readonly hooks?: readonly Hook[];
};

function nftChain(
	chain: NftChain,
	rules: readonly NftRule[],
	scope: Scope,
	texts: ReadonlyMap<string, string> | undefined,
): Chain {
	const steps = rules.map(rule => new NftStep(rule, scope, texts));
	if (!chain.hook) {
		return makeChain(chain.name, steps, undefined);
	}

	const verdict = chain.policy === 'drop' ? 'drop' : 'accept';
	const ref: RuleRef = {
		source: 'nft',
		family: chain.family,
		table: chain.table,
		chain: chain.name,
		hook: scope.hook,
		policy: true,
		text: verdict,
	};
	return makeChain(chain.name, steps, {verdict, ref});
}

/**
The base chains of native nftables tables that a packet meets. `skip` leaves out tables read
elsewhere (the iptables-nft ones, read with iptables-save for their rule numbers).
*/
export function nftBaseChains(
	ruleset: NftRuleset,
	packet: Packet,
	options: NftOptions = {},
): BaseChain[] {
	const hooks =
		options.hooks ??
		(packet.localClient
			? ['output', 'prerouting', 'input']
			: ['prerouting', 'input']);
	const bases: BaseChain[] = [];
	const tables = ruleset.tables.filter(
		t => familyApplies(t.family, packet) && !options.skip?.(t.family, t.name),
	);
	for (const table of tables) {
		const inTable = (c: {family: string; table: string}) =>
			c.family === table.family && c.table === table.name;
		const sets: SetLookup = name =>
			ruleset.sets.find(s => inTable(s) && s.name === name)?.elem;
		const rules = rulesByChain(ruleset.rules.filter(r => inTable(r)));
		const tableChains = ruleset.chains.filter(c => inTable(c));
		// The last chain of a name wins, as in a Map built from the list.
		const byName = new Map(tableChains.map(chain => [chain.name, chain]));
		const names = new Set(byName.keys());
		for (const hookChain of tableChains) {
			const hook = hookChain.hook as Hook | undefined;
			if (!hook || !hooks.includes(hook)) {
				continue;
			}

			const scope = {packet, hook, sets};
			bases.push({
				...(hookChain.type === 'nat' ? {nat: true} : {}),
				source: 'nft',
				family: table.family,
				table: table.name,
				chain: hookChain.name,
				hook,
				priority: hookChain.prio ?? 0,
				chains: new LazyChains(names, name =>
					nftChain(
						byName.get(name)!,
						rules.get(name) ?? [],
						scope,
						options.texts,
					),
				),
			});
		}
	}

	return bases;
}
