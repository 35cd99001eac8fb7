import net from 'node:net';
import {isIPv6} from '../net/address.js';
import {redactUrl} from './target.js';

export type ProxyChoice =
	| {readonly kind: 'none'}
	| {readonly kind: 'bypassed'; readonly variable: string; readonly by: string}
	| {
			readonly kind: 'proxy';
			readonly variable: string;
			readonly display: string;
			readonly host: string;
			readonly port: number;
	  };

function read(
	env: Readonly<Record<string, string | undefined>>,
	name: string,
): [string, string] | undefined {
	for (const variable of [name.toLowerCase(), name.toUpperCase()]) {
		const value = env[variable];
		if (value) {
			return [variable, value];
		}
	}

	return undefined;
}

function ipv4ToNumber(address: string): number {
	return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

function matchesNoProxy(entry: string, host: string, port: number): boolean {
	let pattern = entry.trim().toLowerCase();
	if (!pattern) {
		return false;
	}

	if (pattern === '*') {
		return true;
	}

	const portMatch = /^(.*[^:]):(\d+)$/.exec(pattern);
	if (portMatch && !isIPv6(pattern)) {
		if (Number(portMatch[2]) !== port) {
			return false;
		}

		pattern = portMatch[1]!;
	}

	pattern = pattern.replaceAll(/^\[|]$/g, '');
	const cidr = /^([\d.]+)\/(\d+)$/.exec(pattern);
	if (cidr && net.isIPv4(host) && net.isIPv4(cidr[1]!)) {
		const bits = Number(cidr[2]);
		const mask = bits === 0 ? 0 : (0xff_ff_ff_ff << (32 - bits)) >>> 0;
		return (
			(ipv4ToNumber(host) & mask) >>> 0 ===
			(ipv4ToNumber(cidr[1]!) & mask) >>> 0
		);
	}

	const bare = pattern.replace(/^\*?\./, '');
	return host === bare || host.endsWith(`.${bare}`);
}

/**
Which proxy an HTTP client would use for this URL: http_proxy/HTTP_PROXY for http, https_proxy/
HTTPS_PROXY for https, then all_proxy/ALL_PROXY; no_proxy/NO_PROXY exempts hosts (exact, domain
suffix, IPv4 CIDR, host:port, *). Credentials never leave this function.
*/
export function chooseProxy(
	env: Readonly<Record<string, string | undefined>>,
	scheme: string,
	host: string,
	port: number,
): ProxyChoice {
	const secure = scheme === 'https' || scheme === 'wss';
	const found =
		read(env, secure ? 'https_proxy' : 'http_proxy') ?? read(env, 'all_proxy');
	if (!found) {
		return {kind: 'none'};
	}

	const [variable, value] = found;
	const noProxy = read(env, 'no_proxy');
	if (noProxy) {
		const entry = noProxy[1]
			.split(',')
			.find(item => matchesNoProxy(item, host.toLowerCase(), port));
		if (entry !== undefined) {
			return {
				kind: 'bypassed',
				variable,
				by: `${noProxy[0]}=${noProxy[1]} (entry "${entry.trim()}")`,
			};
		}
	}

	const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(value)
		? value
		: `http://${value}`;
	let url: URL;
	try {
		url = new URL(withScheme);
	} catch {
		return {kind: 'none'};
	}

	const defaultPort =
		url.protocol === 'https:'
			? 443
			: url.protocol.startsWith('socks')
				? 1080
				: 80;
	return {
		kind: 'proxy',
		variable,
		display: redactUrl(withScheme),
		host: url.hostname.replaceAll(/^\[|]$/g, ''),
		port: url.port ? Number(url.port) : defaultPort,
	};
}
