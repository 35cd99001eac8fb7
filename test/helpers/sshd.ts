/**
A real OpenSSH server for the `--via` tests (root only): Debian's /usr/sbin/sshd, started in a
network namespace (the "server", 10.201.N.2) with its own host key, key-only logins for root, a
user without sudo (`rftuser`) and a user with passwordless sudo (`rftsudo`), `UsePAM no`. The client
is the namespace's peer (10.201.N.1); all traffic stays on that link.

Nothing on the host changes: `ip netns exec` bind-mounts the files of /etc/netns/NAME over /etc, so
the users, sudoers and homes exist only inside the two namespaces (root's home is a temporary folder
on both sides, which is where ssh looks for ~/.ssh). sshd's /tmp is an overlay in its own mount
namespace: the sessions see the host's /tmp (a test's PostgreSQL data folder, say), and whatever they
would write there lands in the lab's upper folder, so a test can prove nothing was written (that
folder stays empty), as it does for the homes. `cleanup()` (and the namespace helper's exit hook) removes everything.

openssh-server and sudo are installed when missing, with services held back (policy-rc.d), and
the ssh unit is disabled, so nothing starts sshd on the host.
*/
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {createNetns, type Netns} from './netns.js';

export const plainUser = {name: 'rftuser', uid: 64_101};
export const sudoUser = {name: 'rftsudo', uid: 64_102};
/** May run only `true` with sudo: `sudo -n true` works, every real command asks for a password. */
export const partUser = {name: 'rftpart', uid: 64_103};
const users = [plainUser, sudoUser, partUser];

/** Install openssh-server, openssh-client and sudo when missing; never start sshd on the host. */
export function ensureOpenssh(): void {
	const missing = [
		['/usr/sbin/sshd', 'openssh-server'],
		['/usr/bin/ssh', 'openssh-client'],
		['/usr/bin/sudo', 'sudo'],
	]
		.filter(([path]) => !existsSync(path!))
		.map(([, name]) => name!);
	if (missing.length === 0) {
		return;
	}

	const policy = '/usr/sbin/policy-rc.d';
	const held = !existsSync(policy);
	if (held) {
		writeFileSync(policy, '#!/bin/sh\nexit 101\n', {mode: 0o755});
	}

	try {
		execFileSync(
			'apt-get',
			[
				'-o',
				'DPkg::Lock::Timeout=600',
				'install',
				'-y',
				'-qq',
				'--no-install-recommends',
				...missing,
			],
			{
				stdio: 'ignore',
				env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'},
				timeout: 900_000,
			},
		);
	} finally {
		if (held) {
			rmSync(policy, {force: true});
		}
	}

	try {
		execFileSync('systemctl', ['disable', 'ssh'], {
			stdio: 'ignore',
			timeout: 30_000,
		});
	} catch {}
}

export type SshLab = {
	readonly ns: Netns;
	/** The server's address (in ns). */
	readonly server: string;
	/** The client namespace (ns's peer). */
	readonly client: string;
	/** Root's home on the client: ~/.ssh/{id_ed25519,known_hosts,config}. */
	readonly clientHome: string;
	/** What the server's sessions wrote to /tmp (the upper layer of its overlay): empty when nothing. */
	readonly serverTmp: string;
	readonly homeOf: (user: string) => string;
	/** The server's public host key line (type and key). */
	readonly hostKey: string;
	/** A known_hosts line for the server's address. */
	readonly knownHostsLine: string;
	/** An `ssh` that runs in the client namespace (for the Io under test, which runs in this process). */
	readonly ssh: string;
	/** Replace the client's ~/.ssh/known_hosts (undefined: the right one again). */
	readonly writeKnownHosts: (text?: string) => void;
	/** Run a command in the client namespace. */
	readonly client$: (
		file: string,
		args: readonly string[],
		options?: {timeout?: number; env?: Record<string, string | undefined>},
	) => ReturnType<typeof execa>;
	/** Sshd's log so far. */
	readonly log: () => string;
	/** TCP connections sshd accepted so far ("Connection from" lines) and logins ("Accepted" lines). */
	readonly connections: () => {readonly tcp: number; readonly logins: number};
	/** Every file under the server's /tmp and the homes, with size and mtime (to compare before and after). */
	readonly snapshot: () => string[];
	readonly startSshd: () => Promise<void>;
	readonly stopSshd: () => Promise<void>;
	readonly cleanup: () => Promise<void>;
};

