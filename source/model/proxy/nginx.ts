/**
How nginx routes a request (pure, on parsed directives): the server block that answers a
connection to address:port with this Host, the location nginx would pick for the path, and the
*_pass directive there, resolved through `upstream` blocks to servers with their file:line.
*/
import {
	hostPortPrefix,
	parseNginxAddress,
	parseNginxListen,
	type NginxDirective,
	type NginxListen,
} from '../../parsers/nginx.js';
import type {ProxyRequest, ProxyRoute, UpstreamServer} from './upstream.js';

export type NginxServerBlock = {
	readonly context: 'http' | 'stream';
	readonly file: string;
	readonly line: number;
	readonly listens: readonly NginxListen[];
	readonly names: readonly string[];
	readonly directives: readonly NginxDirective[];
};

export type NginxPass = {
	/** Proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass, grpc_pass. */
	readonly directive: string;
	readonly value: string;
	readonly file: string;
	readonly line: number;
	/** The location it belongs to ("/api/", "= /x", "~ \.php$"), undefined at server level (stream). */
	readonly location?: string;
	/** The upstream block it names, if any. */
	readonly upstreamName?: string;
	/** The addresses it sends to ([] when it uses a variable, which only nginx resolves at run time). */
	readonly servers: readonly UpstreamServer[];
	/** Contains a $variable: the address is decided per request. */
	readonly variable: boolean;
};

export type NginxRoute = {
	readonly server?: NginxServerBlock;
	/** Why this server block: "listen 127.0.0.1:8080 (app.conf:6), server_name app.local". */
	readonly serverReason: string;
	readonly location?: string;
	readonly passes: readonly NginxPass[];
};

const passDirectives = new Set([
	'proxy_pass',
	'fastcgi_pass',
	'uwsgi_pass',
	'scgi_pass',
	'grpc_pass',
]);

export function walk(
	directives: readonly NginxDirective[],
	visit: (
		directive: NginxDirective,
		parents: readonly NginxDirective[],
	) => void,
	parents: readonly NginxDirective[] = [],
) {
	for (const directive of directives) {
		visit(directive, parents);
		if (directive.block) {
			walk(directive.block, visit, [...parents, directive]);
		}
	}
}

const schemePorts: Readonly<Record<string, number>> = {
	http: 80,
	https: 443,
	grpc: 80,
	grpcs: 443,
};

/** The servers of `upstream NAME {}` blocks, by context and name. */
function upstreamBlocks(
	directives: readonly NginxDirective[],
): Map<string, NginxDirective> {
	const blocks = new Map<string, NginxDirective>();
	walk(directives, (directive, parents) => {
		if (directive.name === 'upstream' && directive.block && directive.args[0]) {
			const context = parents.at(-1)?.name ?? 'main';
			blocks.set(`${context}/${directive.args[0]}`, directive);
		}
	});
	return blocks;
}

function resolvePass(
	directive: NginxDirective,
	context: 'http' | 'stream',
	upstreams: Map<string, NginxDirective>,
	location: string | undefined,
): NginxPass {
	const value = directive.args[0] ?? '';
	const base = {
		directive: directive.name,
		value,
		file: directive.file,
		line: directive.line,
		...(location === undefined ? {} : {location}),
	};
	const text = `${directive.name} ${directive.args.join(' ')};`;
	if (value.includes('$')) {
		return {...base, servers: [], variable: true};
	}

	let rest = value;
	let defaultPort: number | undefined;
	const scheme = /^([a-z]+):\/\//i.exec(value);
	if (scheme) {
		rest = value.slice(scheme[0].length);
		defaultPort = schemePorts[scheme[1]!.toLowerCase()];
	}

	if (rest.startsWith('unix:')) {
		const server = parseNginxAddress(rest, undefined);
		return {
			...base,
			servers: [
				{
					...server,
					file: directive.file,
					line: directive.line,
					text,
					flags: [],
				},
			],
			variable: false,
		};
	}

	// Host part: up to the first "/" (after an optional [v6]).
	const hostPart = hostPortPrefix(rest);
	const block = upstreams.get(`${context}/${hostPart}`);
	if (block?.block) {
		const servers: UpstreamServer[] = [];
		for (const entry of block.block) {
			if (entry.name !== 'server' || !entry.args[0]) {
				continue;
			}

			const flags = entry.args
				.slice(1)
				.filter(a => a === 'backup' || a === 'down');
			servers.push({
				...parseNginxAddress(
					entry.args[0],
					context === 'http' ? 80 : undefined,
				),
				file: entry.file,
				line: entry.line,
				text: `server ${entry.args.join(' ')};`,
				flags,
			});
		}

		return {...base, upstreamName: hostPart, servers, variable: false};
	}

	return {
		...base,
		servers: [
			{
				...parseNginxAddress(hostPart, defaultPort),
				file: directive.file,
				line: directive.line,
				text,
				flags: [],
			},
		],
		variable: false,
	};
}

