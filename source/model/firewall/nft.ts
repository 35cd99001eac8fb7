/** Native nftables tables (nft -j list ruleset) as base chains of evaluated steps, for one packet. */
import type {NftChain, NftRule, NftRuleset} from '../../parsers/nft-json.js';
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

type Scope = {
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

function statementEffect(statement: unknown, scope: Scope): Effect {
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

/** The statements up to and including the first that acts, each as its effect. */
function effects(rule: NftRule, scope: Scope): Effect[] {
	const list: Effect[] = [];
	for (const statement of rule.expr) {
		const effect = statementEffect(statement, scope);
		list.push(effect);
		if (effect.action) {
			break;
		}
	}

	return list;
}

function nftStep(rule: NftRule, scope: Scope, text: string | undefined): Step {
	const list = effects(rule, scope);
	const {tri, because} = allOf(
		list.flatMap(effect => (effect.reason ? [effect.reason] : [])),
	);
	const counters = list.find(effect => effect.counters)?.counters;
	return {
		ref: {
			source: 'nft',
			family: rule.family,
			table: rule.table,
			chain: rule.chain,
			handle: rule.handle,
			hook: scope.hook,
			text: text ?? rule.expr.map(e => short(e)).join(' '),
			...(counters ? {counters} : {}),
		},
		match: tri,
		...(because ? {because} : {}),
		action: list.at(-1)?.action ?? {kind: 'continue'},
	};
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
	const steps = rules
		.filter(r => r.chain === chain.name)
		.map(rule =>
			nftStep(
				rule,
				scope,
				texts?.get(`${rule.family} ${rule.table} ${rule.chain} ${rule.handle}`),
			),
		);
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
		const rules = ruleset.rules.filter(r => inTable(r));
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
					nftChain(byName.get(name)!, rules, scope, options.texts),
				),
			});
		}
	}

	return bases;
}
