/**
Nginx syntax: its configuration (one file's text) as directives with file:line, the pieces of a
directive's arguments (a listen spec, an upstream address), and its error log lines. Pure, never
throws. Which server block and location a request goes to is decided in model/proxy/nginx.ts.
*/
import {numberedLines} from './lines.js';

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
const special = new Set([';', '{', '}']);
const endsWord = (c: string) =>
	/\s/.test(c) || special.has(c) || c === '"' || c === "'";

type Scanner = {readonly text: string; index: number; line: number};

function skipComment(scan: Scanner): void {
	while (scan.index < scan.text.length && scan.text[scan.index] !== '\n') {
		scan.index++;
	}
}

function readQuoted(scan: Scanner, quote: string): Token {
	const {text} = scan;
	const start = scan.line;
	let value = '';
	scan.index++;
	while (scan.index < text.length && text[scan.index] !== quote) {
		if (
			text[scan.index] === '\\' &&
			escapable.has(text[scan.index + 1] ?? '')
		) {
			scan.index++;
		}

		if (text[scan.index] === '\n') {
			scan.line++;
		}

		value += text[scan.index];
		scan.index++;
	}

	scan.index++;
	return {text: value, line: start, quoted: true};
}

function readWord(scan: Scanner): Token {
	const {text} = scan;
	let value = '';
	while (scan.index < text.length) {
		const c = text[scan.index]!;
		// `${name}` is one word.
		const close =
			c === '{' && value.endsWith('$') ? text.indexOf('}', scan.index) : -1;
		if (close !== -1) {
			value += text.slice(scan.index, close + 1);
			scan.index = close + 1;
		} else if (endsWord(c)) {
			break;
		} else if (c === '\\' && escapable.has(text[scan.index + 1] ?? '')) {
			value += text[scan.index + 1];
			scan.index += 2;
		} else {
			value += c;
			scan.index++;
		}
	}

	return {text: value, line: scan.line, quoted: false};
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	const scan: Scanner = {text, index: 0, line: 1};
	while (scan.index < text.length) {
		const char = text[scan.index]!;
		if (char === '\n') {
			scan.line++;
			scan.index++;
		} else if (/\s/.test(char)) {
			scan.index++;
		} else if (char === '#') {
			skipComment(scan);
		} else if (special.has(char)) {
			tokens.push({text: char, line: scan.line, quoted: false});
			scan.index++;
		} else if (char === '"' || char === "'") {
			tokens.push(readQuoted(scan, char));
		} else {
			tokens.push(readWord(scan));
		}
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

// --- arguments ----------------------------------------------------------------------------------

export type NginxListen = {
	/** Undefined for a wildcard (`listen 80`, `*:80`, `[::]:80`). */
	readonly address?: string;
	readonly port: number;
	readonly defaultServer: boolean;
};

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

/** One address as nginx writes it: "unix:/x", "[::1]:80", "host:port", "host" (with a default port). */
export function parseNginxAddress(
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
	for (const {text: raw} of numberedLines(text)) {
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
export function hostPortPrefix(rest: string): string {
	return /^(\[[^\]]+](?::\d+)?|[^/]+)/.exec(rest)?.[1] ?? rest;
}
