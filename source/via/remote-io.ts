/**
The server's `Io`, backed by one SSH connection: every check's command runs there as the same
argument vector, each word quoted for the remote POSIX shell by `shellQuote` and prefixed by
`env LC_ALL=C LANG=C PATH=...` (a fixed PATH with the sbin folders, since a non-root login's PATH
often lacks them); files are read with `cat --`, folders listed with `ls -1A --`, names resolved
with `getent ahosts`, connects made by bash's /dev/tcp (or nc), HTTP with curl. Output is sanitised
as local output is (file contents stay raw, as a local read returns them).

Privilege: root when the SSH user is root; else, when `sudo -n true` works, every command, read and
listing goes through `sudo -n` (so the checks see uid 0); else the commands run as the user and the
checks take their not-root paths ("could not tell", with the sudo command to run by hand). When
sudo asks for a password for one command, its result says so on the first line of stderr and
reads fail with EACCES: never a prompt.
*/
import {parseAddress} from '../net/address.js';
import {shellQuote} from '../text/sanitize.js';
import type {
	ConnectResult,
	FileRead,
	HttpResult,
	Io,
	LookupResult,
	RunResult,
} from '../checks/types.js';
import type {SshConnection} from './connection.js';
import {
	connectErrno,
	connectMs,
	curlErrno,
	parseCurl,
	parseGetent,
} from './parse.js';
import type {ServerIdentity} from './hello.js';

export const remotePath =
	'/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin';

/** Time for ssh itself (a session on the master) on top of a command's own limit. */
const sshOverheadMs = 3000;

/**
The remote command line for an argv (pure): optional `sudo -n --`, optional `timeout` (so the
command stops on the server too), then `env` with the C locale and the fixed PATH, then the argv.
*/
export function remoteCommand(
	argv: readonly string[],
	options: {readonly sudo: boolean; readonly timeoutS?: number},
): string {
	return shellQuote([
		...(options.sudo ? ['sudo', '-n', '--'] : []),
		...(options.timeoutS === undefined
			? []
			: ['timeout', '-k', '2', String(options.timeoutS)]),
		'env',
		'LC_ALL=C',
		'LANG=C',
		`PATH=${remotePath}`,
		...argv,
	]);
}

/** A program name `env` runs as a program (not an option, not an assignment). */
export function isProgramName(file: string): boolean {
	return /^[\w./+][\w./+-]*$/.test(file) && !file.includes('=');
}

const sudoRefused =
	/^sudo: (?:a password is required|a terminal is required|sorry, you must have a tty)/m;
const sshBroken =
	/^(?:ssh: |mux_client_|Control ?socket|ControlSocket|muxclient)|^Connection to \S+ closed/m;

type Options = {
	readonly sudo: boolean;
	readonly timeout: boolean;
	readonly commandTimeoutMs: number;
};

export type RemoteRun = (
	argv: readonly string[],
	options: {
		readonly timeoutMs?: number;
		readonly signal?: AbortSignal;
		readonly onLine?: (line: string) => void;
		readonly raw?: boolean;
		readonly sudo?: boolean;
	},
) => Promise<RunResult>;

/** Run an argv on the server and read the result the way the local runner reports one. */
export function remoteRunner(
	connection: SshConnection,
	server: Pick<ServerIdentity, 'hostname'>,
	options: Options,
): RemoteRun {
	return async (argv, runOptions) => {
		const display = shellQuote([...argv]);
		const ms = runOptions.timeoutMs ?? options.commandTimeoutMs;
		const sudo = runOptions.sudo ?? options.sudo;
		const timeoutS = options.timeout
			? Math.max(1, Math.ceil(ms / 1000))
			: undefined;
		const result = await connection.exec(
			remoteCommand(argv, {
				sudo,
				...(timeoutS === undefined ? {} : {timeoutS}),
			}),
			{
				timeoutMs: ms + sshOverheadMs,
				...(runOptions.signal ? {signal: runOptions.signal} : {}),
				...(runOptions.onLine ? {onLine: runOptions.onLine} : {}),
				...(runOptions.raw ? {raw: true} : {}),
			},
		);
		return readResult(result, {
			display,
			sudo,
			timeout: timeoutS !== undefined,
			host: server.hostname,
		});
	};
}

