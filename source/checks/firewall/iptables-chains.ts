/** Iptables-save dumps (nf_tables or legacy backend) as base chains of evaluated steps, for one packet. */
import type {
	IptablesRule,
	IptablesRuleset,
	RuleOption,
} from '../../parsers/iptables-save.js';
import {inPrefix, inRange} from '../../net/address.js';
import {
	fromBoolean,
	interfaceMatches,
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

function moduleOption(
	module: string,
	option: RuleOption,
	packet: Packet,
): Reason {
	const value = optionValue(option);
	const unknown = (why: string): Reason => ({tri: 'unknown', because: why});
	const name = option.name;
	let tri: Tri;
	switch (module) {
		case '':
		case 'tcp': {
			switch (name) {
				case 'dport':
				case 'destination-port': {
					tri = portInList(packet.dport, value);

					break;
				}

				case 'sport':
				case 'source-port': {
					return unknown(
						`--sport ${value}: the client's source port is not known in advance`,
					);
				}

				case 'tcp-flags': {
					tri = tcpFlags(option.values[0] ?? '', option.values[1] ?? '');

					break;
				}

				case 'syn': {
					tri = 'yes';

					break;
				}

				default: {
					return unknown(`-m tcp --${name}`);
				}
			}

			break;
		}

		case 'multiport': {
			if (name === 'dports' || name === 'destination-ports') {
				tri = portInList(packet.dport, value);
			} else if (name === 'ports') {
				tri = portInList(packet.dport, value) === 'yes' ? 'yes' : 'unknown';
				if (tri === 'unknown') {
					return option.negated
						? unknown(`! --ports ${value}: the source port is not known`)
						: unknown(`--ports ${value}: the source port is not known`);
				}
			} else {
				return unknown(
					`-m multiport --${name} ${value}: the client's source port is not known in advance`,
				);
			}

			break;
		}

		case 'conntrack': {
			switch (name) {
				case 'ctstate': {
					tri = ctState(value);

					break;
				}

				case 'ctproto': {
					tri = fromBoolean(value === 'tcp' || value === '6');

					break;
				}

				case 'ctdir': {
					tri = fromBoolean(value === 'ORIGINAL');

					break;
				}

				case 'ctorigdst': {
					tri = fromBoolean(inPrefix(packet.daddr, value));

					break;
				}

				case 'ctorigdstport': {
					tri = portInList(packet.dport, value);

					break;
				}

				default: {
					return unknown(`-m conntrack --${name} ${value}`);
				}
			}

			break;
		}

		case 'state': {
			if (name !== 'state') {
				return unknown(`-m state --${name}`);
			}

			tri = ctState(value);
			break;
		}

		case 'comment': {
			tri = 'yes';
			break;
		}

		case 'addrtype': {
			const types = new Set(value.split(','));
			if (name === 'dst-type') {
				tri = fromBoolean(types.has('LOCAL'));
			} else if (name === 'src-type' && packet.localClient) {
				tri = fromBoolean(types.has('LOCAL'));
			} else {
				return unknown(`-m addrtype --${name} ${value}`);
			}

			break;
		}

		case 'iprange': {
			const [low = '', high = ''] = value.split('-');
			if (name === 'dst-range') {
				tri = fromBoolean(inRange(packet.daddr, low, high));
			} else if (name === 'src-range' && packet.saddr) {
				tri = fromBoolean(inRange(packet.saddr, low, high));
			} else {
				return unknown(`-m iprange --${name} ${value}`);
			}

			break;
		}

		case 'pkttype': {
			tri = fromBoolean(value === 'unicast');
			break;
		}

		case 'udp':
		case 'icmp':
		case 'icmp6':
		case 'icmpv6':
		case 'sctp':
		case 'dccp': {
			tri = 'no';
			break;
		}

		default: {
			return unknown(`-m ${module} --${name}${value ? ` ${value}` : ''}`);
		}
	}

	return {tri: option.negated ? not(tri) : tri};
}

function iptablesMatches(
	rule: IptablesRule,
	packet: Packet,
	hook: Hook,
): Reason {
	let result: Reason = {tri: 'yes'};
	const add = (reason: Reason) => {
		if (reason.tri === 'no') {
			result = {tri: 'no'};
		} else if (reason.tri === 'unknown' && result.tri === 'yes') {
			result = reason;
		}
	};

	for (const match of rule.matches) {
		if (result.tri === 'no') {
			break;
		}

		if (match.kind === 'builtin') {
			let tri: Tri;
			switch (match.name) {
				case 'p': {
					const protocol = match.value.toLowerCase();
					tri = fromBoolean(
						protocol === 'tcp' ||
							protocol === '6' ||
							protocol === 'all' ||
							protocol === '0',
					);
					break;
				}

				case 's': {
					if (!packet.saddr) {
						add({
							tri: 'unknown',
							because: `-s ${match.value}: the client's address is not known`,
						});
						continue;
					}

					tri = fromBoolean(inPrefix(packet.saddr, match.value));
					break;
				}

				case 'd': {
					tri = fromBoolean(inPrefix(packet.daddr, match.value));
					break;
				}

				case 'i': {
					tri = interfaceMatches(
						hook === 'output' ? '' : packet.iif,
						match.value,
						'+',
					);
					break;
				}

				case 'o': {
					tri = interfaceMatches(
						hook === 'output' ? packet.oif : '',
						match.value,
						'+',
					);
					break;
				}

				case 'f': {
					tri = 'no';
					break;
				}
			}

			tri = match.negated ? not(tri) : tri;
			add(
				tri === 'unknown'
					? {
							tri,
							because: `${match.negated ? '! ' : ''}-${match.name} ${match.value}`,
						}
					: {tri},
			);
			continue;
		}

		if (
			match.options.length === 0 &&
			![
				'tcp',
				'comment',
				'conntrack',
				'state',
				'multiport',
				'addrtype',
				'',
			].includes(match.name)
		) {
			add({tri: 'unknown', because: `-m ${match.name}`});
			continue;
		}

		for (const option of match.options) {
			add(moduleOption(match.name, option, packet));
		}
	}

	return result;
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

/** The base chains of an iptables-save dump that a packet of `packet.family` meets. */
export function iptablesBaseChains(
	ruleset: IptablesRuleset,
	source: RuleSource,
	packet: Packet,
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
		for (const hook of iptablesHooks) {
			if (
				hook.table !== table.name ||
				!table.chains.some(c => c.name === hook.chain) ||
				(hook.hook === 'output' && !packet.localClient)
			) {
				continue;
			}

			const chains = new Map<string, Chain>();
			for (const chain of table.chains) {
				const ref = (text: string): RuleRef => ({
					source,
					family: family === 4 ? 'ip' : 'ip6',
					table: table.name,
					chain: chain.name,
					policy: true,
					text,
					...(chain.counters ? {counters: chain.counters} : {}),
				});
				const policy =
					chain.policy === 'DROP'
						? 'drop'
						: chain.policy === 'ACCEPT'
							? 'accept'
							: undefined;
				chains.set(chain.name, {
					name: chain.name,
					steps: chain.rules.map(rule => {
						const reason = iptablesMatches(rule, packet, hook.hook);
						return {
							ref: {
								source,
								family: family === 4 ? 'ip' : 'ip6',
								table: table.name,
								chain: chain.name,
								number: rule.number,
								text: rule.text,
								...(rule.counters ? {counters: rule.counters} : {}),
							},
							match: reason.tri,
							...(reason.because ? {because: reason.because} : {}),
							action: iptablesAction(rule, family, userChains),
						};
					}),
					...(policy
						? {policy: {verdict: policy, ref: ref(chain.policy ?? '')}}
						: {}),
				});
			}

			bases.push({
				source,
				family: family === 4 ? 'ip' : 'ip6',
				table: table.name,
				chain: hook.chain,
				hook: hook.hook,
				priority: hook.priority,
				chains,
			});
		}
	}

	return bases;
}
