/** Iptables-save dumps (nf_tables or legacy backend) as base chains of evaluated steps, for one packet. */
import type {
	IptablesChain,
	IptablesRule,
	IptablesRuleset,
	IptablesTable,
	RuleOption,
	RuleTarget,
} from '../../parsers/iptables-save.js';
import {inRange} from '../../net/address.js';
import {inPrefix} from './prefix.js';
import {
	allOf,
	fromBoolean,
	interfaceMatches,
	LazyChains,
	makeChain,
	reason,
	not,
	portInList,
	rejectAction,
	type Action,
	type BaseChain,
	type Chain,
	type Hook,
	type Packet,
	type Reason,
	type RuleRef,
	type RuleSource,
	type Step,
	type Tri,
} from './rules.js';

const nonTerminalTargets = new Set([
	'LOG',
	'NFLOG',
	'ULOG',
	'MARK',
	'CONNMARK',
	'TRACE',
	'CT',
	'NOTRACK',
	'CLASSIFY',
	'DSCP',
	'TOS',
	'TCPMSS',
	'SET',
	'AUDIT',
	'CHECKSUM',
	'TTL',
	'HL',
	'IDLETIMER',
	'LED',
	'SECMARK',
	'CONNSECMARK',
	'TEE',
	'SNAT',
	'MASQUERADE',
	'TCPOPTSTRIP',
	'SYNPROXY',
]);

function optionValue(option: RuleOption): string {
	return option.values.join(' ');
}

/** A SYN: flags set = {SYN}. */
function tcpFlags(mask: string, comp: string): Tri {
	const all: readonly string[] = [
		'FIN',
		'SYN',
		'RST',
		'PSH',
		'ACK',
		'URG',
		'ECE',
		'CWR',
	];
	const list = (text: string): readonly string[] =>
		text === 'ALL' ? all : text === 'NONE' ? [] : text.split(',');
	const maskList = list(mask);
	const compList = list(comp);
	if ([...maskList, ...compList].some(flag => !all.includes(flag))) {
		return 'unknown';
	}

	const set: readonly string[] = maskList.filter(flag => flag === 'SYN');
	return fromBoolean(
		set.length === compList.length &&
			compList.every(flag => set.includes(flag)),
	);
}

function ctState(values: string): Tri {
	return fromBoolean(
		values.split(',').some(state => state.toUpperCase() === 'NEW'),
	);
}

type OptionMatcher = (option: RuleOption, packet: Packet) => Reason;

const unknown = (why: string): Reason => ({tri: 'unknown', because: why});

function tcpOption(option: RuleOption, packet: Packet): Reason {
	const value = optionValue(option);
	switch (option.name) {
		case 'dport':
		case 'destination-port': {
			return {tri: portInList(packet.dport, value)};
		}

		case 'sport':
		case 'source-port': {
			return unknown(
				`--sport ${value}: the client's source port is not known in advance`,
			);
		}

		case 'tcp-flags': {
			return {tri: tcpFlags(option.values[0] ?? '', option.values[1] ?? '')};
		}

		case 'syn': {
			return {tri: 'yes'};
		}

		default: {
			return unknown(`-m tcp --${option.name}`);
		}
	}
}

function multiportOption(option: RuleOption, packet: Packet): Reason {
	const value = optionValue(option);
	if (option.name === 'dports' || option.name === 'destination-ports') {
		return {tri: portInList(packet.dport, value)};
	}

	if (option.name === 'ports') {
		return portInList(packet.dport, value) === 'yes'
			? {tri: 'yes'}
			: unknown(
					`${option.negated ? '! ' : ''}--ports ${value}: the source port is not known`,
				);
	}

	return unknown(
		`-m multiport --${option.name} ${value}: the client's source port is not known in advance`,
	);
}

