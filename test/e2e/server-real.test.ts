/**
Issue 12 item 7: Debian's own MariaDB, Redis, Apache and OpenSSH servers, run for real inside a
network namespace that has its own address (10.201.N.2), each bound to loopback only and on a
non-default port, from a copy of the package's stock config file (only the lines named here
changed). The client dials the namespace's address: the cause must be loopback-only, quoting the
config file:line that binds loopback, and the fix must edit that very line.

Packages (installed by scripts/test.sh, never started on the host: policy-rc.d):
mariadb-server, redis-server, apache2, openssh-server.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {execa} from 'execa';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';

let ns: Netns;
let dir: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
	ns = await createNetns({address: true});
	dir = mkdtempSync('/tmp/rft-real-');
	child = undefined;
});

afterEach(async () => {
	child?.kill('SIGKILL');
	// Kills what still runs in the namespace (a server's own children too).
	await ns.cleanup();
	rmSync(dir, {recursive: true, force: true});
});

/** A stock config file with some lines replaced (each `from` must be there: the test fails otherwise). */
function edited(
	stock: string,
	changes: ReadonlyArray<readonly [string | RegExp, string]>,
): string {
	let text = readFileSync(stock, 'utf8');
	for (const [from, to] of changes) {
		const before = text;
		text = text.replace(from, to);
		expect(text, `${stock}: ${String(from)}`).not.toBe(before);
	}

	return text;
}

/** The 1-based number of the line that is exactly `line` (trimmed). */
function lineOf(file: string, line: string): number {
	const index = readFileSync(file, 'utf8')
		.split('\n')
		.findIndex(l => l.trim() === line);
	expect(index, `${file} has no line "${line}"`).toBeGreaterThanOrEqual(0);
	return index + 1;
}

/** Debian's redis.conf, on port 6390 in the foreground, files under the test folder. */
async function redisConfig(...extra: string[]): Promise<string> {
	const config = `${dir}/redis.conf`;
	writeFileSync(
		config,
		edited('/etc/redis/redis.conf', [
			[/^port 6379$/m, 'port 6390'],
			[/^daemonize yes$/m, 'daemonize no'],
			[/^pidfile .*$/m, `pidfile ${dir}/redis.pid`],
			[/^logfile .*$/m, 'logfile ""'],
			[/^dir .*$/m, `dir ${dir}`],
		]) + extra.map(line => `${line}\n`).join(''),
	);
	return config;
}

/** Start a server in the namespace and wait until `port` listens there. */
async function start(argv: readonly string[], port: number): Promise<void> {
	const server = spawn('ip', ['netns', 'exec', ns.name, ...argv], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child = server;
	let output = '';
	server.stdout.on('data', (chunk: Uint8Array) => {
		output += Buffer.from(chunk).toString('utf8');
	});
	server.stderr.on('data', (chunk: Uint8Array) => {
		output += Buffer.from(chunk).toString('utf8');
	});
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		const ss = await ns.exec('ss', ['-Htln', `sport = :${port}`]);
		if (String(ss.stdout).includes(`:${port}`)) {
			return;
		}

		if (server.exitCode !== null) {
			break;
		}

		await new Promise(resolve => {
			setTimeout(resolve, 100);
		});
	}

	throw new Error(`${argv.join(' ')}: no listener on ${port}:\n${output}`);
}

async function diagnose(port: number) {
	const result = await runJson([`${ns.address!}:${port}`], {netns: ns});
	expect(result.report, result.stderr || result.stdout).toBeDefined();
	const report = result.report!;
	const cause = report.causes[0];
	expect(cause, JSON.stringify(report.steps, undefined, 2)).toBeDefined();
	return {report, cause: cause!};
}