function etcFiles(home: (user: string) => string) {
	const hostPasswd = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.filter(Boolean);
	const passwd = [
		...hostPasswd.map(line =>
			line.startsWith('root:')
				? line.replace(/^(root:[^:]*:0:0:[^:]*:)[^:]*/, `$1${home('root')}`)
				: line,
		),
		...users.map(u => `${u.name}:x:${u.uid}:${u.uid}::${home(u.name)}:/bin/sh`),
	];
	const group = [
		...readFileSync('/etc/group', 'utf8').split('\n').filter(Boolean),
		...users.map(u => `${u.name}:x:${u.uid}:`),
	];
	const shadow = passwd.map(
		line => `${line.split(':')[0]}:*:19000:0:99999:7:::`,
	);
	return {
		passwd: passwd.join('\n') + '\n',
		group: group.join('\n') + '\n',
		shadow: shadow.join('\n') + '\n',
	};
}

function walk(root: string, prefix: string): string[] {
	if (!existsSync(root)) {
		return [];
	}

	const out: string[] = [];
	for (const name of readdirSync(root).toSorted()) {
		const path = join(root, name);
		const info = statSync(path);
		out.push(
			`${prefix}/${name} ${info.isDirectory() ? 'dir' : info.size} ${info.mtimeMs}`,
		);
		if (info.isDirectory()) {
			out.push(...walk(path, `${prefix}/${name}`));
		}
	}

	return out;
}