/** Every server block (http and stream) with its listens and names. */
export function nginxServers(
	directives: readonly NginxDirective[],
): NginxServerBlock[] {
	const servers: NginxServerBlock[] = [];
	walk(directives, (directive, parents) => {
		const parent = parents.at(-1)?.name;
		if (
			directive.name !== 'server' ||
			!directive.block ||
			(parent !== 'http' && parent !== 'stream')
		) {
			return;
		}

		const listens = directive.block
			.filter(d => d.name === 'listen')
			.map(d => parseNginxListen(d.args, 80))
			.filter(l => l !== undefined);
		const names = directive.block
			.filter(d => d.name === 'server_name')
			.flatMap(d => d.args);
		servers.push({
			context: parent,
			file: directive.file,
			line: directive.line,
			// No listen directive: *:80 (nginx runs as root) or *:8000 otherwise; both are given.
			listens:
				listens.length > 0 || parent === 'stream'
					? listens
					: [
							{port: 80, defaultServer: false},
							{port: 8000, defaultServer: false},
						],
			names,
			directives: directive.block,
		});
	});
	return servers;
}

function nameMatches(pattern: string, host: string): boolean {
	const lower = host.toLowerCase();
	const p = pattern.toLowerCase();
	if (p.startsWith('~')) {
		try {
			return new RegExp(pattern.slice(1), 'i').test(host);
		} catch {
			return false;
		}
	}

	if (p.startsWith('*.')) {
		return lower.endsWith(p.slice(1));
	}

	if (p.startsWith('.')) {
		return lower === p.slice(1) || lower.endsWith(p);
	}

	if (p.endsWith('.*')) {
		return lower.startsWith(p.slice(0, -1));
	}

	return p === lower;
}

type LocationMatch = {
	readonly directive: NginxDirective;
	readonly label: string;
};

/** The prefix a location matches by ("/api/" of `location /api/` or `location ^~ /api/`). */
function prefixOf(location: NginxDirective): string | undefined {
	const [first, second] = location.args;
	if (first === '^~') {
		return second;
	}

	return first && !['=', '~', '~*'].includes(first) && !first.startsWith('@')
		? first
		: undefined;
}

function regexMatches(location: NginxDirective, path: string): boolean {
	const [first, second] = location.args;
	if ((first !== '~' && first !== '~*') || second === undefined) {
		return false;
	}

	try {
		return new RegExp(second, first === '~*' ? 'i' : '').test(path);
	} catch {
		return false;
	}
}

/** Nginx's order: an exact `=` match, the longest prefix (final with ^~), the first regex, the longest prefix. */
function chooseLocation(
	server: NginxServerBlock,
	path: string,
): LocationMatch | undefined {
	const locations = server.directives.filter(
		d => d.name === 'location' && d.block,
	);
	const exact = locations.find(l => l.args[0] === '=' && l.args[1] === path);
	if (exact) {
		return {directive: exact, label: `= ${path}`};
	}

	let best: {directive: NginxDirective; prefix: string} | undefined;
	for (const location of locations) {
		const prefix = prefixOf(location);
		if (
			prefix !== undefined &&
			path.startsWith(prefix) &&
			(!best || prefix.length > best.prefix.length)
		) {
			best = {directive: location, prefix};
		}
	}

	const regex =
		best?.directive.args[0] === '^~'
			? undefined
			: locations.find(location => regexMatches(location, path));
	if (regex) {
		return {directive: regex, label: regex.args.slice(0, 2).join(' ')};
	}

	return best
		? {directive: best.directive, label: best.directive.args.join(' ')}
		: undefined;
}

