/**
An error message as a user got it (pasted): which client printed it, where it dialed, and what it
saw (refused, timeout, unreachable, name not resolved). Pure text in, facts out; every format here
is tested on messages the real client printed (test/fixtures/errors, scripts/capture-errors.mjs).
*/
import net from 'node:net';
import {hostPort} from '../net/address.js';
import {sanitize} from '../text/sanitize.js';
import type {Reported, Target} from '../tree/facts.js';
import type {Outcome} from '../tree/types.js';
import {parseTarget, redactUrl} from './target.js';

export type SeenOutcome = Exclude<Outcome, 'open'>;

export type DecodedError =
	| {
			readonly kind: 'tcp';
			/** "curl", "node", "psql"... (see `knownFormats`). */
			readonly client: string;
			/** What the client saw; undefined when the message does not say (curl's "Couldn't connect"). */
			readonly outcome?: SeenOutcome;
			/** The name (or address) the client dialed; undefined when the message does not name it. */
			readonly host?: string;
			readonly port?: number;
			/** Where the port came from: the message, or the client's default port. */
			readonly portFrom?: 'message' | 'default';
			/** URL scheme, when the message holds the URL. */
			readonly scheme?: string;
			/** Addresses the client dialed, in its order, when the message lists them. */
			readonly addresses: readonly string[];
			/** The line that told (credentials redacted, control characters removed). */
			readonly line: string;
	  }
	| {
			readonly kind: 'unix';
			readonly client: string;
			/** The socket path (or unix:// URL) the client tried. */
			readonly path: string;
			readonly line: string;
	  }
	| {readonly kind: 'unknown'};

/** The formats understood, for the message shown when a paste cannot be decoded. */
export const knownFormats: readonly string[] = [
	'curl ("curl: (7) Failed to connect to HOST port N")',
	'wget ("Connecting to HOST:N... failed: Connection refused.")',
	'Node.js ("connect ECONNREFUSED ::1:5432", AggregateError)',
	'Python requests/urllib3 ("HTTPConnectionPool(host=..., port=N)") and socket ("ConnectionRefusedError")',
	'Go ("dial tcp HOST:N: connect: connection refused")',
	'Java ("java.net.ConnectException: Connection refused")',
	'psql ("connection to server at "HOST", port N failed")',
	"mysql/mariadb (\"Can't connect to server on 'HOST'\")",
	'redis-cli ("Could not connect to Redis at HOST:N")',
	'ssh ("ssh: connect to host HOST port N")',
	'nc ("nc: connect to HOST port N (tcp) failed")',
	'kubectl ("The connection to the server HOST:N was refused")',
	'Docker ("Cannot connect to the Docker daemon at unix://...")',
];

/** The port a client dials when the message does not say. */
const defaultPorts: Readonly<Record<string, number>> = {
	psql: 5432,
	mysql: 3306,
	'redis-cli': 6379,
	ssh: 22,
	kubectl: 8080,
};

const outcomeWords: ReadonlyArray<readonly [SeenOutcome, RegExp]> = [
	[
		'dns-failure',
		/could not resolve|failure in name resolution|name or service not known|nodename nor servname|getaddrinfo|unknownhostexception|no such host|could not translate host name|unable to resolve host/i,
	],
	[
		'unreachable',
		/no route to host|network is unreachable|ehostunreach|enetunreach|noroutetohostexception/i,
	],
	[
		'timeout',
		/timed out|etimedout|timeout was reached|timeout expired|i\/o timeout|deadline exceeded|client\.timeout exceeded|sockettimeoutexception|\(110\)$/im,
	],
	// MariaDB's client reports a refused connect as errno 115 (captured: mysql-refused.txt).
	['refused', /refused|econnrefused|\((?:111|115)\)$/im],
];

/** What the client saw, from the words of the message. */
export function seenOutcome(text: string): SeenOutcome | undefined {
	return outcomeWords.find(([, pattern]) => pattern.test(text))?.[0];
}

