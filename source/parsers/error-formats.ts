/**
The formats of the clients' error messages: one decoder per client, each tested on the messages
the real client printed (test/fixtures/errors). Used by ./error-message.ts.
*/
import type {SeenOutcome} from './error-message.js';

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
export const defaultPorts: Readonly<Record<string, number>> = {
	psql: 5432,
	mysql: 3306,
	'redis-cli': 6379,
	ssh: 22,
	kubectl: 8080,
};

export type Found = {
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

/**
Each connection attempt a client prints (groups: host, its address when shown, port): the first
attempt's host and port, every address tried (the address, else the host), and the line of `marker`.
Undefined when there was none.
*/
function attempts(
	text: string,
	pattern: RegExp,
	marker: string,
): Found | undefined {
	const tried = matchAll(text, pattern);
	if (tried.length === 0) {
		return undefined;
	}

	const [host, , port] = tried[0] as [string, string, string];
	return {
		host,
		port: Number(port),
		addresses: tried.map(([h, a]) => [a, h].find(Boolean)!),
		line: lineOf(text, text.indexOf(marker)),
	};
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

export const decoders: readonly Decoder[] = [
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

			const tried = attempts(
				text,
				/connection to server at "([^"]+)"(?: \(([^)]+)\))?, port (\d+) failed/g,
				'connection to server at',
			);
			if (tried) {
				return tried;
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
			const tried = attempts(
				text,
				/^nc: connect to (\S+)(?: \(([^)]+)\))? port (\d+) \(tcp\)/gm,
				'nc: connect to',
			);
			if (tried) {
				return tried;
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
