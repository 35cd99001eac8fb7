/**
How HAProxy routes a connection (pure, on parsed sections): the frontend or listen section that
binds address:port, its backends (use_backend, default_backend, the defaults' default_backend)
and their servers, each with file:line. A server without a port (or with +N/-N) is relative to
the port the client connected to.
*/
import {
	parseHaproxyBind,
	type HaproxyLine,
	type HaproxySection,
} from '../../parsers/haproxy.js';
import type {ProxyRequest, ProxyRoute, UpstreamServer} from './upstream.js';

export type HaproxyRoute = {
	/** The frontend or listen section that binds the port. */
	readonly frontend?: HaproxySection;
	readonly reason: string;
	readonly backends: ReadonlyArray<{
		readonly section: HaproxySection;
		readonly via: string;
		readonly servers: readonly UpstreamServer[];
	}>;
};

function serverOf(
	line: HaproxyLine,
	file: string,
	clientPort: number,
): UpstreamServer | undefined {
	const [name, spec, ...options] = line.args;
	if (!name || !spec) {
		return undefined;
	}

	const base = {
		name,
		file,
		line: line.line,
		text: line.text,
		checked: options.includes('check'),
		flags: options.filter(o => o === 'backup' || o === 'disabled'),
	};
	const plain = spec.replace(/^(ipv4|ipv6|tcp|tcp4|tcp6)@/, '');
	if (plain.startsWith('unix@') || plain.startsWith('/')) {
		const path = plain.replace(/^unix@/, '');
		return {...base, address: `unix:${path}`, unix: path};
	}

	const match = /^(?:\[([^\]]*)]|([^:]+))(?::([+-]?\d*))?$/.exec(plain);
	if (!match) {
		return {...base, address: spec};
	}

	const host = match[1] ?? match[2]!;
	const portText = match[3];
	// No port, or a "+N"/"-N" offset: relative to the port the client connected to.
	const port = portText
		? /^[+-]/.test(portText)
			? clientPort + Number(portText)
			: Number(portText)
		: clientPort;
	return {
		...base,
		address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
		host,
		port,
	};
}

/** Which frontend binds address:port, and the backends (default_backend, use_backend) and servers behind it. */
export function routeHaproxy(
	sections: readonly HaproxySection[],
	request: {readonly address: string; readonly port: number},
): HaproxyRoute {
	const binds = (section: HaproxySection) =>
		section.lines
			.filter(l => l.keyword === 'bind')
			.flatMap(l =>
				l.args[0]
					? parseHaproxyBind(l.args[0]).map(b => ({bind: b, line: l}))
					: [],
			);
	const matching = sections
		.filter(s => s.kind === 'frontend' || s.kind === 'listen')
		.map(section => ({
			section,
			hit: binds(section).find(
				({bind}) =>
					request.port >= bind.port &&
					request.port <= bind.portEnd &&
					(bind.address === undefined || bind.address === request.address),
			),
		}))
		.filter(m => m.hit !== undefined);
	const chosen =
		matching.find(m => m.hit!.bind.address === request.address) ?? matching[0];
	if (!chosen) {
		return {
			reason: `no frontend or listen section binds port ${request.port}`,
			backends: [],
		};
	}

	const {section: frontend, hit} = chosen;
	const reason = `${frontend.kind} ${frontend.name} at ${frontend.file}:${frontend.line} (${hit!.line.text} at line ${hit!.line.line})`;
	const backends: Array<{
		section: HaproxySection;
		via: string;
		servers: UpstreamServer[];
	}> = [];
	const serversOf = (section: HaproxySection) =>
		section.lines
			.filter(l => l.keyword === 'server')
			.map(l => serverOf(l, section.file, request.port))
			.filter(s => s !== undefined);
	if (frontend.kind === 'listen') {
		backends.push({
			section: frontend,
			via: `listen ${frontend.name}`,
			servers: serversOf(frontend),
		});
	}

	const named = new Map<string, string>();
	for (const line of frontend.lines) {
		if (
			(line.keyword === 'use_backend' || line.keyword === 'default_backend') &&
			line.args[0]
		) {
			named.set(line.args[0], `${line.text} (line ${line.line})`);
		}
	}

	// The defaults' default_backend applies when the frontend names none.
	if ([...named.keys()].length === 0 && frontend.kind === 'frontend') {
		const defaults = sections.findLast(
			s => s.kind === 'defaults' && s.line < frontend.line,
		);
		const line = defaults?.lines.find(l => l.keyword === 'default_backend');
		if (line?.args[0]) {
			named.set(line.args[0], `${line.text} (defaults, line ${line.line})`);
		}
	}

	for (const [name, via] of named) {
		const section = sections.find(
			s => (s.kind === 'backend' || s.kind === 'listen') && s.name === name,
		);
		if (section) {
			backends.push({section, via, servers: serversOf(section)});
		}
	}

	return {frontend, reason, backends};
}

/** The route in the terms every proxy dialect shares. */
export function haproxyProxyRoute(
	sections: readonly HaproxySection[],
	request: ProxyRequest,
): ProxyRoute {
	const routed = routeHaproxy(sections, request);
	const reasons = [
		routed.reason,
		...routed.backends.map(
			b =>
				`backend ${b.section.name} at ${b.section.file}:${b.section.line} (${b.via})`,
		),
	];
	const none = routed.frontend
		? routed.backends.length === 0
			? `${routed.reason} names no backend with servers`
			: undefined
		: `HAProxy's config: ${routed.reason}`;
	return {
		reasons,
		servers: routed.backends.flatMap(b => b.servers),
		notes: [],
		...(none === undefined ? {} : {none}),
	};
}
