/**
One SSH connection to the server, through the system's `ssh` (so ~/.ssh/config, the agent,
known_hosts, ProxyJump and keys all apply; no -F, never StrictHostKeyChecking=no): a ControlMaster
opened once (`-M -f -N`), its socket in a private mode-700 folder removed at close and at exit, and
every command a short-lived client of that master. No agent (-a), no X11 (-x), no pty (-T), no
forwardings, LocalCommand or RemoteCommand from the config, no known_hosts update, stdin from
/dev/null, BatchMode (with strict host key checking: nothing accepted on the way) for
non-interactive runs, a connect timeout. At most a few sessions at once (sshd's MaxSessions is 10 by default).
*/
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {RunOptions, RunResult} from '../checks/types.js';
import {
	destinationArgs,
	formatDestination,
	type Destination,
} from './destination.js';
import {classifySshFailure, type SshFailure} from './failure.js';
import {createSshSpawn, type SshSpawn} from './spawn.js';

export type SshSettings = {
	readonly destination: Destination;
	/** BatchMode=yes: no prompt of any kind (--json, --markdown, no terminal). */
	readonly batch: boolean;
	readonly connectTimeoutS?: number;
	/** How long an idle master stays up if this process dies without closing it. */
	readonly persistS?: number;
	readonly maxSessions?: number;
	/** The ssh program (tests may name another). */
	readonly ssh?: string;
	/** Injected for tests; by default the ssh spawn with its own process group. */
	readonly spawn?: SshSpawn;
};

export type SshConnection = {
	readonly destination: Destination;
	readonly display: string;
	/** Run one remote command line (already quoted for a POSIX shell) through the master. */
	readonly exec: (
		remote: string,
		options: RunOptions & {readonly timeoutMs: number; readonly raw?: boolean},
	) => Promise<RunResult>;
	/** The private folder of the control socket (removed by close). */
	readonly folder: string;
	/** How many commands went through the master so far. */
	readonly commands: () => number;
	readonly close: () => Promise<void>;
};

export type Connected =
	| {readonly ok: true; readonly connection: SshConnection}
	| {readonly ok: false; readonly failure: SshFailure};

/** The options every ssh call carries (pure, for tests). */
export function commonOptions(
	settings: Pick<SshSettings, 'batch' | 'connectTimeoutS'>,
	controlPath: string,
): string[] {
	return [
		'-o',
		`ControlPath=${controlPath}`,
		// Batch: no prompt, and no new host key accepted on the way (a config's accept-new would
		// write known_hosts; the stricter check only, never a weaker one).
		...(settings.batch
			? ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes']
			: []),
		'-o',
		`ConnectTimeout=${settings.connectTimeoutS ?? 5}`,
		'-o',
		'ClearAllForwardings=yes',
		'-o',
		'PermitLocalCommand=no',
		// Read-only on this host too: ssh may otherwise add the server's other keys to known_hosts.
		'-o',
		'UpdateHostKeys=no',
		// A RemoteCommand from the config would replace (or clash with) the command sent.
		'-o',
		'RemoteCommand=none',
		'-o',
		'ServerAliveInterval=15',
		'-T',
		'-a',
		'-x',
	];
}

/** Ssh's argv to open the master: it authenticates, then goes to the background. */
export function masterArgs(
	settings: SshSettings,
	controlPath: string,
): string[] {
	return [
		...commonOptions(settings, controlPath),
		'-o',
		'ControlMaster=yes',
		'-o',
		`ControlPersist=${settings.persistS ?? 120}`,
		'-f',
		'-N',
		...destinationArgs(settings.destination),
	];
}

/** Ssh's argv for one command through the master. */
export function commandArgs(
	settings: SshSettings,
	controlPath: string,
	remote: string,
): string[] {
	return [
		...commonOptions(settings, controlPath),
		'-o',
		'ControlMaster=no',
		...destinationArgs(settings.destination),
		remote,
	];
}

function exitArgs(settings: SshSettings, controlPath: string): string[] {
	return [
		'-o',
		`ControlPath=${controlPath}`,
		'-O',
		'exit',
		...destinationArgs(settings.destination),
	];
}

/** A private folder for the control socket; short, since a socket path has about 100 bytes. */
function privateFolder(): string {
	const base = tmpdir().length > 40 ? '/tmp' : tmpdir();
	return mkdtempSync(join(base, 'refused-ssh-'));
}

/** A counting gate: at most `size` holders at once. */
function gate(size: number) {
	let active = 0;
	const waiting: Array<() => void> = [];
	return async <T>(work: () => Promise<T>): Promise<T> => {
		if (active >= size) {
			await new Promise<void>(resolve => {
				waiting.push(resolve);
			});
		}

		active += 1;
		try {
			return await work();
		} finally {
			active -= 1;
			waiting.shift()?.();
		}
	};
}

/** Open the master connection; a failure comes back as one classified line. */
export async function connectSsh(settings: SshSettings): Promise<Connected> {
	const ssh = settings.ssh ?? 'ssh';
	const spawn = settings.spawn ?? createSshSpawn({group: settings.batch});
	const connectTimeoutS = settings.connectTimeoutS ?? 5;
	const folder = privateFolder();
	const controlPath = join(folder, '%C');
	// Quitting while the master still connects (the app's "q") kills it with its process group.
	const connecting = new AbortController();
	const exitHook = () => {
		connecting.abort();
		try {
			execFileSync(ssh, exitArgs(settings, controlPath), {
				stdio: 'ignore',
				timeout: 3000,
				env: {...process.env, LC_ALL: 'C'},
			});
		} catch {}

		rmSync(folder, {recursive: true, force: true});
	};

	process.on('exit', exitHook);
	const opened = await spawn(
		{
			file: ssh,
			args: masterArgs(settings, controlPath),
			// Resolving, connecting, the key exchange and the login; a passphrase typed by hand may take longer.
			timeoutMs: settings.batch ? connectTimeoutS * 1000 + 10_000 : 120_000,
		},
		{signal: connecting.signal},
	);
	if (opened.exitCode !== 0) {
		process.off('exit', exitHook);
		rmSync(folder, {recursive: true, force: true});
		return {
			ok: false,
			failure: classifySshFailure(opened, settings.destination, {
				connectTimeoutS,
			}),
		};
	}

	const limit = gate(settings.maxSessions ?? 4);
	let count = 0;
	let closed = false;
	const connection: SshConnection = {
		destination: settings.destination,
		display: formatDestination(settings.destination),
		async exec(remote, options) {
			count += 1;
			return limit(async () =>
				spawn(
					{
						file: ssh,
						args: commandArgs(settings, controlPath, remote),
						timeoutMs: options.timeoutMs,
						...(options.raw ? {raw: true} : {}),
					},
					{
						...(options.signal ? {signal: options.signal} : {}),
						...(options.onLine ? {onLine: options.onLine} : {}),
					},
				),
			);
		},
		folder,
		commands: () => count,
		async close() {
			if (closed) {
				return;
			}

			closed = true;
			process.off('exit', exitHook);
			await spawn({
				file: ssh,
				args: exitArgs(settings, controlPath),
				timeoutMs: 5000,
			});
			rmSync(folder, {recursive: true, force: true});
		},
	};
	return {ok: true, connection};
}
