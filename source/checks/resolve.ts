import {
	hostsLineFor,
	parseHostsFile,
	type HostsEntry,
} from '../parsers/hosts.js';
import type {ResolvedAddress, Target} from '../tree/facts.js';
import {shellQuote} from '../text/sanitize.js';
import type {CheckResult, Finding} from '../tree/types.js';
import {isIP, isIPv6} from '../net/address.js';
import {defineCheck, type JudgeInput} from './define.js';
import type {CheckContext, LookupResult} from './types.js';

const hostsPath = '/etc/hosts';

/** What getaddrinfo said, with /etc/hosts (and /etc/resolv.conf when it failed) beside it. */
export type ResolveObservations =
	| {readonly literal: true}
	| {
			readonly literal: false;
			readonly lookup: LookupResult;
			readonly hosts:
				| {readonly ok: true; readonly entries: readonly HostsEntry[]}
				| {readonly ok: false; readonly code: string};
			/** The nameserver lines of /etc/resolv.conf, read only when the lookup failed. */
			readonly nameservers?: readonly string[];
	  };

const isLiteral = (target: Target) =>
	isIP(target.host.replace(/%.*/, '')) !== 0;

const commandOf = (target: Target) =>
	`getaddrinfo("${target.host}")  (by hand: ${shellQuote(['getent', 'ahosts', target.host])})`;

/** Getaddrinfo as a client would call it, and the files that say where each address came from. */
export async function measureResolve({
	target,
	io,
	timeoutMs,
	onCommand,
}: CheckContext): Promise<ResolveObservations> {
	if (isLiteral(target)) {
		return {literal: true};
	}

	onCommand(commandOf(target));
	const [lookup, hostsFile] = await Promise.all([
		io.lookup(target.host, Math.max(timeoutMs, 2000)),
		io.readFile(hostsPath),
	]);
	const hosts = hostsFile.ok
		? {ok: true as const, entries: parseHostsFile(hostsFile.text)}
		: {ok: false as const, code: hostsFile.code};
	if (lookup.ok) {
		return {literal: false, lookup, hosts};
	}

	const resolvConf = await io.readFile('/etc/resolv.conf');
	const nameservers = resolvConf.ok
		? resolvConf.text
				.split('\n')
				.filter(line => line.trim().startsWith('nameserver'))
				.map(line => line.trim())
		: [];
	return {literal: false, lookup, hosts, nameservers};
}

/** Pure: the words and fixes of a name that does not resolve. */
export function explainNotResolved(
	host: string,
	code: string,
	evidence: readonly string[],
): Finding {
	const shortName = !host.includes('.');
	const temporary = code === 'EAI_AGAIN' || code === 'DNS_TIMEOUT';
	return {
		id: 'name-not-resolved',
		confidence: 'confirmed',
		summary: `The name ${host} does not resolve to any address (${code}${temporary ? ': the DNS server did not answer' : ': no such name'}).`,
		evidence: [...evidence],
		fixes: [
			{
				command: shellQuote(['getent', 'ahosts', host]),
				why: 'Check the name as every client on this host resolves it (files, then DNS).',
			},
			{
				command: `${shellQuote(['resolvectl', 'query', host])} || ${shellQuote(['dig', '+short', host])}`,
				why: 'Ask DNS directly, to tell a typo from a DNS server that does not answer.',
			},
			...(shortName
				? [
						{
							command: `docker compose exec <service> ${shellQuote(['getent', 'hosts', host])}`,
							why: `A short name like "${host}" is often a compose service name: it resolves only inside that compose network, not on the host. From the host, use localhost and the published port.`,
						},
					]
				: []),
			{
				command: `${shellQuote(['echo', `<address> ${host}`])} | ${shellQuote(['sudo', 'tee', '-a', hostsPath])}`,
				why: 'Only if the name should point at a fixed address and DNS cannot be fixed now: a hosts line overrides DNS on this host only (remove it later).',
			},
		],
	};
}

function notResolved(
	target: Target,
	failed: {readonly code: string; readonly message: string},
	hosts: Extract<ResolveObservations, {literal: false}>['hosts'],
	nameservers: readonly string[],
): CheckResult {
	const evidence = [
		`getaddrinfo("${target.host}") failed: ${failed.code} (${failed.message})`,
		hosts.ok
			? `${hostsPath} has no line for ${target.host}`
			: `${hostsPath} could not be read (${hosts.code})`,
		...(nameservers.length > 0
			? [`/etc/resolv.conf: ${nameservers.join('; ')}`]
			: ['/etc/resolv.conf names no nameserver']),
	];
	return {
		status: 'problem',
		detail: `${target.host} does not resolve (${failed.code})`,
		command: commandOf(target),
		output: evidence,
		facts: {
			resolution: {ok: false, code: failed.code, message: failed.message},
		},
		findings: [explainNotResolved(target.host, failed.code, evidence)],
	};
}

/** Pure: the addresses, each with where it came from (a hosts line or DNS). */
export function judgeResolve(
	observations: ResolveObservations,
	{target}: Pick<JudgeInput, 'target'>,
): CheckResult {
	if (observations.literal) {
		const family = isIPv6(target.host.replace(/%.*/, '')) ? 6 : 4;
		return {
			status: 'passed',
			detail: `${target.host} is an address: nothing to resolve`,
			facts: {
				resolution: {
					ok: true,
					addresses: [{address: target.host, family, source: 'literal'}],
				},
			},
		};
	}

	const {lookup, hosts} = observations;
	if (!lookup.ok) {
		return notResolved(target, lookup, hosts, observations.nameservers ?? []);
	}

	const entries = hosts.ok ? hosts.entries : [];
	const addresses: ResolvedAddress[] = lookup.addresses.map(
		({address, family}) => {
			const entry = hostsLineFor(entries, target.host, address);
			return {
				address,
				family,
				source: entry ? `${hostsPath}:${entry.line}` : 'dns',
			};
		},
	);
	const output = addresses.map(a => {
		const entry =
			a.source === 'dns'
				? undefined
				: entries.find(e => `${hostsPath}:${e.line}` === a.source);
		return `${a.address.padEnd(20)} IPv${a.family}  ${a.source === 'dns' ? 'from DNS' : `from ${a.source}: ${entry?.text ?? ''}`}`;
	});
	return {
		status: 'passed',
		detail: `${target.host} → ${addresses.map(a => a.address).join(', ')}`,
		command: commandOf(target),
		output,
		facts: {resolution: {ok: true, addresses}},
	};
}

export const resolve = defineCheck<ResolveObservations>({
	measure: measureResolve,
	judge: judgeResolve,
});
