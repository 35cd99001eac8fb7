/**
HAProxy: its configuration file (sections, bind lines, backends and their servers, with file:line)
and the route from a listening port to the servers behind it. Pure, never throws.
*/

export type HaproxyLine = {
	readonly keyword: string;
	readonly args: readonly string[];
	readonly line: number;
	readonly text: string;
};

export type HaproxySection = {
	readonly kind:
		'global' | 'defaults' | 'frontend' | 'backend' | 'listen' | 'other';
	readonly name: string;
	readonly file: string;
	readonly line: number;
	readonly lines: readonly HaproxyLine[];
};

const sectionKinds = new Set([
	'global',
	'defaults',
	'frontend',
	'backend',
	'listen',
]);
const otherSections = new Set([
	'peers',
	'resolvers',
	'userlist',
	'program',
	'http-errors',
	'ring',
	'mailers',
	'cache',
	'fcgi-app',
]);

function words(text: string): string[] {
	const result: string[] = [];
	let current = '';
	let quote: string | undefined;
	let started = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (quote) {
			if (char === quote) {
				quote = undefined;
			} else {
				current += char;
			}
		} else if (char === '"' || char === "'") {
			quote = char;
			started = true;
		} else if (char === '\\' && index + 1 < text.length) {
			current += text[++index];
			started = true;
		} else if (char === '#') {
			break;
		} else if (/\s/.test(char)) {
			if (started) {
				result.push(current);
			}

			current = '';
			started = false;
		} else {
			current += char;
			started = true;
		}
	}

	if (started) {
		result.push(current);
	}

	return result;
}

/** Sections of one haproxy.cfg, each line with its number. */
export function parseHaproxyConfig(
	text: string,
	file: string,
): HaproxySection[] {
	const sections: Array<{
		kind: HaproxySection['kind'];
		name: string;
		file: string;
		line: number;
		lines: HaproxyLine[];
	}> = [];
	for (const [index, raw] of text.split('\n').entries()) {
		const parts = words(raw);
		const [keyword, ...args] = parts;
		if (!keyword) {
			continue;
		}

		const line = index + 1;
		if (sectionKinds.has(keyword) || otherSections.has(keyword)) {
			const kind = sectionKinds.has(keyword)
				? (keyword as HaproxySection['kind'])
				: 'other';
			sections.push({kind, name: args[0] ?? '', file, line, lines: []});
			continue;
		}

		sections.at(-1)?.lines.push({keyword, args, line, text: raw.trim()});
	}

	return sections;
}

export type HaproxyBind = {
	readonly address?: string;
	readonly port: number;
	readonly portEnd: number;
};

/** "*:80", ":80", "127.0.0.1:8080", "[::]:443", "ipv4@0.0.0.0:80", ":8000-8010", "a:80,b:81". */
export function parseHaproxyBind(spec: string): HaproxyBind[] {
	return spec.split(',').flatMap(part => {
		const plain = part.replace(/^(ipv4|ipv6|tcp|tcp4|tcp6)@/, '');
		if (
			/^(unix|abns|fd|sockpair|udp\d?|quic\d?)@/.test(plain) ||
			plain.startsWith('/')
		) {
			return [];
		}

		const match = /^(?:\[([^\]]*)]|([^:]*)):(\d+)(?:-(\d+))?$/.exec(plain);
		if (!match) {
			return [];
		}

		const host = match[1] ?? match[2] ?? '';
		const port = Number(match[3]);
		const wildcard =
			host === '' || host === '*' || host === '0.0.0.0' || host === '::';
		return [
			{
				...(wildcard ? {} : {address: host}),
				port,
				portEnd: match[4] ? Number(match[4]) : port,
			},
		];
	});
}

export type HaproxyServer = {
	readonly name: string;
	/** "127.0.0.1:3000", "[::1]:3000", "unix:/run/app.sock"; the port is the client's when omitted. */
	readonly address: string;
	readonly host?: string;
	readonly port?: number;
	readonly unix?: string;
	readonly file: string;
	readonly line: number;
	readonly text: string;
	/** Has `check`: HAProxy health-checks it (and marks it DOWN). */
	readonly checked: boolean;
	readonly flags: readonly string[];
};

export type HaproxyRoute = {
	/** The frontend or listen section that binds the port. */
	readonly frontend?: HaproxySection;
	readonly reason: string;
	readonly backends: ReadonlyArray<{
		readonly section: HaproxySection;
		readonly via: string;
		readonly servers: readonly HaproxyServer[];
	}>;
};

function serverOf(
	line: HaproxyLine,
	file: string,
	clientPort: number,
): HaproxyServer | undefined {
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
		servers: HaproxyServer[];
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

/** The config files named on HAProxy's command line (`-f FILE`, repeatable; a directory means its *.cfg). */
export function haproxyConfigArgs(argv: readonly string[]): string[] {
	const files: string[] = [];
	for (const [index, argument] of argv.entries()) {
		if (argument === '-f' && argv[index + 1]) {
			files.push(argv[index + 1]!);
		} else if (argument.startsWith('-f') && argument.length > 2) {
			files.push(argument.slice(2));
		}
	}

	return files;
}
