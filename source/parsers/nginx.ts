/**
Nginx: its configuration (one file's text, or the `nginx -T` dump of all of them), the way it
routes a request to an upstream, and its error log. Pure functions, no I/O: the check reads the
files (and follows `include`) and passes the text in.
*/

export type NginxDirective = {
	readonly name: string;
	readonly args: readonly string[];
	readonly file: string;
	readonly line: number;
	/** The directives inside `{ ... }`, for block directives. */
	readonly block?: readonly NginxDirective[];
};

export type NginxParse = {
	readonly directives: readonly NginxDirective[];
	/** Syntax problems ("unexpected }" at file:line); the rest is still parsed. */
	readonly errors: readonly string[];
};

type Token = {
	readonly text: string;
	readonly line: number;
	readonly quoted: boolean;
};

/** Nginx unescapes only these after a backslash; `\.` in a regex stays as written. */
const escapable = new Set(['"', "'", '\\', ' ', ';', '{', '}']);

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let line = 1;
	let index = 0;
	while (index < text.length) {
		const char = text[index]!;
		if (char === '\n') {
			line++;
			index++;
			continue;
		}

		if (/\s/.test(char)) {
			index++;
			continue;
		}

		if (char === '#') {
			while (index < text.length && text[index] !== '\n') {
				index++;
			}

			continue;
		}

		if (char === '{' || char === '}' || char === ';') {
			tokens.push({text: char, line, quoted: false});
			index++;
			continue;
		}

		if (char === '"' || char === "'") {
			const start = line;
			let value = '';
			index++;
			while (index < text.length && text[index] !== char) {
				if (text[index] === '\\' && escapable.has(text[index + 1] ?? '')) {
					index++;
				}

				if (text[index] === '\n') {
					line++;
				}

				value += text[index];
				index++;
			}

			index++;
			tokens.push({text: value, line: start, quoted: true});
			continue;
		}

		let value = '';
		while (index < text.length) {
			const c = text[index]!;
			if (
				/\s/.test(c) ||
				c === ';' ||
				c === '{' ||
				c === '}' ||
				c === '"' ||
				c === "'"
			) {
				// `${name}` is one word.
				if (c === '{' && value.endsWith('$')) {
					const close = text.indexOf('}', index);
					if (close !== -1) {
						value += text.slice(index, close + 1);
						index = close + 1;
						continue;
					}
				}

				break;
			}

			if (c === '\\' && escapable.has(text[index + 1] ?? '')) {
				value += text[index + 1];
				index += 2;
				continue;
			}

			value += c;
			index++;
		}

		tokens.push({text: value, line, quoted: false});
	}

	return tokens;
}

/** Parse one configuration file into directives with their file and line. Never throws. */
export function parseNginxConfig(text: string, file: string): NginxParse {
	const tokens = tokenize(text);
	const errors: string[] = [];
	let position = 0;
	const parseBlock = (depth: number): NginxDirective[] => {
		const directives: NginxDirective[] = [];
		let words: Token[] = [];
		while (position < tokens.length) {
			const token = tokens[position++]!;
			if (!token.quoted && token.text === ';') {
				const [name, ...args] = words;
				if (name) {
					directives.push({
						name: name.text,
						args: args.map(a => a.text),
						file,
						line: name.line,
					});
				}

				words = [];
			} else if (!token.quoted && token.text === '{') {
				const [name, ...args] = words;
				words = [];
				const block = parseBlock(depth + 1);
				if (name) {
					directives.push({
						name: name.text,
						args: args.map(a => a.text),
						file,
						line: name.line,
						block,
					});
				}
			} else if (!token.quoted && token.text === '}') {
				if (depth === 0) {
					errors.push(`${file}:${token.line}: unexpected "}"`);
					continue;
				}

				return directives;
			} else {
				words.push(token);
			}
		}

		if (depth > 0) {
			errors.push(`${file}: unexpected end of file, expecting "}"`);
		}

		if (words.length > 0) {
			errors.push(
				`${file}:${words[0]!.line}: directive "${words[0]!.text}" has no ";"`,
			);
		}

		return directives;
	};

	const directives = parseBlock(0);
	return {directives, errors};
}

