/** Native nftables tables (nft -j list ruleset) as base chains of evaluated steps, for one packet. */
import type {Counters} from '../../parsers/iptables-save.js';
import type {NftChain, NftRule, NftRuleset} from '../../parsers/nft-json.js';
import {inPrefix, inRange} from '../../net/address.js';
import {isObject, type Json} from '../../text/json.js';
import {
	fromBoolean,
	not,
	rejectAction,
	type Action,
	type BaseChain,
	type Chain,
	type Hook,
	type Packet,
	type Reason,
	type RuleRef,
	type Step,
	type Tri,
} from './rules.js';

type Resolved =
	| {kind: 'value'; value: string | number}
	| {kind: 'mismatch'}
	| {kind: 'unknown'; why: string};

const otherProtocols = new Set([
	'udp',
	'udplite',
	'sctp',
	'dccp',
	'icmp',
	'icmpv6',
	'esp',
	'ah',
	'comp',
	'igmp',
	'gre',
]);

function short(value: unknown): string {
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function resolveLeft(left: unknown, packet: Packet, hook: Hook): Resolved {
	if (!isObject(left)) {
		return {kind: 'unknown', why: short(left)};
	}

	const payload = left['payload'];
	if (isObject(payload)) {
		const protocol = payload['protocol'];
		const field = payload['field'];
		if (protocol === 'tcp' || protocol === 'th') {
			if (field === 'dport') {
				return {kind: 'value', value: packet.dport};
			}

			return {
				kind: 'unknown',
				why: `${String(protocol)} ${String(field)}${field === 'sport' ? " (the client's source port is not known in advance)" : ''}`,
			};
		}

		if (typeof protocol === 'string' && otherProtocols.has(protocol)) {
			return {kind: 'mismatch'};
		}

		if (protocol === 'ip' || protocol === 'ip6') {
			if ((protocol === 'ip') !== (packet.family === 4)) {
				return {kind: 'mismatch'};
			}

			if (field === 'daddr') {
				return {kind: 'value', value: packet.daddr};
			}

			if (field === 'saddr') {
				return packet.saddr
					? {kind: 'value', value: packet.saddr}
					: {
							kind: 'unknown',
							why: `${protocol} saddr (the client's address is not known)`,
						};
			}

			if (field === 'protocol' || field === 'nexthdr') {
				return {kind: 'value', value: 'tcp'};
			}

			if (field === 'version') {
				return {kind: 'value', value: packet.family};
			}
		}

		return {kind: 'unknown', why: short(left)};
	}

	const meta = left['meta'];
	if (isObject(meta)) {
		switch (meta['key']) {
			case 'l4proto': {
				return {kind: 'value', value: 'tcp'};
			}

			case 'nfproto': {
				return {kind: 'value', value: packet.family === 4 ? 'ipv4' : 'ipv6'};
			}

			case 'protocol': {
				return {kind: 'value', value: packet.family === 4 ? 'ip' : 'ip6'};
			}

			case 'iifname':
			case 'iif': {
				const name = hook === 'output' ? '' : packet.iif;
				return name === undefined
					? {kind: 'unknown', why: 'the incoming interface is not known'}
					: {kind: 'value', value: name};
			}

			case 'oifname':
			case 'oif': {
				const name = hook === 'output' ? packet.oif : '';
				return name === undefined
					? {kind: 'unknown', why: 'the outgoing interface is not known'}
					: {kind: 'value', value: name};
			}

			case 'pkttype': {
				return {kind: 'value', value: 'host'};
			}

			default: {
				return {kind: 'unknown', why: `meta ${String(meta['key'])}`};
			}
		}
	}

	const ct = left['ct'];
	if (isObject(ct)) {
		if (ct['key'] === 'state') {
			return {kind: 'value', value: 'new'};
		}

		if (ct['key'] === 'direction') {
			return {kind: 'value', value: 'original'};
		}

		if (ct['key'] === 'status') {
			// A new, not yet confirmed connection, not rewritten by NAT (a dnat/redirect stops the walk as uncertain): no status flag.
			return {kind: 'value', value: ''};
		}

		return {kind: 'unknown', why: `ct ${String(ct['key'])}`};
	}

	const fib = left['fib'];
	if (
		isObject(fib) &&
		fib['result'] === 'type' &&
		Array.isArray(fib['flags'])
	) {
		const flags = fib['flags'] as unknown[];
		if (flags.includes('daddr')) {
			return {kind: 'value', value: 'local'};
		}

		if (flags.includes('saddr') && packet.localClient) {
			return {kind: 'value', value: 'local'};
		}
	}

	if (
		isObject(fib) &&
		fib['result'] === 'oif' &&
		Array.isArray(fib['flags']) &&
		(fib['flags'] as unknown[]).includes('saddr') &&
		(packet.localClient || packet.iif !== undefined)
	) {
		// Reverse path check: the interface was taken from the route back to the client (or it is this host), so a route exists.
		return {kind: 'value', value: 1};
	}

	return {kind: 'unknown', why: short(left)};
}

type SetLookup = (name: string) => readonly unknown[] | undefined;

function equalValue(
	value: string | number,
	element: unknown,
): boolean | undefined {
	if (typeof element === 'boolean') {
		// "exists" / "missing" checks: 1 stands for "present".
		return (value === 1) === element;
	}

	if (typeof element === 'number' && value === 'tcp') {
		// Protocol numbers: meta l4proto 6, ip protocol 6.
		return element === 6;
	}

	if (typeof element === 'number') {
		return typeof value === 'number'
			? value === element
			: Number(value) === element;
	}

	if (typeof element === 'string') {
		if (typeof value === 'number') {
			return /^\d+$/.test(element) ? Number(element) === value : undefined;
		}

		if (value.includes('.') || value.includes(':')) {
			const same = inPrefix(value, element);
			if (same !== undefined) {
				return same;
			}
		}

		if (element.endsWith('*') && !element.endsWith('\\*')) {
			return value.startsWith(element.slice(0, -1));
		}

		return value === element;
	}

	return undefined;
}

/** Does `value` match one element of a set, prefix, range, list or plain value? */
function elementMatches(
	value: string | number,
	right: unknown,
	sets: SetLookup,
): Tri {
	if (typeof right === 'string' && right.startsWith('@')) {
		const elements = sets(right.slice(1));
		return elements ? anyElement(value, elements, sets) : 'unknown';
	}

	if (Array.isArray(right)) {
		return anyElement(value, right, sets);
	}

	if (isObject(right)) {
		if (Array.isArray(right['set'])) {
			return anyElement(value, right['set'] as unknown[], sets);
		}

		const prefix = right['prefix'];
		if (isObject(prefix) && typeof value === 'string') {
			return fromBoolean(
				inPrefix(value, `${String(prefix['addr'])}/${String(prefix['len'])}`),
			);
		}

		const range = right['range'];
		if (Array.isArray(range) && range.length === 2) {
			const [low, high] = range as [unknown, unknown];
			if (
				typeof value === 'number' &&
				typeof low === 'number' &&
				typeof high === 'number'
			) {
				return fromBoolean(value >= low && value <= high);
			}

			if (
				typeof value === 'string' &&
				typeof low === 'string' &&
				typeof high === 'string'
			) {
				return fromBoolean(inRange(value, low, high));
			}

			return 'unknown';
		}

		const elem = right['elem'];
		if (isObject(elem)) {
			return elementMatches(value, elem['val'], sets);
		}

		return 'unknown';
	}

	return fromBoolean(equalValue(value, right));
}

function anyElement(
	value: string | number,
	elements: readonly unknown[],
	sets: SetLookup,
): Tri {
	let unknown = false;
	for (const element of elements) {
		// Verdict map entries: [key, verdict].
		const key =
			Array.isArray(element) && element.length === 2 && isObject(element[1])
				? element[0]
				: element;
		const tri = elementMatches(value, key, sets);
		if (tri === 'yes') {
			return 'yes';
		}

		if (tri === 'unknown') {
			unknown = true;
		}
	}

	return unknown ? 'unknown' : 'no';
}

function nftMatch(
	match: Json,
	packet: Packet,
	hook: Hook,
	sets: SetLookup,
): Reason {
	const left = resolveLeft(match['left'], packet, hook);
	if (left.kind === 'mismatch') {
		return {tri: 'no'};
	}

	if (left.kind === 'unknown') {
		return {tri: 'unknown', because: left.why};
	}

	const op = match['op'];
	const right = match['right'];
	if (op === '==' || op === 'in' || op === '!=') {
		const tri = elementMatches(left.value, right, sets);
		const result = op === '!=' ? not(tri) : tri;
		return result === 'unknown'
			? {tri: result, because: `cannot compare with ${short(right)}`}
			: {tri: result};
	}

	if (
		(op === '<' || op === '>' || op === '<=' || op === '>=') &&
		typeof left.value === 'number' &&
		typeof right === 'number'
	) {
		const value = left.value;
		return {
			tri: fromBoolean(
				op === '<'
					? value < right
					: op === '>'
						? value > right
						: op === '<='
							? value <= right
							: value >= right,
			),
		};
	}

	return {tri: 'unknown', because: `operator ${String(op)}`};
}

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

function nftStep(
	rule: NftRule,
	packet: Packet,
	hook: Hook,
	sets: SetLookup,
	text: string | undefined,
): Step {
	let reason: Reason = {tri: 'yes'};
	let action: Action = {kind: 'continue'};
	let counters: Counters | undefined;
	const add = (next: Reason) => {
		if (next.tri === 'no') {
			reason = {tri: 'no'};
		} else if (next.tri === 'unknown' && reason.tri === 'yes') {
			reason = next;
		}
	};

	for (const statement of rule.expr) {
		if (!isObject(statement)) {
			add({tri: 'unknown', because: short(statement)});
			continue;
		}

		const counter = statement['counter'];
		if (isObject(counter) && typeof counter['packets'] === 'number') {
			counters = {packets: counter['packets'], bytes: Number(counter['bytes'])};
		}

		const match = statement['match'];
		if (isObject(match)) {
			if (reason.tri !== 'no') {
				add(nftMatch(match, packet, hook, sets));
			}

			continue;
		}

		const verdict = nftVerdict(statement);
		if (verdict) {
			action = verdict;
			break;
		}

		const vmap = statement['vmap'];
		if (isObject(vmap)) {
			const key = resolveLeft(vmap['key'], packet, hook);
			const data = vmap['data'];
			const elements =
				typeof data === 'string' && data.startsWith('@')
					? sets(data.slice(1))
					: isObject(data) && Array.isArray(data['set'])
						? (data['set'] as unknown[])
						: undefined;
			if (key.kind === 'mismatch') {
				add({tri: 'no'});
			} else if (key.kind === 'unknown' || !elements) {
				add({
					tri: 'unknown',
					because: `verdict map on ${key.kind === 'unknown' ? key.why : short(vmap['key'])}`,
				});
				action = {kind: 'unknown', text: 'vmap'};
			} else {
				let found: Action | undefined;
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

					const tri = elementMatches(key.value, element[0], sets);
					if (tri === 'yes') {
						found = nftVerdict(element[1]) ?? {
							kind: 'unknown',
							text: short(element[1]),
						};
						break;
					}

					if (tri === 'unknown') {
						unknown = true;
					}
				}

				if (found) {
					action = found;
				} else if (unknown) {
					add({
						tri: 'unknown',
						because: 'a verdict map element could not be compared',
					});
					action = {kind: 'unknown', text: 'vmap'};
				} else {
					add({tri: 'no'});
				}
			}

			break;
		}

		const [kind = ''] = Object.keys(statement);
		if (kind === 'dnat' || kind === 'redirect' || kind === 'queue') {
			action = {
				kind: 'unknown',
				text: `${kind} (the packet is rewritten or handed elsewhere)`,
			};
			break;
		}

		if (nftPassive.has(kind)) {
			continue;
		}

		// Limit, quota, ct count, xt (iptables-nft compat), and anything new: not understood.
		add({
			tri: 'unknown',
			because:
				kind === 'xt'
					? `iptables extension ${short(statement['xt'])}`
					: `${kind} ${short(statement[kind])}`,
		});
	}

	return {
		ref: {
			source: 'nft',
			family: rule.family,
			table: rule.table,
			chain: rule.chain,
			handle: rule.handle,
			text: text ?? rule.expr.map(e => short(e)).join(' '),
			...(counters ? {counters} : {}),
		},
		match: reason.tri,
		...(reason.because ? {because: reason.because} : {}),
		action,
	};
}

