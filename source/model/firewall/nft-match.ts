/**
The match side of native nftables rules: what a left-hand expression (payload, meta, ct, fib) is
for one packet, and whether it equals a value, a set, a prefix, a range or a verdict-map key. Pure.
*/
import {inRange} from '../../net/address.js';
import {isObject, type Json} from '../../text/json.js';
import {inPrefix} from './prefix.js';
import {
	fromBoolean,
	not,
	type Hook,
	type Packet,
	type Reason,
	type Tri,
} from './rules.js';

export {isObject, type Json} from '../../text/json.js';

export type Resolved =
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

export function short(value: unknown): string {
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const value = (value: string | number): Resolved => ({kind: 'value', value});
const unknownLeft = (why: string): Resolved => ({kind: 'unknown', why});

function tcpField(protocol: string, field: unknown, packet: Packet): Resolved {
	if (field === 'dport') {
		return value(packet.dport);
	}

	return unknownLeft(
		`${protocol} ${String(field)}${field === 'sport' ? " (the client's source port is not known in advance)" : ''}`,
	);
}

function ipField(protocol: string, field: unknown, packet: Packet): Resolved {
	if ((protocol === 'ip') !== (packet.family === 4)) {
		return {kind: 'mismatch'};
	}

	switch (field) {
		case 'daddr': {
			return value(packet.daddr);
		}

		case 'saddr': {
			return packet.saddr
				? value(packet.saddr)
				: unknownLeft(`${protocol} saddr (the client's address is not known)`);
		}

		case 'protocol':
		case 'nexthdr': {
			return value('tcp');
		}

		case 'version': {
			return value(packet.family);
		}

		default: {
			return unknownLeft(`${protocol} ${String(field)}`);
		}
	}
}

function payloadField(payload: Json, packet: Packet): Resolved {
	const protocol = payload['protocol'];
	const field = payload['field'];
	if (protocol === 'tcp' || protocol === 'th') {
		return tcpField(protocol, field, packet);
	}

	if (typeof protocol === 'string' && otherProtocols.has(protocol)) {
		return {kind: 'mismatch'};
	}

	if (protocol === 'ip' || protocol === 'ip6') {
		return ipField(protocol, field, packet);
	}

	return unknownLeft(short({payload}));
}

function interfaceName(name: string | undefined, which: string): Resolved {
	return name === undefined
		? unknownLeft(`the ${which} interface is not known`)
		: value(name);
}

function metaField(key: unknown, packet: Packet, hook: Hook): Resolved {
	switch (key) {
		case 'l4proto': {
			return value('tcp');
		}

		case 'nfproto': {
			return value(packet.family === 4 ? 'ipv4' : 'ipv6');
		}

		case 'protocol': {
			return value(packet.family === 4 ? 'ip' : 'ip6');
		}

		case 'iifname':
		case 'iif': {
			return interfaceName(hook === 'output' ? '' : packet.iif, 'incoming');
		}

		case 'oifname':
		case 'oif': {
			return interfaceName(hook === 'output' ? packet.oif : '', 'outgoing');
		}

		case 'pkttype': {
			return value('host');
		}

		default: {
			return unknownLeft(`meta ${String(key)}`);
		}
	}
}

function ctField(key: unknown): Resolved {
	switch (key) {
		case 'state': {
			return value('new');
		}

		case 'direction': {
			return value('original');
		}

		case 'status': {
			// A new, not yet confirmed connection: no status flag (a dnat/redirect is followed by the NAT walk, not here).
			return value('');
		}

		default: {
			return unknownLeft(`ct ${String(key)}`);
		}
	}
}

function fibField(fib: Json, packet: Packet): Resolved | undefined {
	const flags = Array.isArray(fib['flags']) ? (fib['flags'] as unknown[]) : [];
	if (fib['result'] === 'type') {
		if (flags.includes('daddr')) {
			return value('local');
		}

		if (flags.includes('saddr') && packet.localClient) {
			return value('local');
		}
	}

	if (
		fib['result'] === 'oif' &&
		flags.includes('saddr') &&
		(packet.localClient || packet.iif !== undefined)
	) {
		// Reverse path check: the interface was taken from the route back to the client (or it is this host), so a route exists.
		return value(1);
	}

	return undefined;
}

/** What the left-hand side of a match is for this packet at this hook. */
export function resolveLeft(
	left: unknown,
	packet: Packet,
	hook: Hook,
): Resolved {
	if (!isObject(left)) {
		return unknownLeft(short(left));
	}

	const {payload, meta, ct, fib} = left;
	if (isObject(payload)) {
		return payloadField(payload, packet);
	}

	if (isObject(meta)) {
		return metaField(meta['key'], packet, hook);
	}

	if (isObject(ct)) {
		return ctField(ct['key']);
	}

	return (
		(isObject(fib) ? fibField(fib, packet) : undefined) ??
		unknownLeft(short(left))
	);
}

export type SetLookup = (name: string) => readonly unknown[] | undefined;

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
export function elementMatches(
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

export function nftMatch(
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