function conntrackOption(option: RuleOption, packet: Packet): Reason {
	const value = optionValue(option);
	switch (option.name) {
		case 'ctstate': {
			return {tri: ctState(value)};
		}

		case 'ctproto': {
			return {tri: fromBoolean(value === 'tcp' || value === '6')};
		}

		case 'ctdir': {
			return {tri: fromBoolean(value === 'ORIGINAL')};
		}

		case 'ctorigdst': {
			return {tri: fromBoolean(inPrefix(packet.daddr, value))};
		}

		case 'ctorigdstport': {
			return {tri: portInList(packet.dport, value)};
		}

		default: {
			return unknown(`-m conntrack --${option.name} ${value}`);
		}
	}
}

function addrtypeOption(option: RuleOption, packet: Packet): Reason {
	const value = optionValue(option);
	const types = new Set(value.split(','));
	if (
		option.name === 'dst-type' ||
		(option.name === 'src-type' && packet.localClient)
	) {
		return {tri: fromBoolean(types.has('LOCAL'))};
	}

	return unknown(`-m addrtype --${option.name} ${value}`);
}

function iprangeOption(option: RuleOption, packet: Packet): Reason {
	const value = optionValue(option);
	const [low = '', high = ''] = value.split('-');
	if (option.name === 'dst-range') {
		return {tri: fromBoolean(inRange(packet.daddr, low, high))};
	}

	if (option.name === 'src-range' && packet.saddr) {
		return {tri: fromBoolean(inRange(packet.saddr, low, high))};
	}

	return unknown(`-m iprange --${option.name} ${value}`);
}

const never: OptionMatcher = () => ({tri: 'no'});

/** Match modules understood, by name ("" is the protocol's implicit module: `-p tcp --dport 80`). */
const moduleMatchers: Readonly<Record<string, OptionMatcher>> = {
	'': tcpOption,
	tcp: tcpOption,
	multiport: multiportOption,
	conntrack: conntrackOption,
	state: option =>
		option.name === 'state'
			? {tri: ctState(optionValue(option))}
			: unknown(`-m state --${option.name}`),
	comment: () => ({tri: 'yes'}),
	addrtype: addrtypeOption,
	iprange: iprangeOption,
	pkttype: option => ({tri: fromBoolean(optionValue(option) === 'unicast')}),
	udp: never,
	icmp: never,
	icmp6: never,
	icmpv6: never,
	sctp: never,
	dccp: never,
};

function moduleOption(
	module: string,
	option: RuleOption,
	packet: Packet,
): Reason {
	const matcher = moduleMatchers[module];
	if (!matcher) {
		const value = optionValue(option);
		return unknown(`-m ${module} --${option.name}${value ? ` ${value}` : ''}`);
	}

	const result = matcher(option, packet);
	return result.tri === 'unknown'
		? result
		: {tri: option.negated ? not(result.tri) : result.tri};
}

type Builtin = Extract<IptablesRule['matches'][number], {kind: 'builtin'}>;

function builtinTri(match: Builtin, packet: Packet, hook: Hook): Tri {
	switch (match.name) {
		case 'p': {
			return fromBoolean(
				['tcp', '6', 'all', '0'].includes(match.value.toLowerCase()),
			);
		}

		case 's': {
			return packet.saddr
				? fromBoolean(inPrefix(packet.saddr, match.value))
				: 'unknown';
		}

		case 'd': {
			return fromBoolean(inPrefix(packet.daddr, match.value));
		}

		case 'i': {
			return interfaceMatches(
				hook === 'output' ? '' : packet.iif,
				match.value,
				'+',
			);
		}

		case 'o': {
			return interfaceMatches(
				hook === 'output' ? packet.oif : '',
				match.value,
				'+',
			);
		}

		case 'f': {
			return 'no';
		}
	}
}

function builtinMatch(match: Builtin, packet: Packet, hook: Hook): Reason {
	if (match.name === 's' && !packet.saddr) {
		return unknown(`-s ${match.value}: the client's address is not known`);
	}

	const tri = builtinTri(match, packet, hook);
	return reason(
		match.negated ? not(tri) : tri,
		`${match.negated ? '! ' : ''}-${match.name} ${match.value}`,
	);
}

