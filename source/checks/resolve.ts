import net from 'node:net';
import {hostsLineFor, parseHostsFile} from '../parsers/hosts.js';
import type {ResolvedAddress} from '../tree/facts.js';
import {shellQuote} from '../text/sanitize.js';
import type {CheckRun} from './types.js';

const hostsPath = '/etc/hosts';

/** Getaddrinfo as a client would call it, and where each address came from. */
export const resolve: CheckRun = async ({target, io, timeoutMs, onCommand}) => {
	const plain = target.host.replace(/%.*/, '');
	if (net.isIP(plain) !== 0) {
		const family = net.isIPv6(plain) ? 6 : 4;
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

	const command = `getaddrinfo("${target.host}")  (by hand: ${shellQuote(['getent', 'ahosts', target.host])})`;
	onCommand(command);
	const [result, hostsFile] = await Promise.all([
		io.lookup(target.host, Math.max(timeoutMs, 2000)),
		io.readFile(hostsPath),
	]);
	const entries = hostsFile.ok ? parseHostsFile(hostsFile.text) : [];
	if (!result.ok) {
		const resolvConf = await io.readFile('/etc/resolv.conf');
		const servers = resolvConf.ok
			? resolvConf.text
					.split('\n')
					.filter(line => line.trim().startsWith('nameserver'))
					.map(line => line.trim())
			: [];
		const evidence = [
			`getaddrinfo("${target.host}") failed: ${result.code} (${result.message})`,
			hostsFile.ok
				? `${hostsPath} has no line for ${target.host}`
				: `${hostsPath} could not be read (${hostsFile.code})`,
			...(servers.length > 0
				? [`/etc/resolv.conf: ${servers.join('; ')}`]
				: ['/etc/resolv.conf names no nameserver']),
		];
		const shortName = !target.host.includes('.');
		const temporary =
			result.code === 'EAI_AGAIN' || result.code === 'DNS_TIMEOUT';
		return {
			status: 'problem',
			detail: `${target.host} does not resolve (${result.code})`,
			command,
			output: evidence,
			facts: {
				resolution: {ok: false, code: result.code, message: result.message},
			},
			findings: [
				{
					id: 'name-not-resolved',
					confidence: 'confirmed',
					summary: `The name ${target.host} does not resolve to any address (${result.code}${temporary ? ': the DNS server did not answer' : ': no such name'}).`,
					evidence,
					fixes: [
						{
							command: shellQuote(['getent', 'ahosts', target.host]),
							why: 'Check the name as every client on this host resolves it (files, then DNS).',
						},
						{
							command: `${shellQuote(['resolvectl', 'query', target.host])} || ${shellQuote(['dig', '+short', target.host])}`,
							why: 'Ask DNS directly, to tell a typo from a DNS server that does not answer.',
						},
						...(shortName
							? [
									{
										command: `docker compose exec <service> ${shellQuote(['getent', 'hosts', target.host])}`,
										why: `A short name like "${target.host}" is often a compose service name: it resolves only inside that compose network, not on the host. From the host, use localhost and the published port.`,
									},
								]
							: []),
						{
							command: `${shellQuote(['echo', `<address> ${target.host}`])} | ${shellQuote(['sudo', 'tee', '-a', hostsPath])}`,
							why: 'Only if the name should point at a fixed address and DNS cannot be fixed now: a hosts line overrides DNS on this host only (remove it later).',
						},
					],
				},
			],
		};
	}

	const addresses: ResolvedAddress[] = result.addresses.map(
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
		command,
		output,
		facts: {resolution: {ok: true, addresses}},
	};
};