/** The namespace pair, users, keys, known_hosts and a running sshd. */
export async function createSshLab(): Promise<SshLab> {
	ensureOpenssh();
	const ns = await createNetns({address: true});
	const server = ns.address!;
	const client = ns.peer!.name;
	const root = mkdtempSync('/var/tmp/rft-sshd-');
	chmodSync(root, 0o755);
	const home = (user: string) => join(root, 'home', user);
	const clientHome = join(root, 'client');
	const serverTmp = join(root, 'server-tmp');
	const overlayWork = join(root, 'server-tmp-work');
	mkdirSync(serverTmp, {mode: 0o1777});
	chmodSync(serverTmp, 0o1777);
	mkdirSync(overlayWork);
	mkdirSync(join(clientHome, '.ssh'), {recursive: true, mode: 0o700});
	mkdirSync('/run/sshd', {recursive: true, mode: 0o755});

	const keygen = (file: string, comment: string) => {
		execFileSync(
			'ssh-keygen',
			['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file],
			{stdio: 'ignore', timeout: 10_000},
		);
	};

	keygen(join(root, 'host_ed25519_key'), 'refused test host');
	keygen(join(clientHome, '.ssh', 'id_ed25519'), 'refused test client');
	const clientKey = readFileSync(
		join(clientHome, '.ssh', 'id_ed25519.pub'),
		'utf8',
	);
	const hostKey = readFileSync(join(root, 'host_ed25519_key.pub'), 'utf8')
		.split(' ')
		.slice(0, 2)
		.join(' ');
	const knownHostsLine = `${server} ${hostKey}`;
	writeFileSync(join(clientHome, '.ssh', 'known_hosts'), `${knownHostsLine}\n`);

	for (const user of [{name: 'root', uid: 0}, ...users]) {
		const dir = home(user.name);
		mkdirSync(join(dir, '.ssh'), {recursive: true});
		writeFileSync(join(dir, '.ssh', 'authorized_keys'), clientKey, {
			mode: 0o600,
		});
		for (const path of [
			dir,
			join(dir, '.ssh'),
			join(dir, '.ssh', 'authorized_keys'),
		]) {
			chownSync(path, user.uid, user.uid);
		}

		chmodSync(dir, 0o755);
		chmodSync(join(dir, '.ssh'), 0o700);
	}

	// The users exist only inside the namespaces (ip netns exec bind-mounts these over /etc).
	const files = etcFiles(home);
	const serverEtc = `/etc/netns/${ns.name}`;
	const clientEtc = `/etc/netns/${client}`;
	writeFileSync(join(serverEtc, 'passwd'), files.passwd);
	writeFileSync(join(serverEtc, 'group'), files.group);
	writeFileSync(join(serverEtc, 'shadow'), files.shadow, {mode: 0o600});
	writeFileSync(
		join(serverEtc, 'hosts'),
		`127.0.0.1\tlocalhost\n127.0.1.1\t${hostname()}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
	);
	writeFileSync(
		join(serverEtc, 'sudoers'),
		[
			'Defaults env_reset',
			'Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
			'root ALL=(ALL:ALL) ALL',
			`${sudoUser.name} ALL=(ALL:ALL) NOPASSWD: ALL`,
			`${partUser.name} ALL=(ALL:ALL) NOPASSWD: /usr/bin/true`,
			'',
		].join('\n'),
		{mode: 0o440},
	);
	chmodSync(join(serverEtc, 'sudoers'), 0o440);
	mkdirSync(join(serverEtc, 'sudoers.d'), {mode: 0o755});
	writeFileSync(join(clientEtc, 'passwd'), etcFiles(() => clientHome).passwd);
	writeFileSync(
		join(clientEtc, 'hosts'),
		`127.0.0.1\tlocalhost\n${server}\tdb.lab\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
	);

	const ssh = join(root, 'ssh');
	writeFileSync(
		ssh,
		`#!/bin/sh\nexec ip netns exec ${client} /usr/bin/ssh "$@"\n`,
		{mode: 0o755},
	);
	const writeKnownHosts = (text = `${knownHostsLine}\n`) => {
		writeFileSync(join(clientHome, '.ssh', 'known_hosts'), text);
	};

	const logPath = join(root, 'sshd.log');
	const config = join(root, 'sshd_config');
	writeFileSync(
		config,
		[
			'Port 22',
			`ListenAddress ${server}`,
			`HostKey ${join(root, 'host_ed25519_key')}`,
			`PidFile ${join(root, 'sshd.pid')}`,
			'UsePAM no',
			'PasswordAuthentication no',
			'KbdInteractiveAuthentication no',
			'PubkeyAuthentication yes',
			'PermitRootLogin prohibit-password',
			'AuthorizedKeysFile .ssh/authorized_keys',
			'LogLevel VERBOSE',
			'PrintMotd no',
			'X11Forwarding no',
			'AllowAgentForwarding no',
			'Subsystem sftp internal-sftp',
			'',
		].join('\n'),
	);

	let sshd: ChildProcess | undefined;
	const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
	const startSshd = async () => {
		const mark = log().length;
		// Its own mount namespace (ip netns exec makes one): a private /tmp for sshd and every session.
		sshd = spawn(
			'ip',
			[
				'netns',
				'exec',
				ns.name,
				'sh',
				'-c',
				'mount -t overlay overlay -o "lowerdir=/tmp,upperdir=$0,workdir=$3" /tmp && exec /usr/sbin/sshd -D -f "$1" -E "$2"',
				serverTmp,
				config,
				logPath,
				overlayWork,
			],
			{stdio: 'ignore'},
		);
		const started = sshd;
		await new Promise<void>((resolve, reject) => {
			let done = false;
			const finish = (error?: Error) => {
				if (done) {
					return;
				}

				done = true;
				clearInterval(poll);
				clearTimeout(timer);
				if (error) {
					reject(error);
				} else {
					resolve();
				}
			};

			const poll = setInterval(() => {
				if (log().slice(mark).includes('Server listening on')) {
					finish();
				}
			}, 25);
			const timer = setTimeout(() => {
				finish(new Error(`sshd did not start:\n${log().slice(mark)}`));
			}, 15_000);
			started.once('exit', code => {
				finish(new Error(`sshd exited with ${code}:\n${log().slice(mark)}`));
			});
		});
	};

	const stopSshd = async () => {
		const running = sshd;
		sshd = undefined;
		if (running?.exitCode === null) {
			const exited = new Promise(resolve => {
				running.once('exit', resolve);
			});
			running.kill('SIGTERM');
			await exited;
		}
	};

	await startSshd();

	return {
		ns,
		server,
		client,
		clientHome,
		serverTmp,
		homeOf: home,
		hostKey,
		knownHostsLine,
		ssh,
		writeKnownHosts,
		client$: (file, args, options = {}) =>
			execa('ip', ['netns', 'exec', client, file, ...args], {
				reject: false,
				timeout: options.timeout ?? 60_000,
				stdin: 'ignore',
				env: {HOME: clientHome, ...options.env},
			}),
		log,
		connections() {
			const text = log();
			return {
				tcp: text.match(/^Connection from /gm)?.length ?? 0,
				logins: text.match(/^Accepted publickey /gm)?.length ?? 0,
			};
		},
		snapshot: () => [
			...walk(serverTmp, '/tmp'),
			...['root', ...users.map(u => u.name)].flatMap(user =>
				walk(home(user), `~${user}`),
			),
		],
		startSshd,
		stopSshd,
		async cleanup() {
			await stopSshd();
			await ns.cleanup();
			rmSync(root, {recursive: true, force: true});
		},
	};
}