function readResult(
	result: RunResult,
	context: {display: string; sudo: boolean; timeout: boolean; host: string},
): RunResult {
	const {exitCode} = result;
	let {stderr} = result;
	if (exitCode === 255 && sshBroken.test(stderr)) {
		stderr = `the SSH connection failed, so this could not run on ${context.host}: ${stderr.trim().split('\n')[0] ?? ''}\n${stderr}`;
	} else if (context.sudo && exitCode !== 0 && sudoRefused.test(stderr)) {
		stderr = `permission denied: needs root on ${context.host}, and sudo -n asked for a password; run it there by hand: sudo ${context.display}\n${stderr}`;
	}

	return {
		...result,
		command: context.display,
		stderr,
		// `timeout` exits 124 (137 after its KILL) when the command ran out of time on the server.
		timedOut:
			result.timedOut ||
			(context.timeout && (exitCode === 124 || exitCode === 137)),
		notFound:
			exitCode === 127 &&
			/no such file or directory|not found|failed to run command/i.test(stderr),
	};
}

function readCode(result: RunResult): string {
	if (result.timedOut) {
		return 'ETIMEDOUT';
	}

	const patterns: ReadonlyArray<readonly [string, RegExp]> = [
		['EACCES', /permission denied|needs root|a password is required/i],
		['ENOENT', /no such file or directory/i],
		['EISDIR', /is a directory/i],
		['ENOTDIR', /not a directory/i],
	];
	return patterns.find(([, p]) => p.test(result.stderr))?.[0] ?? 'EIO';
}

/**
The connect script: bash's /dev/tcp, timed with $EPOCHREALTIME (the attempt alone, without ssh's
round trip); exit 3 when the connect failed (bash prints why), 4 when the peer closed at once after
accepting, 0 when it accepted and stayed.
*/
const connectScript = [
	// eslint-disable-next-line no-template-curly-in-string -- bash, not a template
	's=${EPOCHREALTIME:-}',
	'if exec 3<>"/dev/tcp/$1/$2"; then r=0; else r=3; fi',
	// eslint-disable-next-line no-template-curly-in-string -- bash, not a template
	'e=${EPOCHREALTIME:-}',
	'printf "ms %s %s\\n" "$s" "$e"',
	'[ "$r" = 3 ] && exit 3',
	'read -r -t 0.3 -u 3 _; r=$?',
	'if [ "$r" -eq 0 ] || [ "$r" -gt 128 ]; then exit 0; fi',
	'exit 4',
].join('; ');

/**
Every process name (/proc/PID/comm) in one command instead of one read each: the listeners and
service steps read them all after listing /proc. Served from this snapshot for a few seconds;
a PID that is not in it is read as usual.
*/
const commScript =
	// eslint-disable-next-line no-template-curly-in-string -- sh, not a template
	'for d in /proc/[0-9]*; do c=$(cat "$d/comm" 2>/dev/null) && printf "%s %s\\n" "${d#/proc/}" "$c"; done';

function commCache(run: RemoteRun) {
	let snapshot: {at: number; names: Promise<Map<string, string>>} | undefined;
	return {
		refresh() {
			snapshot = {
				at: performance.now(),
				names: run(['sh', '-c', commScript], {
					sudo: false,
					timeoutMs: 10_000,
				}).then(result => {
					const names = new Map<string, string>();
					for (const match of result.stdout.matchAll(/^(\d+) (.*)$/gm)) {
						names.set(match[1]!, match[2]!);
					}

					return names;
				}),
			};
		},
		async get(path: string): Promise<string | undefined> {
			const pid = /^\/proc\/(\d+)\/comm$/.exec(path)?.[1];
			if (!pid || !snapshot || performance.now() - snapshot.at > 5000) {
				return undefined;
			}

			const name = (await snapshot.names).get(pid);
			return name === undefined ? undefined : `${name}\n`;
		},
	};
}

async function connectWith(
	run: RemoteRun,
	request: {
		address: string;
		port: number;
		timeoutMs: number;
		signal?: AbortSignal;
	},
): Promise<ConnectResult> {
	const started = performance.now();
	// The runner's `timeout` (when the server has one) stops the attempt there; ssh's own limit is on top.
	const base = {
		timeoutMs: request.timeoutMs,
		sudo: false,
		...(request.signal ? {signal: request.signal} : {}),
	};
	const target = [request.address, String(request.port)];
	let result = await run(
		['bash', '-c', connectScript, 'bash', ...target],
		base,
	);
	if (result.notFound) {
		const seconds = String(Math.max(1, Math.ceil(request.timeoutMs / 1000)));
		result = await run(['nc', '-z', '-v', '-w', seconds, ...target], base);
		if (result.notFound) {
			// Neither bash nor nc on the server: said as such, never as a refusal.
			return {code: 'ENOPROBE', ms: 0};
		}
	}

	const ms =
		connectMs(result.stdout) ?? Math.round(performance.now() - started);
	if (result.canceled) {
		return {code: 'ECANCELED', ms};
	}

	if (result.exitCode === 0 || result.exitCode === 4) {
		return {
			code: 'connect',
			ms,
			...(result.exitCode === 4 ? {closedAfterAccept: true} : {}),
		};
	}

	return {
		code: result.timedOut ? 'ETIMEDOUT' : connectErrno(result.stderr),
		ms,
	};
}