/** Remove credentials from every URL in the text, and credential query parameters. */
export function redactText(text: string): string {
	return text
		.replaceAll(/[a-z][a-z\d+.-]*:\/\/[^\s"'<>]+/gi, url => {
			const scheme = url.indexOf('://') + 3;
			const end = url.slice(scheme).search(/[/?#]/);
			const authority =
				end === -1 ? url.slice(scheme) : url.slice(scheme, scheme + end);
			const at = authority.lastIndexOf('@');
			const cut =
				at === -1 ? url : `${url.slice(0, scheme)}***${url.slice(scheme + at)}`;
			return redactUrl(cut);
		})
		.replaceAll(
			/([?&;](?:password|passwd|pwd|pass|secret|token|api[_-]?key|access[_-]?token|auth)=)[^&\s'")#]*/gi,
			'$1***',
		);
}

type Found = {
	readonly host?: string;
	readonly port?: number;
	readonly scheme?: string;
	readonly addresses?: readonly string[];
	readonly outcome?: SeenOutcome;
	readonly unix?: string;
	readonly line: string;
};

type Decoder = {
	readonly client: string;
	/** The client's signature in the text. */
	readonly test: RegExp;
	readonly decode: (text: string) => Found | undefined;
};

/** "host:port", "[v6]:port" or Node's "v6:port": the address and the port. */
function splitHostPort(text: string): {host: string; port: number} | undefined {
	const bracketed = /^\[([^\]]+)]:(\d+)$/.exec(text);
	if (bracketed) {
		return {host: bracketed[1]!, port: Number(bracketed[2])};
	}

	const colon = text.lastIndexOf(':');
	if (colon <= 0 || !/^\d+$/.test(text.slice(colon + 1))) {
		return undefined;
	}

	return {host: text.slice(0, colon), port: Number(text.slice(colon + 1))};
}

function lineOf(text: string, index: number): string {
	const start = text.lastIndexOf('\n', index) + 1;
	const end = text.indexOf('\n', index);
	return text.slice(start, end === -1 ? undefined : end).trim();
}

/** Match once; the groups and the whole line the match sits on. */
function match(
	text: string,
	pattern: RegExp,
): {groups: string[]; line: string} | undefined {
	const found = pattern.exec(text);
	return found
		? {
				groups: found.slice(1).map(group => group ?? ''),
				line: lineOf(text, found.index),
			}
		: undefined;
}

/** All matches of a global pattern. */
function matchAll(text: string, pattern: RegExp): string[][] {
	return [...text.matchAll(pattern)].map(found =>
		found.slice(1).map(group => group ?? ''),
	);
}

/** The first URL in the text, as scheme, host and port (the scheme's default port when none). */
function firstUrl(
	text: string,
): {scheme: string; host: string; port?: number; line: string} | undefined {
	const found = match(
		text,
		/\b([a-z][a-z\d+.-]*):\/\/(?:[^\s/?#"']*@)?(\[[^\]]+]|[^\s/?#:"'@]+)(?::(\d+))?/i,
	);
	if (!found) {
		return undefined;
	}

	const [scheme, host, port] = found.groups as [string, string, string];
	const schemeDefaults: Record<string, number> = {
		http: 80,
		https: 443,
		postgres: 5432,
		postgresql: 5432,
		redis: 6379,
		mysql: 3306,
	};
	const lower = scheme.toLowerCase();
	return {
		scheme: lower,
		host: host.replaceAll(/^\[|]$/g, ''),
		port: port ? Number(port) : schemeDefaults[lower],
		line: found.line,
	};
}

const decoders: readonly Decoder[] = [
	{
		client: 'docker',
		test: /Cannot connect to the Docker daemon at /,
		decode(text) {
			const found = match(
				text,
				/Cannot connect to the Docker daemon at (\S+?)\.? Is the docker daemon running/,
			);
			if (!found) {
				return undefined;
			}

			const [at] = found.groups as [string];
			if (at.startsWith('unix://') || at.startsWith('/')) {
				return {unix: at, line: found.line};
			}

			const url = firstUrl(at);
			return url
				? {host: url.host, port: url.port, line: found.line}
				: undefined;
		},
	},
	{
		client: 'kubectl',
		test: /The connection to the server \S+ was refused|Unable to connect to the server:|memcache\.go/,
		decode(text) {
			const summary = match(
				text,
				/The connection to the server (\S+) was refused/,
			);
			const dialed = matchAll(text, /dial tcp (\S+?): /g).map(g => g[0]!);
			const addresses = [
				...new Set(
					dialed.flatMap(hp => {
						const split = splitHostPort(hp);
						return split ? [split.host] : [];
					}),
				),
			];
			const hp = splitHostPort(summary?.groups[0] ?? dialed[0] ?? '');
			const url = firstUrl(text);
			const last = match(text, /^Unable to connect to the server: .*$/m);
			if (hp) {
				return {
					...hp,
					addresses,
					outcome: summary ? 'refused' : undefined,
					line:
						summary?.line ??
						last?.line ??
						lineOf(text, text.indexOf('dial tcp')),
				};
			}

			// A timeout names no dialed address, only the URL it asked.
			return url
				? {host: url.host, port: url.port, line: last?.line ?? url.line}
				: undefined;
		},
	},
	{
		client: 'node',
		test: /\b(?:connect|getaddrinfo) E[A-Z_]+ |AggregateError \[E[A-Z]+]/,
		decode(text) {
			const connects = matchAll(
				text,
				/connect (E[A-Z]+) (\S+?:\d+)(?=\s|$)/gm,
			).map(([code, hp]) => ({code: code!, hp: splitHostPort(hp!)}));
			const addresses = [
				...new Set(connects.flatMap(c => (c.hp ? [c.hp.host] : []))),
			];
			const first = connects.find(c => c.hp)?.hp;
			const dns = match(text, /getaddrinfo (E[A-Z_]+) (\S+)/);
			const aggregate = match(text, /AggregateError \[(E[A-Z]+)]/);
			if (first) {
				const line =
					aggregate?.line ?? lineOf(text, text.search(/connect E[A-Z]+ /));
				return {...first, addresses, line};
			}

			if (dns) {
				return {host: dns.groups[1], line: dns.line};
			}

			// Fetch's AggregateError lists no addresses: only what happened.
			return aggregate ? {line: aggregate.line} : undefined;
		},
	},
	{
		// Urllib3's MaxRetryError, also what requests raises (ConnectionError wraps it).
		client: 'python-urllib3',
		test: /HTTPS?ConnectionPool\(host=/,
		decode(text) {
			const found = match(
				text,
				/(HTTPS?)ConnectionPool\(host='([^']+)', port=(\d+)\)/,
			);
			if (!found) {
				return undefined;
			}

			const [kind, host, port] = found.groups as [string, string, string];
			return {
				host,
				port: Number(port),
				scheme: kind.toLowerCase(),
				line: found.line,
			};
		},
	},
	{
		client: 'psql',
		test: /^psql: error:|connection to server (?:at|on socket) "|could not translate host name "/m,
		decode(text) {
			const socket = match(text, /connection to server on socket "([^"]+)"/);
			if (socket) {
				return {unix: socket.groups[0], line: socket.line};
			}

			const tried = matchAll(
				text,
				/connection to server at "([^"]+)"(?: \(([^)]+)\))?, port (\d+) failed/g,
			);
			if (tried.length > 0) {
				const [host, , port] = tried[0] as [string, string, string];
				return {
					host,
					port: Number(port),
					addresses: tried.map(([h, a]) => [a, h].find(Boolean)!),
					line: lineOf(text, text.indexOf('connection to server at')),
				};
			}

			const dns = match(text, /could not translate host name "([^"]+)"/);
			return dns ? {host: dns.groups[0], line: dns.line} : undefined;
		},
	},
	{
		client: 'mysql',
		test: /Can't connect to (?:MySQL |MariaDB |local )?(?:MySQL )?server/,
		decode(text) {
			const socket = match(text, /through socket '([^']+)'/);
			if (socket) {
				return {unix: socket.groups[0], line: socket.line};
			}

			const found = match(
				text,
				/Can't connect to (?:MySQL |MariaDB )?server on '([^']+?)(?::(\d+))?'/,
			);
			return found
				? {
						host: found.groups[0],
						port: found.groups[1] ? Number(found.groups[1]) : undefined,
						line: found.line,
					}
				: undefined;
		},
	},
	{
		client: 'redis-cli',
		test: /Could not connect to Redis at /,
		decode(text) {
			const found = match(text, /Could not connect to Redis at (\S+?): /);
			if (!found) {
				return undefined;
			}

			const [at] = found.groups as [string];
			return at.startsWith('/')
				? {unix: at, line: found.line}
				: {...splitHostPort(at), line: found.line};
		},
	},
	{
		client: 'ssh',
		test: /^ssh: /m,
		decode(text) {
			const found = match(text, /^ssh: connect to host (\S+) port (\d+): /m);
			if (found) {
				return {
					host: found.groups[0],
					port: Number(found.groups[1]),
					line: found.line,
				};
			}

			const dns = match(text, /^ssh: Could not resolve hostname ([^\s:]+)/m);
			return dns ? {host: dns.groups[0], line: dns.line} : undefined;
		},
	},
	{
		client: 'nc',
		test: /^nc: /m,
		decode(text) {
			const tried = matchAll(
				text,
				/^nc: connect to (\S+)(?: \(([^)]+)\))? port (\d+) \(tcp\)/gm,
			);
			if (tried.length > 0) {
				const [host, , port] = tried[0] as [string, string, string];
				return {
					host,
					port: Number(port),
					addresses: tried.map(([h, a]) => [a, h].find(Boolean)!),
					line: lineOf(text, text.indexOf('nc: connect to')),
				};
			}

			const dns = match(
				text,
				/^nc: getaddrinfo for host "([^"]+)" port (\d+)/m,
			);
			return dns
				? {host: dns.groups[0], port: Number(dns.groups[1]), line: dns.line}
				: undefined;
		},
	},
	{
		client: 'wget',
		test: /^--\d{4}-\d\d-\d\d [\d:]+--\s|^Connecting to \S+.*\.\.\. failed/m,
		decode(text) {
			const url = firstUrl(text);
			const tried = matchAll(
				text,
				/^Connecting to (\S+?)(?: \([^)]*\))?(?:\|([^|]+)\|)?:(\d+)\.\.\. failed/gm,
			);
			const [host, , port] = (tried[0] ?? []) as [string?, string?, string?];
			const failed = match(text, /\.{3} failed: /);
			return {
				host: host ?? url?.host,
				port: port ? Number(port) : url?.port,
				scheme: url?.scheme,
				addresses: tried.map(([h, a]) => [a, h].find(Boolean)!),
				line: failed?.line ?? url?.line ?? '',
			};
		},
	},
	{
		client: 'curl',
		test: /^curl: \(\d+\)/m,
		decode(text) {
			const found = match(
				text,
				/^curl: \(\d+\) Failed to connect to (\S+) port (\d+)[^:]*: (.*)$/m,
			);
			const url = firstUrl(text);
			if (found) {
				// Curl 7.88 says only "Couldn't connect to server" for refused and unreachable alike
				// (curl -v names the reason on its "* connect to ... failed:" line).
				const [host, port] = found.groups as [string, string];
				return {
					host,
					port: Number(port),
					scheme: url?.scheme,
					line: found.line,
				};
			}

			const dns = match(text, /^curl: \(6\) Could not resolve host: (\S+)/m);
			return dns
				? {host: dns.groups[0], port: url?.port, line: dns.line}
				: undefined;
		},
	},
	{
		client: 'go',
		test: /\bdial tcp \S+: /,
		decode(text) {
			const found = match(text, /\bdial tcp (\S+?): /);
			const hp = splitHostPort(found?.groups[0] ?? '');
			return hp && found
				? {...hp, addresses: [hp.host], line: found.line}
				: undefined;
		},
	},
	{
		client: 'java',
		test: /\bjava\.net\.\w+Exception\b/,
		decode(text) {
			const unknown = match(text, /java\.net\.UnknownHostException: (\S+)/);
			if (unknown) {
				return {host: unknown.groups[0], line: unknown.line};
			}

			const found = match(text, /java\.net\.\w+Exception: ?.*/);
			return found ? {line: found.line} : undefined;
		},
	},
	{
		client: 'python-socket',
		test: /^(?:ConnectionRefusedError|TimeoutError|socket\.gaierror|OSError): \[Errno -?\d+]/m,
		decode(text) {
			const found = match(
				text,
				/^(?:ConnectionRefusedError|TimeoutError|socket\.gaierror|OSError): \[Errno -?\d+].*$/m,
			);
			return found ? {line: found.line} : undefined;
		},
	},
];