const optionless = new Set([
	'tcp',
	'comment',
	'conntrack',
	'state',
	'multiport',
	'addrtype',
	'',
]);

function* matchReasons(
	rule: IptablesRule,
	packet: Packet,
	hook: Hook,
): Generator<Reason> {
	for (const match of rule.matches) {
		if (match.kind === 'builtin') {
			yield builtinMatch(match, packet, hook);
		} else if (match.options.length === 0 && !optionless.has(match.name)) {
			yield unknown(`-m ${match.name}`);
		} else {
			for (const option of match.options) {
				yield moduleOption(match.name, option, packet);
			}
		}
	}
}

function iptablesMatches(
	rule: IptablesRule,
	packet: Packet,
	hook: Hook,
): Reason {
	return allOf(matchReasons(rule, packet, hook));
}

/** A single port ("80"), not a range: a range is one port per connection, not known in advance. */
function singlePort(text: string | undefined): number | undefined | false {
	if (text === undefined || text === '') {
		return undefined;
	}

	return /^\d+$/.test(text) ? Number(text) : false;
}

/** `--to-destination 10.0.0.5:80`, `[fd00::5]:80`, `10.0.0.5`, `fd00::5`; ranges are not followed. */
function parseDestination(
	text: string,
): {address?: string; port?: number} | undefined {
	const bracketed = /^\[([^\]]+)](?::(.*))?$/.exec(text);
	const plain = /^([\d.]+)(?::(.*))?$/.exec(text);
	const [address, portText] = bracketed
		? [bracketed[1], bracketed[2]]
		: plain
			? [plain[1], plain[2]]
			: /^[\da-f:]+$/i.test(text)
				? [text, undefined]
				: [undefined, undefined];
	const port = singlePort(portText);
	if (port === false || address === undefined) {
		return undefined;
	}

	return {
		...(address ? {address} : {}),
		...(port === undefined ? {} : {port}),
	};
}

function natAction(target: RuleTarget): Action {
	const text = (name: string) =>
		target.options.find(o => o.name === name)?.values.join(' ');
	const unknown = {
		kind: 'unknown',
		text: `-j ${target.name} with a range or a form not followed`,
	} as const;
	if (target.name === 'REDIRECT') {
		const port = singlePort(text('to-ports'));
		return port === false
			? unknown
			: {kind: 'nat', to: {kind: 'redirect', ...(port ? {port} : {})}};
	}

	const to = parseDestination(text('to-destination') ?? '');
	return to ? {kind: 'nat', to: {kind: 'dnat', ...to}} : unknown;
}

function iptablesAction(
	rule: IptablesRule,
	family: 4 | 6,
	userChains: ReadonlySet<string>,
): Action {
	const target = rule.target;
	if (!target) {
		return {kind: 'continue'};
	}

	switch (target.name) {
		case 'ACCEPT': {
			return {kind: 'accept'};
		}

		case 'DROP': {
			return {kind: 'drop'};
		}

		case 'REJECT': {
			const option = target.options.find(o => o.name === 'reject-with');
			return rejectAction(
				option
					? optionValue(option)
					: family === 4
						? 'icmp-port-unreachable'
						: 'icmp6-port-unreachable',
			);
		}

		case 'RETURN': {
			return {kind: 'return'};
		}

		case 'DNAT':
		case 'REDIRECT': {
			return natAction(target);
		}

		default: {
			if (userChains.has(target.name)) {
				return {kind: target.goto ? 'goto' : 'jump', chain: target.name};
			}

			if (nonTerminalTargets.has(target.name)) {
				return {kind: 'continue'};
			}

			return {kind: 'unknown', text: `-j ${target.name}`};
		}
	}
}