function familyApplies(family: string, packet: Packet): boolean {
	return (
		family === 'inet' ||
		(family === 'ip' && packet.family === 4) ||
		(family === 'ip6' && packet.family === 6)
	);
}

/**
The base chains of native nftables tables that a packet meets. `skip` leaves out tables read
elsewhere (the iptables-nft ones, read with iptables-save for their rule numbers).
*/
export function nftBaseChains(
	ruleset: NftRuleset,
	packet: Packet,
	options: {
		readonly texts?: ReadonlyMap<string, string>;
		readonly skip?: (family: string, table: string) => boolean;
	} = {},
): BaseChain[] {
	const bases: BaseChain[] = [];
	const tables = ruleset.tables.filter(
		t => familyApplies(t.family, packet) && !options.skip?.(t.family, t.name),
	);
	for (const table of tables) {
		const inTable = (c: {family: string; table: string}) =>
			c.family === table.family && c.table === table.name;
		const sets: SetLookup = name =>
			ruleset.sets.find(s => inTable(s) && s.name === name)?.elem;
		const chains = new Map<string, Chain>();
		const tableChains = ruleset.chains.filter(c => inTable(c));
		const hookChains: Array<NftChain & {hook: Hook}> = tableChains.filter(
			(c): c is NftChain & {hook: Hook} =>
				c.hook === 'input' ||
				c.hook === 'prerouting' ||
				(c.hook === 'output' && packet.localClient),
		);
		for (const hookChain of hookChains) {
			for (const chain of tableChains) {
				const policy = chain.hook
					? chain.policy === 'drop'
						? 'drop'
						: 'accept'
					: undefined;
				chains.set(chain.name, {
					name: chain.name,
					steps: ruleset.rules
						.filter(r => inTable(r) && r.chain === chain.name)
						.map(rule =>
							nftStep(
								rule,
								packet,
								hookChain.hook,
								sets,
								options.texts?.get(
									`${rule.family} ${rule.table} ${rule.chain} ${rule.handle}`,
								),
							),
						),
					...(policy
						? {
								policy: {
									verdict: policy,
									ref: {
										source: 'nft',
										family: table.family,
										table: table.name,
										chain: chain.name,
										policy: true,
										text: policy,
									} satisfies RuleRef,
								},
							}
						: {}),
				});
			}

			bases.push({
				source: 'nft',
				family: table.family,
				table: table.name,
				chain: hookChain.name,
				hook: hookChain.hook,
				priority: hookChain.prio ?? 0,
				chains: new Map(chains),
			});
		}
	}

	return bases;
}
