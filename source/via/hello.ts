/**
The first commands on the server, right after the login: that the login shell reads POSIX quoting
and prints nothing of its own (else no command is sent through it), then, together: who we are
(`id -u`, `id -un`), whether `sudo -n` works, the system (`uname -s`, `hostname`), `timeout`, the
addresses (`ip -j addr`, else `ip -o addr`) and the environment (`env`). These fill the parts of
`Io` that are plain values (uid, platform, env, interfaces, hostname).
*/
import type {NetworkInterface} from '../checks/types.js';
import {visible} from '../text/sanitize.js';
import type {SshConnection} from './connection.js';
import {classifySshFailure, type SshFailure} from './failure.js';
import {parseEnv, parseIpJson, parseIpOneline, platformOf} from './parse.js';
import {remoteRunner, type RemoteRun} from './remote-io.js';

export type Privilege = 'root' | 'sudo' | 'user';

export type ServerIdentity = {
	/** What the user gave to --via (user@host:port). */
	readonly destination: string;
	/** The server's own name (`hostname`). */
	readonly hostname: string;
	/** The login user and uid there. */
	readonly user: string;
	readonly uid: number | undefined;
	/** Root: logged in as root; sudo: passwordless `sudo -n`; user: neither (steps that need root say so). */
	readonly privilege: Privilege;
	/** Why sudo could not be used, in sudo's words (privilege "user"). */
	readonly sudoProblem?: string;
	readonly platform: string;
	readonly interfaces: readonly NetworkInterface[];
	readonly env: Readonly<Record<string, string>>;
	/** The server has a `timeout` command: each command is also stopped there at its limit. */
	readonly hasTimeout: boolean;
};

export type Hello =
	| {readonly ok: true; readonly identity: ServerIdentity}
	| {readonly ok: false; readonly failure: SshFailure};

/** Words that each need quoting; a POSIX shell prints them back unchanged. */
export const quotingProbe = ['a b', "c'd", 'e\\f', '$HOME', '*', '"g"'];
export const quotingExpected = quotingProbe.map(word => `${word}|`).join('');

function firstLine(text: string): string {
	return visible(text.trim().split('\n')[0] ?? '', {oneLine: true});
}

function shellFailure(connection: SshConnection, output: string): SshFailure {
	const base = classifySshFailure({stderr: ''}, connection.destination, {
		connectTimeoutS: 0,
	});
	const shown = firstLine(output);
	return {
		...base,
		kind: 'shell',
		message: output.includes(quotingExpected)
			? `the login shell on ${connection.display} prints text of its own around every command (${JSON.stringify(shown)}: a .bashrc or profile that echoes?), so its output cannot be read reliably; no command is sent through it`
			: `the login shell on ${connection.display} does not read POSIX shell quoting (it printed ${JSON.stringify(shown)}), so no command is sent through it`,
	};
}

function privilegeOf(
	uid: number | undefined,
	sudo: {exitCode: number | undefined; stderr: string; notFound: boolean},
): {privilege: Privilege; sudoProblem?: string} {
	if (uid === 0) {
		return {privilege: 'root'};
	}

	if (sudo.exitCode === 0) {
		return {privilege: 'sudo'};
	}

	return {
		privilege: 'user',
		sudoProblem: sudo.notFound
			? 'sudo is not installed'
			: `sudo -n: ${firstLine(sudo.stderr.replace(/^sudo: /, '')) || `exit ${sudo.exitCode}`}`,
	};
}

async function interfacesOf(run: RemoteRun): Promise<NetworkInterface[]> {
	const json = await run(['ip', '-j', 'addr', 'show'], {});
	const parsed = json.exitCode === 0 ? parseIpJson(json.stdout) : undefined;
	if (parsed) {
		return parsed;
	}

	const oneline = await run(['ip', '-o', 'addr', 'show'], {});
	return oneline.exitCode === 0 ? parseIpOneline(oneline.stdout) : [];
}

/** Check the shell, then learn who and where we are. */
export async function hello(connection: SshConnection): Promise<Hello> {
	const run = remoteRunner(
		connection,
		{hostname: connection.destination.host},
		{sudo: false, timeout: false, commandTimeoutMs: 10_000},
	);
	const probe = await run(['printf', '%s|', ...quotingProbe], {});
	if (
		probe.exitCode === 255 &&
		probe.stderr.includes('SSH connection failed')
	) {
		return {
			ok: false,
			failure: classifySshFailure(probe, connection.destination, {
				connectTimeoutS: 0,
			}),
		};
	}

	if (probe.stdout !== quotingExpected) {
		return {
			ok: false,
			failure: shellFailure(connection, probe.stdout || probe.stderr),
		};
	}

	const [uid, user, uname, name, env, timeout, sudo, interfaces] =
		await Promise.all([
			run(['id', '-u'], {}),
			run(['id', '-un'], {}),
			run(['uname', '-s'], {}),
			run(['hostname'], {}),
			run(['env'], {}),
			run(['timeout', '5', 'true'], {}),
			run(['sudo', '-n', 'true'], {}),
			interfacesOf(run),
		]);
	const uidNumber = /^\d+$/.test(uid.stdout.trim())
		? Number(uid.stdout.trim())
		: undefined;
	return {
		ok: true,
		identity: {
			destination: connection.display,
			hostname: firstLine(name.stdout) || connection.destination.host,
			user: firstLine(user.stdout) || (connection.destination.user ?? ''),
			uid: uidNumber,
			...privilegeOf(uidNumber, sudo),
			platform: platformOf(uname.stdout),
			interfaces,
			env: parseEnv(env.stdout),
			hasTimeout: timeout.exitCode === 0,
		},
	};
}