/** Built-in chains of iptables tables on the path of an incoming connection, with their hook priorities. */
const iptablesHooks: ReadonlyArray<{
	table: string;
	chain: string;
	hook: Hook;
	priority: number;
}> = [
	{table: 'raw', chain: 'OUTPUT', hook: 'output', priority: -300},
	{table: 'mangle', chain: 'OUTPUT', hook: 'output', priority: -150},
	{table: 'nat', chain: 'OUTPUT', hook: 'output', priority: -100},
	{table: 'filter', chain: 'OUTPUT', hook: 'output', priority: 0},
	{table: 'security', chain: 'OUTPUT', hook: 'output', priority: 50},
	{table: 'raw', chain: 'PREROUTING', hook: 'prerouting', priority: -300},
	{table: 'mangle', chain: 'PREROUTING', hook: 'prerouting', priority: -150},
	{table: 'nat', chain: 'PREROUTING', hook: 'prerouting', priority: -100},
	{table: 'mangle', chain: 'INPUT', hook: 'input', priority: -150},
	{table: 'filter', chain: 'INPUT', hook: 'input', priority: 0},
	{table: 'security', chain: 'INPUT', hook: 'input', priority: 50},
	{table: 'nat', chain: 'INPUT', hook: 'input', priority: 100},
];

function iptablesChain(
	table: IptablesTable,
	chain: IptablesChain,
	context: {
		source: RuleSource;
		packet: Packet;
		hook: Hook;
		userChains: ReadonlySet<string>;
	},
): Chain {
	const {source, packet, hook, userChains} = context;
	const family = packet.family === 4 ? 'ip' : 'ip6';
	const where = {source, family, table: table.name, chain: chain.name, hook};
	const steps = chain.rules.map((rule): Step => {
		const {tri, because} = iptablesMatches(rule, packet, hook);
		return {
			ref: {
				...where,
				number: rule.number,
				text: rule.text,
				...(rule.counters ? {counters: rule.counters} : {}),
			},
			match: tri,
			...(because ? {because} : {}),
			action: iptablesAction(rule, packet.family, userChains),
		};
	});
	const verdict =
		chain.policy === 'DROP'
			? 'drop'
			: chain.policy === 'ACCEPT'
				? 'accept'
				: undefined;
	const ref: RuleRef = {
		...where,
		policy: true,
		text: chain.policy ?? '',
		...(chain.counters ? {counters: chain.counters} : {}),
	};
	return makeChain(chain.name, steps, verdict ? {verdict, ref} : undefined);
}

/** The base chains of an iptables-save dump that a packet of `packet.family` meets. */
export function iptablesBaseChains(
	ruleset: IptablesRuleset,
	source: RuleSource,
	packet: Packet,
	hooks: readonly Hook[] = packet.localClient
		? ['output', 'prerouting', 'input']
		: ['prerouting', 'input'],
): BaseChain[] {
	const family = source.startsWith('ip6') ? 6 : 4;
	if (family !== packet.family) {
		return [];
	}

	const bases: BaseChain[] = [];
	for (const table of ruleset.tables) {
		const userChains = new Set(
			table.chains.filter(c => c.policy === undefined).map(c => c.name),
		);
		// The last chain of a name wins, as in a Map built from the list.
		const byName = new Map(table.chains.map(chain => [chain.name, chain]));
		const names = new Set(byName.keys());
		for (const hook of iptablesHooks) {
			if (
				hook.table !== table.name ||
				!byName.has(hook.chain) ||
				!hooks.includes(hook.hook)
			) {
				continue;
			}

			const context = {source, packet, hook: hook.hook, userChains};
			bases.push({
				...(table.name === 'nat' ? {nat: true} : {}),
				source,
				family: family === 4 ? 'ip' : 'ip6',
				table: table.name,
				chain: hook.chain,
				hook: hook.hook,
				priority: hook.priority,
				chains: new LazyChains(names, name =>
					iptablesChain(table, byName.get(name)!, context),
				),
			});
		}
	}

	return bases;
}