/** Split `nginx -T` output into its files ("# configuration file PATH:" headers), keeping line numbers. */
export function splitNginxDump(
	text: string,
): Array<{readonly file: string; readonly text: string}> {
	const files: Array<{file: string; lines: string[]}> = [];
	for (const line of text.split('\n')) {
		const header = /^# configuration file (.+):$/.exec(line);
		if (header) {
			files.push({file: header[1]!, lines: []});
		} else {
			files.at(-1)?.lines.push(line);
		}
	}

	return files.map(f => ({file: f.file, text: f.lines.join('\n')}));
}

// --- routing -------------------------------------------------------------------------------------

export type NginxListen = {
	/** Undefined for a wildcard (`listen 80`, `*:80`, `[::]:80`). */
	readonly address?: string;
	readonly port: number;
	readonly defaultServer: boolean;
};

export type NginxServerBlock = {
	readonly context: 'http' | 'stream';
	readonly file: string;
	readonly line: number;
	readonly listens: readonly NginxListen[];
	readonly names: readonly string[];
	readonly directives: readonly NginxDirective[];
};

export type NginxUpstreamServer = {
	/** "127.0.0.1:3000", "[::1]:3000", "unix:/run/app.sock", or a host name with port. */
	readonly address: string;
	readonly host?: string;
	readonly port?: number;
	readonly unix?: string;
	/** Where this address is written: file:line and the directive. */
	readonly file: string;
	readonly line: number;
	readonly text: string;
	/** Marked `backup` or `down` in its upstream block. */
	readonly flags: readonly string[];
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
	readonly servers: readonly NginxUpstreamServer[];
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

function walk(
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

/** "127.0.0.1:8080", "8080", "[::]:80", "*:80", "localhost:80", "unix:/x" → address/port. */
export function parseNginxListen(
	args: readonly string[],
	fallbackPort: number,
): NginxListen | undefined {
	const [spec, ...options] = args;
	if (!spec || spec.startsWith('unix:')) {
		return undefined;
	}

	const defaultServer =
		options.includes('default_server') || options.includes('default');
	let address: string | undefined;
	let portText: string | undefined;
	const bracket = /^\[([^\]]+)](?::(\d+))?$/.exec(spec);
	if (bracket) {
		address = bracket[1];
		portText = bracket[2];
	} else if (/^\d+$/.test(spec)) {
		portText = spec;
	} else {
		const colon = spec.lastIndexOf(':');
		if (colon === -1) {
			address = spec;
		} else {
			address = spec.slice(0, colon);
			portText = spec.slice(colon + 1);
		}
	}

	if (address === '*' || address === '::' || address === '0.0.0.0') {
		address = undefined;
	}

	const port = portText === undefined ? fallbackPort : Number(portText);
	return Number.isInteger(port)
		? {...(address === undefined ? {} : {address}), port, defaultServer}
		: undefined;
}

function serverAddress(
	spec: string,
	defaultPort: number | undefined,
): {address: string; host?: string; port?: number; unix?: string} {
	if (spec.startsWith('unix:')) {
		const path = spec.slice(5).replace(/:\/.*$/, '');
		return {address: `unix:${path}`, unix: path};
	}

	const bracket = /^\[([^\]]+)](?::(\d+))?$/.exec(spec);
	if (bracket) {
		const port = bracket[2] === undefined ? defaultPort : Number(bracket[2]);
		return {
			address:
				port === undefined ? `[${bracket[1]!}]` : `[${bracket[1]!}]:${port}`,
			host: bracket[1]!,
			...(port === undefined ? {} : {port}),
		};
	}

	const match = /^([^:]+)(?::(\d+))?$/.exec(spec);
	if (!match) {
		return {address: spec};
	}

	const port = match[2] === undefined ? defaultPort : Number(match[2]);
	return {
		address: port === undefined ? match[1]! : `${match[1]!}:${port}`,
		host: match[1]!,
		...(port === undefined ? {} : {port}),
	};
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
		const server = serverAddress(rest, undefined);
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
		const servers: NginxUpstreamServer[] = [];
		for (const entry of block.block) {
			if (entry.name !== 'server' || !entry.args[0]) {
				continue;
			}

			const flags = entry.args
				.slice(1)
				.filter(a => a === 'backup' || a === 'down');
			servers.push({
				...serverAddress(entry.args[0], context === 'http' ? 80 : undefined),
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
				...serverAddress(hostPart, defaultPort),
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

function chooseLocation(
	server: NginxServerBlock,
	path: string,
): LocationMatch | undefined {
	const locations = server.directives.filter(
		d => d.name === 'location' && d.block,
	);
	let best:
		{directive: NginxDirective; prefix: string; stop: boolean} | undefined;
	for (const location of locations) {
		const [first, second] = location.args;
		if (first === '=' && second === path) {
			return {directive: location, label: `= ${second}`};
		}

		const prefix =
			first === '^~'
				? second
				: first && !['=', '~', '~*'].includes(first) && !first.startsWith('@')
					? first
					: undefined;
		if (
			prefix !== undefined &&
			path.startsWith(prefix) &&
			(!best || prefix.length > best.prefix.length)
		) {
			best = {directive: location, prefix, stop: first === '^~'};
		}
	}

	if (!best?.stop) {
		for (const location of locations) {
			const [first, second] = location.args;
			if ((first === '~' || first === '~*') && second !== undefined) {
				try {
					if (new RegExp(second, first === '~*' ? 'i' : '').test(path)) {
						return {directive: location, label: `${first} ${second}`};
					}
				} catch {}
			}
		}
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
	request: {
		readonly address: string;
		readonly port: number;
		readonly host?: string;
		readonly path?: string;
	},
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

/** The `include` directives, for the reader that follows them. */
export function isInclude(directive: NginxDirective): boolean {
	return directive.name === 'include' && directive.args.length > 0;
}

/** Replace every `include` by the directives of the files it names (as the caller resolves them). */
export function expandIncludes(
	directives: readonly NginxDirective[],
	resolve: (directive: NginxDirective) => readonly NginxDirective[] | undefined,
): NginxDirective[] {
	return directives.flatMap(directive => {
		if (isInclude(directive)) {
			return resolve(directive) ?? [];
		}

		return directive.block
			? [{...directive, block: expandIncludes(directive.block, resolve)}]
			: [directive];
	});
}

// --- error log -----------------------------------------------------------------------------------

export type NginxLogEntry = {
	readonly time: string;
	readonly level: string;
	readonly message: string;
	/** Errno and its text, from "(111: Connection refused)". */
	readonly errno?: number;
	readonly error?: string;
	/** The upstream URL nginx tried: "http://127.0.0.1:3000/". */
	readonly upstream?: string;
	readonly client?: string;
	readonly server?: string;
	readonly request?: string;
	readonly host?: string;
	readonly raw: string;
};

/** Parse nginx error log lines ("2026/11/24 08:11:26 [error] 8389#8389: *1 connect() failed ..."). */
export function parseNginxErrorLog(text: string): NginxLogEntry[] {
	const entries: NginxLogEntry[] = [];
	for (const raw of text.split('\n')) {
		const match =
			/^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[(\w+)] \d+#\d+: (?:\*\d+ )?(.*)$/.exec(
				raw,
			);
		if (!match) {
			continue;
		}

		const message = match[3]!;
		const errno = /\((\d+): ([^)]+)\)/.exec(message);
		const field = (name: string) =>
			new RegExp(`, ${name}: "?([^",]*)"?`).exec(message)?.[1];
		const upstream = /, upstream: "([^"]*)"/.exec(message)?.[1];
		const request = /, request: "([^"]*)"/.exec(message)?.[1];
		const client = field('client');
		const server = field('server');
		const host = /, host: "([^"]*)"/.exec(message)?.[1];
		entries.push({
			time: match[1]!,
			level: match[2]!,
			message,
			...(errno ? {errno: Number(errno[1]), error: errno[2]!} : {}),
			...(upstream === undefined ? {} : {upstream}),
			...(client === undefined ? {} : {client}),
			...(server === undefined ? {} : {server}),
			...(request === undefined ? {} : {request}),
			...(host === undefined ? {} : {host}),
			raw,
		});
	}

	return entries;
}

/** "http://127.0.0.1:3000/x" → "127.0.0.1:3000"; "fastcgi://unix:/run/php.sock:" → "unix:/run/php.sock". */
export function upstreamAddressOf(url: string): string {
	const rest = url.replace(/^[a-z]+:\/\//i, '');
	if (rest.startsWith('unix:')) {
		return `unix:${rest.slice(5).replace(/:.*$/, '')}`;
	}

	return hostPortPrefix(rest);
}

/** The "host:port" (or "[v6]:port") at the start of a URL's rest, before its path. */
function hostPortPrefix(rest: string): string {
	return /^(\[[^\]]+](?::\d+)?|[^/]+)/.exec(rest)?.[1] ?? rest;
}