describe('real Debian servers on loopback only, non-default port: loopback-only with file:line and the edit', () => {
	test('MariaDB (mariadbd --defaults-file, stock 50-server.cnf: bind-address = 127.0.0.1, port = 3307)', async () => {
		const config = `${dir}/my.cnf`;
		writeFileSync(
			config,
			edited('/etc/mysql/mariadb.conf.d/50-server.cnf', [
				[
					/^bind-address(\s+)= 127\.0\.0\.1$/m,
					'bind-address$1= 127.0.0.1\nport$1= 3307',
				],
				[
					/^pid-file(\s+)= .*$/m,
					`pid-file$1= ${dir}/mysqld.pid\nsocket$1= ${dir}/mysqld.sock\ndatadir$1= ${dir}/data\nuser$1= root`,
				],
			]),
		);
		const install = await execa(
			'mariadb-install-db',
			[`--defaults-file=${config}`],
			{reject: false, timeout: 60_000},
		);
		expect(install.exitCode, install.stderr).toBe(0);
		await start(['mariadbd', `--defaults-file=${config}`], 3307);
		const line = lineOf(config, 'bind-address            = 127.0.0.1');
		const {cause} = await diagnose(3307);
		expect(cause.id).toBe('loopback-only');
		expect(cause.confidence).toBe('confirmed');
		expect(cause.summary).toMatch(
			/^mariadbd \(pid \d+\) listens on 127\.0\.0\.1:3307 only/,
		);
		expect(cause.evidence).toContain(
			`${config}:${line}: bind-address            = 127.0.0.1`,
		);
		expect(cause.fixes[0]?.command).toBe(
			`${config}:${line}: bind-address = 0.0.0.0`,
		);
		expect(cause.fixes[0]?.why).toMatch(/strong password/);
	});

	test('Redis (redis-server FILE, stock redis.conf: bind 127.0.0.1 -::1, port 6390; the title names the file)', async () => {
		const config = await redisConfig(
			'proc-title-template "{title} {config-file} {listen-addr}"',
		);
		await start(['redis-server', config], 6390);
		const line = lineOf(config, 'bind 127.0.0.1 -::1');
		const {cause} = await diagnose(6390);
		expect(cause.id).toBe('loopback-only');
		expect(cause.summary).toMatch(
			/^redis-server \(pid \d+\) listens on 127\.0\.0\.1:6390, \[::1]:6390 only/,
		);
		expect(cause.evidence).toContain(`${config}:${line}: bind 127.0.0.1 -::1`);
		expect(cause.fixes[0]?.command).toBe(
			`${config}:${line}: bind 127.0.0.1 ::1 ${ns.address!}`,
		);
		expect(cause.fixes[0]?.why).toMatch(/requirepass/);
		expect(cause.fixes[1]?.command).toBe(
			`redis-cli shutdown; redis-server ${config} &`,
		);
	});

	test("Redis with Debian's stock process title (the file is not on its command line): /etc/redis/redis.conf is not taken for its config", async () => {
		const config = await redisConfig();
		await start(['redis-server', config], 6390);
		const {cause} = await diagnose(6390);
		expect(cause.id).toBe('loopback-only');
		// /etc/redis/redis.conf says port 6379: not the file this server read, and not quoted as if it were.
		expect(
			cause.evidence.some(e => e.startsWith('/etc/redis/redis.conf:')),
		).toBe(false);
		expect(cause.evidence).toContain(
			'/etc/redis/redis.conf says port 6379, but redis-server listens on 6390: it did not read that file (its command line names no config file), so the file it runs with is not known',
		);
		expect(cause.fixes[0]?.command).toBe(
			`the redis.conf it was started with (where: redis-cli -p PORT INFO server | grep config_file): bind 127.0.0.1 ::1 ${ns.address!}`,
		);
	});

	test('Apache (apache2 -f FILE, Listen 127.0.0.1:8089 in an included ports.conf)', async () => {
		const config = `${dir}/apache2.conf`;
		const ports = `${dir}/ports.conf`;
		writeFileSync(
			ports,
			edited('/etc/apache2/ports.conf', [
				[/^Listen 80$/m, 'Listen 127.0.0.1:8089'],
			]),
		);
		writeFileSync(
			config,
			[
				`ServerRoot ${dir}`,
				'ServerName localhost',
				`PidFile ${dir}/apache2.pid`,
				`ErrorLog ${dir}/error.log`,
				`Mutex file:${dir} default`,
				'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
				'LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so',
				'User daemon',
				'Group daemon',
				'Include ports.conf',
				`DocumentRoot ${dir}`,
				'',
			].join('\n'),
		);
		await start(['apache2', '-f', config, '-DFOREGROUND'], 8089);
		const line = lineOf(ports, 'Listen 127.0.0.1:8089');
		const {cause} = await diagnose(8089);
		expect(cause.id).toBe('loopback-only');
		expect(cause.summary).toMatch(
			/^apache2 \(pid \d+\) listens on 127\.0\.0\.1:8089 only/,
		);
		expect(cause.evidence).toContain(`${ports}:${line}: Listen 127.0.0.1:8089`);
		expect(cause.fixes[0]?.command).toBe(
			`${ports}:${line}: Listen ${ns.address!}:8089`,
		);
	});

	test('OpenSSH (sshd -D -f FILE, stock sshd_config: ListenAddress 127.0.0.1, Port 2223)', async () => {
		const config = `${dir}/sshd_config`;
		await execa('ssh-keygen', [
			'-q',
			'-t',
			'ed25519',
			'-N',
			'',
			'-f',
			`${dir}/host_key`,
		]);
		writeFileSync(
			config,
			edited('/etc/ssh/sshd_config', [
				[/^#Port 22$/m, 'Port 2223'],
				[/^#ListenAddress 0\.0\.0\.0$/m, 'ListenAddress 127.0.0.1'],
				[/^#HostKey \/etc\/ssh\/ssh_host_rsa_key$/m, `HostKey ${dir}/host_key`],
				[/^#PidFile \/run\/sshd\.pid$/m, `PidFile ${dir}/sshd.pid`],
			]),
		);
		// Sshd needs its privilege separation folder (the package makes it at start).
		await execa('mkdir', ['-p', '/run/sshd']);
		await start(['/usr/sbin/sshd', '-D', '-f', config], 2223);
		const line = lineOf(config, 'ListenAddress 127.0.0.1');
		const {cause} = await diagnose(2223);
		expect(cause.id).toBe('loopback-only');
		expect(cause.summary).toMatch(
			/^sshd \(pid \d+\) listens on 127\.0\.0\.1:2223 only/,
		);
		expect(cause.evidence).toContain(
			`${config}:${line}: ListenAddress 127.0.0.1`,
		);
		expect(cause.fixes[0]?.command).toBe(
			`${config}:${line}: ListenAddress ${ns.address!}`,
		);
		expect(cause.fixes[1]?.command).toBe(
			`sshd -t -f ${config} && kill -HUP "$(cat /run/sshd.pid)"`,
		);
	});
});
