/**
A real Docker engine for tests (root only, Debian's docker.io): its own dockerd with its own data
root, exec root, pidfile and unix socket under a temp dir, its own bridge (refused-dk0,
10.203.0.1/24, created here and passed with --bridge), iptables, masquerading and forwarding off
(the host's firewall and sysctls stay untouched: published ports work through docker-proxy). The
base image is a busybox-static root filesystem brought in with `docker import` (no registry).
`stop()` removes the containers, stops dockerd by its pid, and removes the bridge, the temp dir and
the files dockerd leaves behind; a crashed run's leftovers are swept by the next `startDocker()`.
`startDocker({nat})` runs the engine instead inside a network namespace (test/helpers/netns.ts) with
iptables on and `--userland-proxy=false`: Docker publishes through its own DNAT rules, which live in
that namespace's tables, so the host's rules and sysctls stay untouched; the namespace's cleanup
removes its bridge.
*/
import {execFileSync, spawn} from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	copyFileSync,
	writeFileSync,
	closeSync,
} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import type {Netns} from './netns.js';

export const image = 'refused-test/base';
const bridge = 'refused-dk0';
/** The host's address on the test engine's bridge: local to this host, not loopback. */
export const bridgeGateway = '10.203.0.1';
const bridgeAddress = `${bridgeGateway}/24`;
const dirPrefix = 'refused-docker-';
/** Files dockerd creates outside its own roots; removed on stop when they did not exist before. */
const strayPaths = [
	'/etc/docker/key.json',
	'/etc/docker',
	'/run/docker',
	'/run/containerd',
];

export type DockerEngine = {
	readonly dir: string;
	/** unix:///.../docker.sock */
	readonly host: string;
	/** Environment for the CLI under test: DOCKER_HOST pointing at this engine. */
	readonly env: Record<string, string>;
	/** The docker CLI against this engine; never throws. */
	readonly docker: (
		args: readonly string[],
	) => Promise<{stdout: string; stderr: string; exitCode: number | undefined}>;
	/** `docker run -d --name NAME ...args`; returns the container ID, throws with stderr on failure. */
	readonly run: (name: string, args: readonly string[]) => Promise<string>;
	/** Poll `docker inspect` until the container's state is `state` (bounded). */
	readonly waitForState: (
		name: string,
		state: string,
		timeoutMs?: number,
	) => Promise<void>;
	/** Poll the container's /proc/PID/net/tcp* until something listens on `port` inside (bounded). */
	readonly waitForListen: (
		name: string,
		port: number,
		timeoutMs?: number,
	) => Promise<void>;
	readonly stop: () => Promise<void>;
};

/** Why the engine cannot start here, or undefined when it can. */
export function dockerMissing(): string | undefined {
	if (process.getuid?.() !== 0) {
		return 'needs root to start dockerd';
	}

	for (const tool of ['dockerd', 'docker', 'busybox', 'ip', 'tar']) {
		try {
			execFileSync('sh', ['-c', `command -v ${tool}`], {stdio: 'ignore'});
		} catch {
			return `${tool} is not installed (apt-get install docker.io busybox-static)`;
		}
	}

	return undefined;
}

/** A TCP port nothing on 127.0.0.1 listens on right now. */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => {
				resolve(port);
			});
		});
	});
}

async function poll<T>(
	what: string,
	timeoutMs: number,
	attempt: () => Promise<T | undefined>,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: T | undefined;
	for (;;) {
		last = await attempt();
		if (last !== undefined) {
			return last;
		}

		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 50);
		});
	}
}

const alive = (pid: number) =>
	existsSync(`/proc/${pid}`) &&
	!readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

function pidsUsing(dir: string): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
			continue;
		}

		try {
			if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) {
				pids.push(Number(entry));
			}
		} catch {}
	}

	return pids;
}

function unmountUnder(dir: string) {
	const mounts = readFileSync('/proc/self/mounts', 'utf8')
		.split('\n')
		.map(line => line.split(' ')[1] ?? '')
		.filter(point => point.startsWith(dir))
		.toSorted((a, b) => b.length - a.length);
	for (const point of mounts) {
		try {
			execFileSync('umount', ['-l', point], {stdio: 'ignore', timeout: 5000});
		} catch {}
	}
}

