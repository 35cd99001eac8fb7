/**
An error message as a user got it (pasted): which client printed it, where it dialed, and what it
saw (refused, timeout, unreachable, name not resolved). Pure text in, facts out; every format here
is tested on messages the real client printed (test/fixtures/errors, scripts/capture-errors.mjs).
*/
import {hostPort, isIPv6} from '../net/address.js';
import {sanitize} from '../text/sanitize.js';
import type {Reported, Target} from '../tree/facts.js';
import type {Outcome} from '../tree/types.js';
import {redactSecrets} from '../text/redact.js';
import {parseTarget} from './target.js';
import {
	decoders,
	defaultPorts,
	knownFormats,
	type Found,
} from './error-formats.js';

export {knownFormats} from './error-formats.js';

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

/** Remove credentials from every URL in the text, and credential parameters (the one redaction, text/redact.ts). */
export function redactText(text: string): string {
	return redactSecrets(text);
}

function finish(client: string, text: string, found: Found): DecodedError {
	const line = found.line;
	if (found.unix !== undefined) {
		return {kind: 'unix', client, path: found.unix, line};
	}

	const outcome = found.outcome ?? seenOutcome(text);
	const defaultPort = defaultPorts[client];
	const port = found.port ?? defaultPort;
	const host =
		found.host && isIPv6(found.host) ? found.host.toLowerCase() : found.host;
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
