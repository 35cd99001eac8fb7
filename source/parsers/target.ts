import {domainToASCII} from 'node:url';
import {redactSecrets, redactUrl} from '../text/redact.js';
import {visible} from '../text/sanitize.js';
import type {Target} from '../tree/facts.js';
import {isIP, isIPv6} from '../net/address.js';

/** Default ports by URL scheme. */
export const schemePorts: Readonly<Record<string, number>> = {
	http: 80,
	https: 443,
	ws: 80,
	wss: 443,
	ftp: 21,
	ssh: 22,
	sftp: 22,
	telnet: 23,
	smtp: 25,
	dns: 53,
	gopher: 70,
	pop3: 110,
	imap: 143,
	ldap: 389,
	ldaps: 636,
	smtps: 465,
	submission: 587,
	imaps: 993,
	pop3s: 995,
	mssql: 1433,
	sqlserver: 1433,
	oracle: 1521,
	mqtt: 1883,
	nfs: 2049,
	mysql: 3306,
	mariadb: 3306,
	rdp: 3389,
	svn: 3690,
	postgres: 5432,
	postgresql: 5432,
	amqp: 5672,
	amqps: 5671,
	vnc: 5900,
	couchdb: 5984,
	redis: 6379,
	rediss: 6380,
	irc: 6667,
	nats: 4222,
	kafka: 9092,
	git: 9418,
	elasticsearch: 9200,
	memcached: 11_211,
	mongodb: 27_017,
	zookeeper: 2181,
	cassandra: 9042,
	etcd: 2379,
	ldapi: 389,
};

export {redactUrl} from '../text/redact.js';

export type TargetError = {readonly error: string};

const example =
	'e.g. refused db.internal:5432, refused [::1]:8080, refused https://example.org';
const hostLabel = /^\w([\w-]{0,61}\w)?$/i;

/** One line, with any secret redacted and control characters shown visibly (it goes to stderr as is). */
function fail(message: string): TargetError {
	return {
		error: visible(redactSecrets(`${message} (${example})`), {oneLine: true}),
	};
}

function parsePort(text: string, what: string): number | TargetError {
	if (!/^\d+$/.test(text)) {
		return fail(`${what} "${text}" is not a number`);
	}

	const port = Number(text);
	if (port < 1 || port > 65_535) {
		return fail(`${what} ${text} is out of range: a TCP port is 1 to 65535`);
	}

	return port;
}

function checkHost(host: string): string | TargetError {
	if (host.length === 0) {
		return fail('the host is empty');
	}

	if (isIP(host) !== 0) {
		return host.toLowerCase();
	}

	const zoneless = host.replace(/%[\w.-]+$/, '');
	if (host.includes(':') && isIPv6(zoneless)) {
		return host;
	}

	// Internationalised names go on the wire as punycode, as browsers and curl send them.
	if (/[^\u0000-\u007F]/.test(host)) {
		const ascii = domainToASCII(host);
		if (ascii.length === 0) {
			return fail(`the host "${host}" is not a valid internationalised name`);
		}

		return checkHost(ascii);
	}

	if (host.length > 253) {
		return fail(
			`the host name is ${host.length} characters long: the limit is 253`,
		);
	}

	const bad = /[^\w.-]/i.exec(host);
	if (bad) {
		return fail(
			`the host "${host}" holds "${bad[0]}", which no host name can hold`,
		);
	}

	const trimmed = host.endsWith('.') ? host.slice(0, -1) : host;
	for (const label of trimmed.split('.')) {
		if (label.length > 63) {
			return fail(
				`the host name part "${label.slice(0, 20)}..." is longer than 63 characters`,
			);
		}

		if (!hostLabel.test(label)) {
			return fail(`the host "${host}" is not a valid host name`);
		}
	}

	return host.toLowerCase();
}

