/**
The words of the proxy-upstream step (pure): each upstream's connection line, the server-side
hint (what listens on its port here), the findings' summaries and evidence, and the fixes, with
every piece of system text quoted by `shellQuote` and `sudo` only when not root.
*/
import {sourceOf} from '../../model/proxy/upstream.js';
import {privileged, shellQuote} from '../../text/sanitize.js';
import type {ProxyControl} from '../../proxies/types.js';
import type {ProxyKind, UpstreamFacts} from '../../tree/facts.js';
import type {Fix, Outcome} from '../../tree/types.js';
import {outcomeOf} from '../outcomes.js';
import {hostPort} from '../../net/address.js';
import {statusLine} from './kinds.js';
import {describeListener, type PortListeners} from './listening.js';
import type {Assessed} from './upstream-model.js';

const words: Record<Outcome, string> = {
	open: 'accepted',
	refused: 'refused',
	timeout: 'no answer',
	unreachable: 'unreachable',
	'dns-failure': 'name not resolved',
};

/** "connect 127.0.0.1:3000: refused (ECONNREFUSED) in 1 ms", or why it was not tried. */
export function probeLine(p: Assessed, uid: number | undefined): string {
	const {server, probe} = p;
	switch (probe.kind) {
		case 'unix': {
			return `${server.address}: a Unix socket, not TCP; check it with: ${privileged(uid, ['ss', '-xlp'])} | grep -- ${shellQuote([server.unix ?? ''])}`;
		}

		case 'no-port': {
			return `${server.address}: no port, cannot connect`;
		}

		case 'no-address': {
			return `${server.address}: the name does not resolve here (${probe.code})`;
		}

		case 'tried': {
			return probe.tries
				.map(t => {
					const dialed = hostPort(t.address, server.port!);
					const named = dialed === server.address ? '' : ` (${server.address})`;
					return `connect ${dialed}${named}: ${words[outcomeOf(t.code)]} (${t.code}) in ${t.ms} ms`;
				})
				.join('; ');
		}
	}
}

/** "/etc/nginx/conf.d/app.conf:14: proxy_pass http://127.0.0.1:3000; → connect ...". */
export const upstreamLine = (p: Assessed, uid: number | undefined) =>
	`${sourceOf(p.server)}: ${p.server.text} → ${probeLine(p, uid)}`;

export const where = (p: Assessed) => p.dialed ?? p.server.address;

export type ServerSide = {readonly evidence: string; readonly short: string};

/** What listens on the upstream's port on this host, for the server-side half of the story. */
export function serverSide(
	p: Assessed,
	port: PortListeners,
	uid: number | undefined,
): ServerSide {
	const number = p.server.port!;
	if (port.error) {
		return {
			evidence: `what listens on port ${number} here could not be read: ${port.error} (by hand: ${privileged(uid, ['ss', '-Htlnp', `sport = :${number}`])})`,
			short: `what listens on port ${number} here could not be read`,
		};
	}

	if (port.listeners.length === 0) {
		return {
			evidence: `on this host nothing listens on port ${number} at all (${port.source})`,
			short: `nothing listens on port ${number} on this host: the backend is not running, or listens on another port`,
		};
	}

	const held = port.listeners.map(l => describeListener(l)).join(', ');
	return {
		evidence: `on this host port ${number} is held by ${held} (${port.source}), not on ${where(p)}`,
		short: `port ${number} on this host is held by ${held}, not on the address the proxy dials`,
	};
}

/** "GET http://... → 502 Bad Gateway (Server: nginx/1.22.1)". */
export function httpLines(http: UpstreamFacts['http']): string[] {
	return http
		? [
				`GET ${http.url} → ${statusLine(http.status)}${http.server ? ` (Server: ${http.server})` : ''}`,
			]
		: [];
}

/** Diagnose the backend itself, here or on its host. */
export function backendFix(p: Assessed): Fix {
	const address = where(p);
	return {
		command: shellQuote(['refused', address]),
		why: p.local
			? `Diagnose the backend itself: the proxy is fine, ${address} is not accepting. This walks its listener, service and firewall on this host.`
			: `Run this on the backend host (${p.server.host ?? p.server.address}): it reads the listeners, services and firewall there.`,
	};
}

export function routeFix(p: Assessed): Fix {
	return {
		command: shellQuote(['ip', 'route', 'get', p.server.host ?? where(p)]),
		why: 'Which way the packets to the upstream go from this host.',
	};
}

/** Change the config line, test the config, reload the proxy (no dropped connections). */
export function controlFix(
	label: string,
	control: ProxyControl,
	p: Assessed,
	uid: number | undefined,
): Fix {
	return {
		command: `${privileged(uid, control.test)} && ${privileged(uid, control.reload)}`,
		why: `If the backend listens on another address or port, change ${sourceOf(p.server)} (${p.server.text}) to it, then test the config and reload ${label} (no dropped connections).`,
	};
}

/** For proxies whose config this tool does not read: how to find the upstream by hand. */
const byHand: Partial<Record<string, readonly string[]>> = {
	caddy: [
		'caddy adapt --config /etc/caddy/Caddyfile --pretty | grep -n dial',
		'journalctl -u caddy -n 50 | grep -i "dial tcp"',
	],
	envoy: [
		'curl -s http://127.0.0.1:9901/clusters | grep -E "health_flags|cx_connect_fail"',
		'curl -s http://127.0.0.1:9901/config_dump | grep -A3 socket_address',
	],
	traefik: [
		'curl -s http://127.0.0.1:8080/api/http/services | jq ".[] | {name, serverStatus}"',
		'journalctl -u traefik -n 50 | grep -i "connection refused"',
	],
	apache: [
		'sudo apachectl -S',
		'sudo grep -rn "ProxyPass" /etc/apache2 /etc/httpd 2>/dev/null',
		'sudo tail -n 50 /var/log/apache2/error.log',
	],
};

export const byHandCommands = (kind: ProxyKind): readonly string[] =>
	byHand[kind] ?? [];