/** The Io of the server. `identity` comes from the hello (hello.ts). */
export function createRemoteIo(
	connection: SshConnection,
	identity: ServerIdentity,
	options: {readonly commandTimeoutMs?: number} = {},
): Io {
	const run = remoteRunner(connection, identity, {
		sudo: identity.privilege === 'sudo',
		timeout: identity.hasTimeout,
		commandTimeoutMs: options.commandTimeoutMs ?? 5000,
	});
	const comms = commCache(run);
	return {
		async run(spec, runOptions = {}) {
			if (!isProgramName(spec.file)) {
				return {
					command: shellQuote([spec.file, ...spec.args]),
					exitCode: undefined,
					stdout: '',
					stderr: `not run on ${identity.hostname}: ${JSON.stringify(spec.file)} is not a program name`,
					timedOut: false,
					notFound: true,
					canceled: false,
					durationMs: 0,
				};
			}

			return run([spec.file, ...spec.args], {
				...(spec.timeoutMs === undefined ? {} : {timeoutMs: spec.timeoutMs}),
				...(runOptions.signal ? {signal: runOptions.signal} : {}),
				...(runOptions.onLine ? {onLine: runOptions.onLine} : {}),
			});
		},
		async readFile(path): Promise<FileRead> {
			if (!path.startsWith('/') || path.includes('\0')) {
				return {ok: false, code: 'EINVAL'};
			}

			const cached = await comms.get(path);
			if (cached !== undefined) {
				return {ok: true, text: cached};
			}

			const result = await run(['cat', '--', path], {raw: true});
			return result.exitCode === 0
				? {ok: true, text: result.stdout}
				: {ok: false, code: readCode(result)};
		},
		async readDir(path) {
			if (!path.startsWith('/') || path.includes('\0')) {
				return undefined;
			}

			if (path === '/proc' || path === '/proc/') {
				comms.refresh();
			}

			const result = await run(
				['ls', '-1A', '--', path.endsWith('/') ? path : `${path}/`],
				{},
			);
			return result.exitCode === 0
				? result.stdout.split('\n').filter(Boolean)
				: undefined;
		},
		async lookup(host, timeoutMs): Promise<LookupResult> {
			if (host.startsWith('-') || host === '') {
				return {ok: false, code: 'EINVAL', message: 'not a host name'};
			}

			const result = await run(['getent', 'ahosts', host], {
				timeoutMs,
				sudo: false,
			});
			const addresses = parseGetent(result.stdout);
			if (result.exitCode === 0 && addresses.length > 0) {
				return {ok: true, addresses};
			}

			return result.timedOut
				? {
						ok: false,
						code: 'DNS_TIMEOUT',
						message: `no answer within ${timeoutMs} ms`,
					}
				: {
						ok: false,
						code: result.exitCode === 2 ? 'ENOTFOUND' : 'EAI_FAIL',
						message: `getent ahosts ${host} on ${identity.hostname}: ${result.exitCode === 2 ? 'not found' : (result.stderr.trim().split('\n')[0] ?? `exit ${result.exitCode}`)}`,
					};
		},
		async connect(address, port, timeoutMs, signal) {
			if (!parseAddress(address) || !Number.isInteger(port)) {
				return {code: 'EINVAL', ms: 0};
			}

			return connectWith(run, {
				address: address.replaceAll(/^\[|]$/g, ''),
				port,
				timeoutMs,
				...(signal ? {signal} : {}),
			});
		},
		async httpGet(url, timeoutMs): Promise<HttpResult> {
			if (!/^https?:\/\/\S+$/.test(url)) {
				return {ok: false, code: 'EINVAL'};
			}

			const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
			const result = await run(
				[
					'curl',
					'-sS',
					'-i',
					'-k',
					'--noproxy',
					'*',
					'--proto',
					'=http,https',
					'--max-time',
					seconds,
					url,
				],
				{timeoutMs: timeoutMs + 1000, sudo: false},
			);
			if (result.notFound) {
				return {ok: false, code: 'ENOENT'};
			}

			return result.exitCode === 0
				? parseCurl(result.stdout)
				: {ok: false, code: curlErrno(result.exitCode, result.stderr)};
		},
		interfaces: () => identity.interfaces,
		hostname: () => identity.hostname,
		env: identity.env,
		platform: identity.platform,
		uid: identity.privilege === 'user' ? identity.uid : 0,
		async writeReport() {
			throw new Error(
				'nothing is written on the server: reports are saved on this host',
			);
		},
	};
}
