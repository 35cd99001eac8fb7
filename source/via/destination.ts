/**
The `--via` destination: `[USER@]HOST[:PORT]`, `[USER@][IPV6]:PORT`, a bare IPv6 address, or
`ssh://[USER@]HOST[:PORT]`. Strict on purpose: the host and user go into ssh's argument vector
(after `--`, as `-l USER -p PORT`), so nothing that ssh or a shell could read as an option or a
metacharacter is accepted (a leading `-`, spaces, quotes, `;`, control characters...). HOST may be
an alias from ~/.ssh/config. Pure.
*/
import {parseAddress} from '../net/address.js';

export type Destination = {
	readonly user?: string;
	readonly host: string;
	readonly port?: number;
};

export type ParsedDestination =
	| {readonly ok: true; readonly destination: Destination}
	| {readonly ok: false; readonly message: string};

const userPattern = /^\w[\w.-]{0,63}$/;
const namePattern = /^\w[\w.-]{0,252}$/;

function fail(text: string, why: string): ParsedDestination {
	return {
		ok: false,
		message: `--via ${JSON.stringify(text)}: ${why}; expected [USER@]HOST[:PORT] or ssh://USER@HOST:PORT`,
	};
}

function parsePort(text: string): number | undefined {
	if (!/^\d{1,5}$/.test(text)) {
		return undefined;
	}

	const port = Number(text);
	return port >= 1 && port <= 65_535 ? port : undefined;
}

type HostPort = {host: string; port?: string} | {error: string};

/** "host", "host:22", "[v6]", "[v6]:22", "v6" (no port). */
function splitHostPort(text: string): HostPort {
	if (text.startsWith('[')) {
		const close = text.indexOf(']');
		if (close === -1) {
			return {error: 'an IPv6 address in [ ] has no closing ]'};
		}

		const rest = text.slice(close + 1);
		if (rest !== '' && !rest.startsWith(':')) {
			return {error: 'text after the ] of an IPv6 address'};
		}

		return {
			host: text.slice(1, close),
			...(rest ? {port: rest.slice(1)} : {}),
		};
	}

	const colons = text.split(':').length - 1;
	if (colons === 0) {
		return {host: text};
	}

	if (colons === 1) {
		const [host = '', port = ''] = text.split(':');
		return {host, port};
	}

	// Several colons without brackets: a bare IPv6 address, which cannot carry a port.
	return {host: text};
}

function checkHost(host: string): string | undefined {
	if (host === '') {
		return 'no host';
	}

	if (host.includes(':')) {
		return parseAddress(host)?.family === 6 && !host.includes('%')
			? undefined
			: 'not a valid IPv6 address';
	}

	if (host.startsWith('-')) {
		return 'a host cannot start with "-" (ssh would read it as an option)';
	}

	return namePattern.test(host)
		? undefined
		: 'the host may hold only letters, digits, ".", "_" and "-"';
}

function checkUser(user: string | undefined): string | undefined {
	if (user === undefined) {
		return undefined;
	}

	if (user.startsWith('-')) {
		return 'a user cannot start with "-" (ssh would read it as an option)';
	}

	return userPattern.test(user)
		? undefined
		: 'the user may hold only letters, digits, ".", "_" and "-"';
}

function build(
	text: string,
	user: string | undefined,
	hostPort: string,
): ParsedDestination {
	const split = splitHostPort(hostPort);
	if ('error' in split) {
		return fail(text, split.error);
	}

	const problem = checkUser(user) ?? checkHost(split.host);
	if (problem) {
		return fail(text, problem);
	}

	const port = split.port === undefined ? undefined : parsePort(split.port);
	if (split.port !== undefined && port === undefined) {
		return fail(text, 'the port must be a number from 1 to 65535');
	}

	return {
		ok: true,
		destination: {
			...(user === undefined ? {} : {user}),
			host: split.host,
			...(port === undefined ? {} : {port}),
		},
	};
}

export function parseDestination(text: string): ParsedDestination {
	if (text === '' || text.length > 300) {
		return fail(text, text === '' ? 'empty' : 'too long');
	}

	if (text.startsWith('-')) {
		return fail(
			text,
			'it cannot start with "-" (ssh would read it as an option)',
		);
	}

	if (/[\s\u0000-\u001F\u007F-\u009F]/.test(text)) {
		return fail(text, 'spaces and control characters are not allowed');
	}

	let rest = text;
	if (/^ssh:\/\//i.test(rest)) {
		rest = rest.slice('ssh://'.length).replace(/\/$/, '');
		if (rest.includes('/')) {
			return fail(text, 'an ssh:// address has no path');
		}
	} else if (rest.includes('://')) {
		return fail(text, 'only ssh:// addresses');
	}

	const at = rest.lastIndexOf('@');
	const user = at === -1 ? undefined : rest.slice(0, at);
	return build(text, user, at === -1 ? rest : rest.slice(at + 1));
}

/** For the screen and the report: user@host:port, IPv6 in brackets when a port follows. */
export function formatDestination(destination: Destination): string {
	const host =
		destination.port !== undefined && destination.host.includes(':')
			? `[${destination.host}]`
			: destination.host;
	return `${destination.user ? `${destination.user}@` : ''}${host}${destination.port === undefined ? '' : `:${destination.port}`}`;
}

/**
The ssh arguments that name the destination: `-l USER`, `-p PORT`, then `--` and the host, so
nothing after it is read as an option. Only what was given: ~/.ssh/config fills in the rest.
*/
export function destinationArgs(destination: Destination): string[] {
	return [
		...(destination.user ? ['-l', destination.user] : []),
		...(destination.port === undefined ? [] : ['-p', String(destination.port)]),
		'--',
		destination.host,
	];
}
