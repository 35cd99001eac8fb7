/**
Why ssh could not connect, as one clear line: read from ssh's own stderr (exit status 255) under
LC_ALL=C. Each answer quotes ssh's message; none offers a way around a host key check. Pure.
*/
import {hostPort} from '../net/address.js';
import {visible} from '../text/sanitize.js';
import {formatDestination, type Destination} from './destination.js';

export type SshFailureKind =
	| 'unknown-host'
	| 'refused'
	| 'host-key-changed'
	| 'host-key-unknown'
	| 'auth'
	| 'timeout'
	| 'unreachable'
	| 'closed'
	| 'no-ssh'
	| 'shell'
	| 'other';

export type SshFailure = {
	readonly kind: SshFailureKind;
	/** One line for the screen, the report and stderr. */
	readonly message: string;
	/** Ssh's own line (sanitised), when it said something. */
	readonly sshMessage?: string;
	/** Refused on the SSH port: that refusal can itself be walked (`refused HOST:PORT`). */
	readonly walk?: {readonly host: string; readonly port: number};
};

const rules: ReadonlyArray<readonly [SshFailureKind, RegExp]> = [
	[
		'host-key-changed',
		/remote host identification has changed|host key for .* has changed/i,
	],
	[
		'host-key-unknown',
		/no \S+ host key is known for|host key verification failed/i,
	],
	[
		'unknown-host',
		/could not resolve hostname|name or service not known|nodename nor servname/i,
	],
	['refused', /connection refused/i],
	[
		'auth',
		/permission denied \(|too many authentication failures|no more authentication methods/i,
	],
	['timeout', /timed out|operation timed out/i],
	['unreachable', /no route to host|network is unreachable/i],
	[
		'closed',
		/connection (?:closed|reset) by|kex_exchange_identification|connection to .* closed/i,
	],
];

/** The line of ssh's stderr that says the most (the one a rule matched, else the last). */
function sshLine(stderr: string, pattern?: RegExp): string | undefined {
	const lines = stderr
		.split('\n')
		.map(line => line.trim())
		.filter(line => line && !/^@+$|^@\s/.test(line));
	const line =
		(pattern ? lines.find(l => pattern.test(l)) : undefined) ?? lines.at(-1);
	return line === undefined ? undefined : visible(line, {oneLine: true});
}

function explain(
	kind: SshFailureKind,
	destination: Destination,
	options: {
		readonly port: number;
		readonly connectTimeoutS: number;
		readonly dialed: string;
	},
): string {
	const host = destination.host;
	const user = destination.user ?? 'your ssh user';
	switch (kind) {
		case 'unknown-host': {
			return `ssh could not resolve ${host}: unknown host (not in DNS, /etc/hosts or a Host alias of ~/.ssh/config; or the resolver did not answer)`;
		}

		case 'refused': {
			return `nothing accepts SSH on ${host} port ${options.port}: connection refused (sshd is not running or listens elsewhere). That refusal is itself a diagnosis: refused ${hostPort(options.dialed, options.port)}`;
		}

		case 'host-key-changed': {
			return `the host key of ${host} does not match your known_hosts, so ssh refused to connect. If the server was reinstalled, confirm its new key with its admin, then: ssh-keygen -R ${host}. This tool never bypasses the check`;
		}

		case 'host-key-unknown': {
			return `${host} is not in your known_hosts, and a non-interactive ssh does not ask: connect once by hand (ssh ${formatDestination(destination)}) to check and accept its key`;
		}

		case 'auth': {
			return `ssh reached ${host} but could not log in as ${user}: authentication failed (load your key into the agent, or name another user: --via USER@${host})`;
		}

		case 'timeout': {
			return `no SSH answer from ${host} port ${options.port} within ${options.connectTimeoutS} s (a firewall drops it, or the host is down)`;
		}

		case 'unreachable': {
			return `no route to ${host} from this host (a network problem before any SSH)`;
		}

		case 'closed': {
			return `${host} port ${options.port} accepted, then closed the SSH connection (sshd refuses this client, MaxStartups, or not an SSH server)`;
		}

		case 'no-ssh': {
			return 'the ssh program is not installed on this host (install openssh-client)';
		}

		case 'shell': {
			return `the login shell of ${user} on ${host} does not read POSIX shell quoting, so no command is sent through it`;
		}

		case 'other': {
			return `ssh to ${formatDestination(destination)} failed`;
		}
	}
}

/** Classify a failed `ssh` run (exit 255, a local timeout, or ssh missing). */
export function classifySshFailure(
	result: {
		readonly stderr: string;
		readonly timedOut?: boolean;
		readonly notFound?: boolean;
	},
	destination: Destination,
	options: {readonly port?: number; readonly connectTimeoutS: number},
): SshFailure {
	// Ssh names the host and port it really dialed (~/.ssh/config may change both).
	const dialed = /connect to host ([\w.:-]+) port (\d+):/.exec(result.stderr);
	const port = dialed
		? Number(dialed[2])
		: (options.port ?? destination.port ?? 22);
	const walkHost = dialed?.[1] ?? destination.host;
	const rule = rules.find(([, pattern]) => pattern.test(result.stderr));
	const kind: SshFailureKind = result.notFound
		? 'no-ssh'
		: (rule?.[0] ?? (result.timedOut ? 'timeout' : 'other'));
	const sshMessage = result.notFound
		? undefined
		: sshLine(result.stderr, rule?.[1]);
	const text = explain(kind, destination, {
		port,
		connectTimeoutS: options.connectTimeoutS,
		dialed: walkHost,
	});
	return {
		kind,
		message: sshMessage ? `${text} (ssh: "${sshMessage}")` : text,
		...(sshMessage ? {sshMessage} : {}),
		...(kind === 'refused' ? {walk: {host: walkHost, port}} : {}),
	};
}