function finish(client: string, text: string, found: Found): DecodedError {
	const line = found.line;
	if (found.unix !== undefined) {
		return {kind: 'unix', client, path: found.unix, line};
	}

	const outcome = found.outcome ?? seenOutcome(text);
	const defaultPort = defaultPorts[client];
	const port = found.port ?? defaultPort;
	const host =
		found.host && net.isIPv6(found.host)
			? found.host.toLowerCase()
			: found.host;
	return {
		kind: 'tcp',
		client,
		...(outcome ? {outcome} : {}),
		...(host ? {host} : {}),
		...(port ? {port, portFrom: found.port ? 'message' : 'default'} : {}),
		...(found.scheme ? {scheme: found.scheme} : {}),
		addresses: found.addresses ?? [],
		line,
	};
}

/**
Decode a pasted error message. The text is sanitised and its credentials redacted first, so
nothing decoded (or shown) holds a password.
*/
export function decodeError(pasted: string): DecodedError {
	const text = redactText(sanitize(pasted)).slice(0, 65_536);
	for (const decoder of decoders) {
		if (!decoder.test.test(text)) {
			continue;
		}

		const found = decoder.decode(text);
		if (found) {
			return finish(decoder.client, text, found);
		}
	}

	return {kind: 'unknown'};
}