/** `host[:port]` (or `[v6][:port]`) at the start of `hostPort`, up to the first `/?#`. */
function splitHostPort(text: string): {host: string; portText?: string} {
	const hostPort = text.split(/[/?#]/)[0]!;
	const bracketed = /^\[([^\]]+)](?::(.*))?$/.exec(hostPort);
	if (bracketed) {
		return {host: bracketed[1]!, portText: bracketed[2]};
	}

	const colon = hostPort.lastIndexOf(':');
	return colon === -1
		? {host: hostPort}
		: {host: hostPort.slice(0, colon), portText: hostPort.slice(colon + 1)};
}

function decodeHost(host: string): string | TargetError {
	try {
		return decodeURIComponent(host);
	} catch {
		return fail(`the host "${host}" holds a malformed %-escape`);
	}
}

/** Host and port after `scheme://` (and after a userinfo, if any). */
function fromAuthority(
	scheme: string,
	authority: string,
): {host: string; port: number} | TargetError {
	const {host, portText} = splitHostPort(authority);
	const decoded = decodeHost(host);
	if (typeof decoded !== 'string') {
		return decoded;
	}

	const checked = checkHost(decoded);
	if (typeof checked !== 'string') {
		return checked;
	}

	if (portText !== undefined && portText !== '') {
		const port = parsePort(portText, 'the port');
		return typeof port === 'number' ? {host: checked, port} : port;
	}

	const known = schemePorts[scheme];
	return known === undefined
		? fail(
				`the scheme "${scheme}" has no default port I know: add one, as in ${scheme}://${host}:PORT`,
			)
		: {host: checked, port: known};
}

/**
`scheme://[userinfo@]host[:port][/?#...]`. The userinfo may hold `@ : / # ?` (people paste such
passwords unencoded), and a query may hold `@` too: the host is the text after the rightmost `@`
that is followed by a valid host and port. With a userinfo, an error never quotes a piece of the URL
(any piece could be a password): it shows the URL redacted.
*/
function fromUrl(input: string): Target | TargetError {
	const schemeMatch = /^([a-z][a-z\d+.-]*):\/\//i.exec(input)!;
	const scheme = schemeMatch[1]!.toLowerCase();
	const rest = input.slice(schemeMatch[0].length);
	const redactedInput = redactUrl(input);
	if (!rest.includes('@')) {
		const found = fromAuthority(scheme, rest);
		return 'error' in found ? found : {input: redactedInput, ...found, scheme};
	}

	for (
		let at = rest.lastIndexOf('@');
		at !== -1;
		at = rest.lastIndexOf('@', at - 1)
	) {
		const found = fromAuthority(scheme, rest.slice(at + 1));
		if (!('error' in found)) {
			// Never keep credentials from the URL in what is shown or reported.
			return {input: redactedInput, ...found, scheme};
		}

		if (at === 0) {
			break;
		}
	}

	return fail(
		`"${redactedInput}" names no host and port I can read after its user:password@ part`,
	);
}

/**
Parse what the user typed: host:port, [v6]:port, "host port", a bare port (localhost), or a URL
whose scheme gives the default port.
*/
export function parseTarget(words: readonly string[]): Target | TargetError {
	try {
		const parsed = parseWords(words);
		return 'error' in parsed
			? parsed
			: {...parsed, input: visible(redactUrl(parsed.input), {oneLine: true})};
	} catch (error) {
		// A bug in the parser is still bad input to the user (exit 2), never a crash.
		return fail(`could not read the target: ${(error as Error).message}`);
	}
}

/** "HOST PORT" as two words. */
function fromHostAndPort(host: string, portText: string): Target | TargetError {
	const port = parsePort(portText, 'the port');
	if (typeof port !== 'number') {
		return port;
	}

	const bare =
		host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
	const checked = checkHost(bare);
	return typeof checked === 'string'
		? {input: `${host} ${portText}`, host: checked, port}
		: checked;
}

/** "[v6]:PORT". */
function fromBracketed(
	text: string,
	host: string,
	portText: string | undefined,
): Target | TargetError {
	if (!isIPv6(host.replace(/%[\w.-]+$/, ''))) {
		return fail(`"${host}" in brackets is not an IPv6 address`);
	}

	if (portText === undefined) {
		return fail(`"${text}" has no port`);
	}

	const port = parsePort(portText, 'the port');
	return typeof port === 'number' ? {input: text, host, port} : port;
}

function parseWords(words: readonly string[]): Target | TargetError {
	const parts = words.map(word => word.trim()).filter(word => word.length > 0);
	if (parts.length === 0) {
		return fail('no target given');
	}

	if (parts.length > 2) {
		return fail(
			`too many words: "${parts.join(' ')}"; give HOST:PORT or HOST PORT`,
		);
	}

	const input = parts.join(' ');
	if (parts.length === 2) {
		return fromHostAndPort(parts[0]!, parts[1]!);
	}

	const text = parts[0]!;
	if (text.length > 2048) {
		return fail('the target is too long');
	}

	if (/^[a-z][a-z\d+.-]*:\/\//i.test(text)) {
		return fromUrl(text);
	}

	if (/^\d+$/.test(text)) {
		const port = parsePort(text, 'the port');
		return typeof port === 'number' ? {input, host: 'localhost', port} : port;
	}

	const bracketed = /^\[([^\]]*)](?::(.*))?$/.exec(text);
	if (bracketed) {
		return fromBracketed(text, bracketed[1]!, bracketed[2]);
	}

	if (isIPv6(text)) {
		return fail(
			`"${text}" is an IPv6 address without a port: write it as [${text}]:PORT`,
		);
	}

	const colon = text.lastIndexOf(':');
	if (colon === -1) {
		const checked = checkHost(text);
		return typeof checked === 'string'
			? fail(`"${text}" has no port`)
			: checked;
	}

	const port = parsePort(text.slice(colon + 1), 'the port');
	if (typeof port !== 'number') {
		return port;
	}

	const checked = checkHost(text.slice(0, colon));
	return typeof checked === 'string' ? {input, host: checked, port} : checked;
}