function passesIn(
	directives: readonly NginxDirective[],
	context: 'http' | 'stream',
	upstreams: Map<string, NginxDirective>,
	location: string | undefined,
): NginxPass[] {
	const passes: NginxPass[] = [];
	walk(directives, (directive, parents) => {
		// Nested locations belong to themselves; `if` blocks belong to their location.
		if (
			passDirectives.has(directive.name) &&
			parents.every(p => p.name === 'if')
		) {
			passes.push(resolvePass(directive, context, upstreams, location));
		}
	});
	return passes;
}

/**
Which server block answers a connection to address:port with this Host and path, and where it
sends the request: the location nginx would pick and its *_pass directive, resolved through
`upstream` blocks to addresses with their file:line.
*/
export function routeNginx(
	directives: readonly NginxDirective[],
	request: ProxyRequest,
): NginxRoute {
	const upstreams = upstreamBlocks(directives);
	const onPort = nginxServers(directives).filter(server =>
		server.listens.some(
			l =>
				l.port === request.port &&
				(l.address === undefined ||
					l.address === request.address ||
					l.address === 'localhost'),
		),
	);
	if (onPort.length === 0) {
		return {
			serverReason: `no server block listens on port ${request.port}`,
			passes: [],
		};
	}

	// A server that listens on the exact address wins over wildcard ones (nginx picks by address first).
	const exact = onPort.filter(server =>
		server.listens.some(
			l => l.port === request.port && l.address === request.address,
		),
	);
	const candidates = exact.length > 0 ? exact : onPort;
	const host = request.host?.toLowerCase();
	const named =
		host === undefined
			? undefined
			: candidates.find(server =>
					server.names.some(name => nameMatches(name, host)),
				);
	const byDefault = candidates.find(server =>
		server.listens.some(l => l.port === request.port && l.defaultServer),
	);
	const server = named ?? byDefault ?? candidates[0]!;
	const listen = server.listens.find(l => l.port === request.port)!;
	const reason = `server block at ${server.file}:${server.line} (listen ${listen.address ?? '*'}:${listen.port}${
		named
			? `, server_name ${server.names.join(' ')}`
			: byDefault === server
				? ', default_server'
				: candidates.length > 1
					? ', the first on this port'
					: ''
	})`;
	const context = server.context;
	if (context === 'stream') {
		return {
			server,
			serverReason: reason,
			passes: passesIn(server.directives, context, upstreams, undefined),
		};
	}

	const path = request.path ?? '/';
	const location = chooseLocation(server, path);
	if (!location) {
		return {
			server,
			serverReason: reason,
			passes: passesIn(
				server.directives.filter(d => d.name !== 'location'),
				context,
				upstreams,
				undefined,
			),
		};
	}

	return {
		server,
		serverReason: reason,
		location: location.label,
		passes: passesIn(
			location.directive.block ?? [],
			context,
			upstreams,
			location.label,
		),
	};
}

/** Error_log paths named in the config (first argument), with where they are set. */
export function nginxErrorLogs(directives: readonly NginxDirective[]): Array<{
	readonly path: string;
	readonly file: string;
	readonly line: number;
}> {
	const logs: Array<{path: string; file: string; line: number}> = [];
	walk(directives, directive => {
		if (directive.name === 'error_log' && directive.args[0]) {
			logs.push({
				path: directive.args[0],
				file: directive.file,
				line: directive.line,
			});
		}
	});
	return logs;
}

/** The route in the terms every proxy dialect shares. */
export function nginxProxyRoute(
	directives: readonly NginxDirective[],
	request: ProxyRequest,
): ProxyRoute {
	const routed = routeNginx(directives, request);
	const reasons = [
		`${routed.serverReason}${routed.location === undefined ? '' : `, location ${routed.location}`}`,
	];
	const notes = routed.passes
		.filter(pass => pass.variable)
		.map(
			pass =>
				`${pass.file}:${pass.line}: ${pass.directive} ${pass.value}: the address is a variable, decided per request; check the error log`,
		);
	const servers = routed.passes.flatMap(pass => pass.servers);
	const none = routed.server
		? routed.passes.length === 0
			? `nginx serves ${request.path ?? '/'} on port ${request.port} itself (${reasons[0]}): there is no upstream to test`
			: undefined
		: `nginx's config has no server block for port ${request.port}: ${routed.serverReason}`;
	return {reasons, servers, notes, ...(none === undefined ? {} : {none})};
}