async function killAndWait(pids: readonly number[], timeoutMs: number) {
	for (const pid of pids) {
		try {
			process.kill(pid, 'SIGTERM');
		} catch {}
	}

	try {
		await poll('processes to exit', timeoutMs, async () =>
			pids.some(pid => alive(pid)) ? undefined : true,
		);
	} catch {
		for (const pid of pids.filter(pid => alive(pid))) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {}
		}
	}
}

function deleteBridge() {
	try {
		execFileSync('ip', ['link', 'del', bridge], {
			stdio: 'ignore',
			timeout: 5000,
		});
	} catch {}
}

/** Remove what a crashed earlier run left: its dockerd (by the pidfile in its own dir), mounts, dir, bridge. */
async function sweep() {
	for (const entry of readdirSync(tmpdir()).filter(name =>
		name.startsWith(dirPrefix),
	)) {
		const dir = join(tmpdir(), entry);
		const pids = pidsUsing(dir);
		await killAndWait(pids, 15_000);
		unmountUnder(dir);
		rmSync(dir, {recursive: true, force: true});
	}

	deleteBridge();
}

function buildRootfs(rootfs: string) {
	for (const sub of ['bin', 'etc', 'tmp', 'www', 'proc', 'sys', 'dev']) {
		mkdirSync(join(rootfs, sub), {recursive: true});
	}

	const busybox = execFileSync('sh', ['-c', 'command -v busybox'], {
		encoding: 'utf8',
	}).trim();
	copyFileSync(busybox, join(rootfs, 'bin/busybox'));
	const applets = execFileSync(busybox, ['--list'], {encoding: 'utf8'})
		.split('\n')
		.filter(Boolean);
	for (const applet of applets) {
		if (applet !== 'busybox') {
			symlinkSync('busybox', join(rootfs, 'bin', applet));
		}
	}

	writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/:/bin/sh\n');
	writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\n');
	writeFileSync(join(rootfs, 'www/index.html'), 'hello-from-container\n');
}

export type DockerOptions = {
	/**
	Run dockerd inside this network namespace, publishing through NAT only: its own iptables rules
	(DOCKER chains, DNAT) and sysctls (ip_forward, route_localnet) live in the namespace, so the
	host's rules stay untouched; `--userland-proxy=false`, so no docker-proxy holds the host port.
	*/
	readonly nat?: Netns;
};

/** `ip` for the bridge: on the host, or inside the NAT engine's namespace. */
function bridgeIp(nat: Netns | undefined, args: readonly string[]) {
	execFileSync('ip', [...(nat ? ['-n', nat.name] : []), ...args], {
		timeout: 5000,
	});
}

/** The command line of dockerd: publishing by docker-proxy with no iptables, or by NAT inside a namespace. */
function daemonArgv(
	nat: Netns | undefined,
	dir: string,
	host: string,
): {file: string; args: string[]} {
	const roots = [
		'--data-root',
		join(dir, 'data'),
		'--exec-root',
		join(dir, 'exec'),
		'--pidfile',
		join(dir, 'dockerd.pid'),
		'-H',
		host,
		'--storage-driver',
		'overlay2',
	];
	if (!nat) {
		return {
			file: 'dockerd',
			args: [
				'--bridge',
				bridge,
				'--iptables=false',
				'--ip-masq=false',
				'--ip-forward=false',
				...roots,
			],
		};
	}

	// Nsenter (not `ip netns exec`, which remounts /sys and hides the cgroups dockerd needs).
	return {
		file: 'nsenter',
		args: [
			`--net=/run/netns/${nat.name}`,
			'dockerd',
			'--bridge',
			bridge,
			'--iptables=true',
			'--userland-proxy=false',
			...roots,
		],
	};
}