/** How the outcome reads in a sentence: "the client saw a timeout". */
export function outcomePhrase(outcome: SeenOutcome | Outcome): string {
	const phrases: Record<Outcome, string> = {
		open: 'a connection',
		refused: 'a refusal',
		timeout: 'a timeout',
		unreachable: 'no route (unreachable)',
		'dns-failure': 'a name that did not resolve',
	};
	return phrases[outcome];
}

export type ReportedTarget =
	| Target
	| {
			readonly error: string;
			/** What is missing: "target" (ask for it), "unix" (not TCP: stop), "unknown" (not decoded). */
			readonly missing: 'target' | 'unix' | 'unknown';
	  };

/** The formats list, for "cannot decode" messages. */
export const formatsLine = `Known formats: ${knownFormats.join('; ')}.`;

/**
The target to walk for a decoded message: where the client dialed (the first address it dialed
when the message names no host), with what it saw. `typed` (a target given with the message)
wins over the message's host and port.
*/
export function reportedTarget(
	decoded: DecodedError,
	typed?: Target,
): ReportedTarget {
	if (decoded.kind === 'unknown') {
		return {
			error: `the error message is not one I can decode; give the target instead (HOST:PORT). Known formats:\n${knownFormats.map(format => `  ${format}`).join('\n')}`,
			missing: 'unknown',
		};
	}

	if (decoded.kind === 'unix') {
		return {
			error: `${decoded.client} tried the unix socket ${decoded.path}: a file on this host, not a TCP connection, so there is no port to diagnose. Check that the program that should create it runs (${unixHint(decoded.client)}) and that the path is the one it creates.`,
			missing: 'unix',
		};
	}

	const reported: Reported = {
		client: decoded.client,
		...(decoded.outcome ? {outcome: decoded.outcome} : {}),
		addresses: decoded.addresses,
		line: decoded.line,
		portFrom: typed ? 'typed' : (decoded.portFrom ?? 'message'),
	};
	if (typed) {
		return {...typed, reported};
	}

	const host = decoded.host ?? decoded.addresses[0];
	if (host === undefined || decoded.port === undefined) {
		const what = decoded.outcome
			? ` (it saw ${outcomePhrase(decoded.outcome)})`
			: '';
		return {
			error: `the ${decoded.client} message${what} does not say ${host === undefined ? 'which host' : 'which port'} it dialed: give the target with it (HOST:PORT)`,
			missing: 'target',
		};
	}

	const parsed = parseTarget([hostPort(host, decoded.port)]);
	if ('error' in parsed) {
		return {error: parsed.error, missing: 'target'};
	}

	return {
		...parsed,
		...(decoded.scheme ? {scheme: decoded.scheme} : {}),
		reported,
	};
}

function unixHint(client: string): string {
	const hints: Record<string, string> = {
		docker: 'systemctl status docker, or the DOCKER_HOST your client uses',
		psql: 'systemctl status postgresql',
		mysql: 'systemctl status mariadb',
		'redis-cli': 'systemctl status redis-server',
	};
	return hints[client] ?? 'its service status';
}

/**
What a prompt got: a target (host:port, URL...) or a pasted error message. A message that
decodes to no target says what is missing; text that is neither says which formats are known.
*/
export function targetOrMessage(
	text: string,
): Target | {readonly error: string} {
	const words = text.trim().split(/\s+/);
	const parsed = parseTarget(words);
	if (!('error' in parsed) && !text.trim().includes('\n')) {
		return parsed;
	}

	const decoded = decodeError(text);
	if (decoded.kind === 'unknown') {
		return 'error' in parsed && words.length <= 2
			? {error: `${parsed.error}; or paste the error message a client printed`}
			: {
					error: `this is neither a target nor an error message I can decode. Type HOST:PORT, or paste the error message a client printed. ${formatsLine}`,
				};
	}

	const target = reportedTarget(decoded);
	return 'error' in target ? {error: target.error} : target;
}