export async function startDocker(
	options: DockerOptions = {},
): Promise<DockerEngine> {
	const {nat} = options;
	await sweep();
	const existedBefore = new Set(strayPaths.filter(path => existsSync(path)));
	const dir = mkdtempSync(join(tmpdir(), dirPrefix));
	const socket = join(dir, 'docker.sock');
	const host = `unix://${socket}`;
	const env = {DOCKER_HOST: host};
	let dockerdPid: number | undefined;

	const docker = async (args: readonly string[]) => {
		const result = await execa('docker', [...args], {
			reject: false,
			timeout: 30_000,
			env,
			stdin: 'ignore',
		});
		return {
			stdout: String(result.stdout),
			stderr: String(result.stderr),
			exitCode: result.exitCode,
		};
	};

	const stop = async () => {
		if (dockerdPid !== undefined && alive(dockerdPid)) {
			const ids = (await docker(['ps', '-aq'])).stdout
				.split('\n')
				.filter(Boolean);
			if (ids.length > 0) {
				await docker(['rm', '-f', ...ids]);
			}

			await killAndWait([dockerdPid], 20_000);
		}

		await killAndWait(pidsUsing(dir), 10_000);
		unmountUnder(dir);
		rmSync(dir, {recursive: true, force: true});
		if (!nat) {
			deleteBridge();
		}

		for (const path of strayPaths) {
			if (!existedBefore.has(path)) {
				try {
					rmSync(path, {recursive: true, force: true});
				} catch {}
			}
		}
	};

	process.once('exit', () => {
		if (dockerdPid !== undefined && alive(dockerdPid)) {
			try {
				process.kill(dockerdPid, 'SIGTERM');
			} catch {}
		}
	});

	try {
		bridgeIp(nat, ['link', 'add', bridge, 'type', 'bridge']);
		bridgeIp(nat, ['addr', 'add', bridgeAddress, 'dev', bridge]);
		bridgeIp(nat, ['link', 'set', bridge, 'up']);
		const log = openSync(join(dir, 'dockerd.log'), 'a');
		const daemonCommand = daemonArgv(nat, dir, host);
		const daemon = spawn(daemonCommand.file, daemonCommand.args, {
			detached: true,
			stdio: ['ignore', log, log],
		});
		closeSync(log);
		daemon.unref();
		dockerdPid = daemon.pid;
		await poll('dockerd to answer', 30_000, async () => {
			if (dockerdPid === undefined || !alive(dockerdPid)) {
				throw new Error(
					`dockerd exited: ${readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`,
				);
			}

			return (await docker(['version', '--format', '{{.Server.Version}}']))
				.exitCode === 0
				? true
				: undefined;
		});

		const rootfs = join(dir, 'rootfs');
		buildRootfs(rootfs);
		execFileSync('tar', ['-C', rootfs, '-cf', join(dir, 'rootfs.tar'), '.'], {
			timeout: 30_000,
		});
		const imported = await docker(['import', join(dir, 'rootfs.tar'), image]);
		if (imported.exitCode !== 0) {
			throw new Error(`docker import failed: ${imported.stderr}`);
		}
	} catch (error) {
		await stop();
		throw error;
	}

	const inspect = async (name: string) => {
		const result = await docker([
			'inspect',
			'--format',
			'{{.State.Status}} {{.State.Pid}}',
			name,
		]);
		const [state, pid] = result.stdout.trim().split(' ');
		return {state: state ?? '', pid: Number(pid ?? 0)};
	};

	return {
		dir,
		host,
		env,
		docker,
		async run(name, args) {
			const result = await docker(['run', '-d', '--name', name, ...args]);
			if (result.exitCode !== 0) {
				throw new Error(`docker run ${name} failed: ${result.stderr}`);
			}

			return result.stdout.trim();
		},
		async waitForState(name, state, timeoutMs = 15_000) {
			await poll(`${name} to be ${state}`, timeoutMs, async () =>
				(await inspect(name)).state === state ? true : undefined,
			);
		},
		async waitForListen(name, port, timeoutMs = 15_000) {
			const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
			await poll(`${name} to listen on ${port}`, timeoutMs, async () => {
				const {pid} = await inspect(name);
				if (pid <= 0) {
					return undefined;
				}

				const tables = ['tcp', 'tcp6'].map(file => {
					try {
						return readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
					} catch {
						return '';
					}
				});
				return tables.some(text =>
					text
						.split('\n')
						.some(line => line.includes(hex) && line.split(/\s+/)[4] === '0A'),
				)
					? true
					: undefined;
			});
		},
		stop,
	};
}
