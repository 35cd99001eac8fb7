/**
`--via`, end to end against a real OpenSSH server (test/helpers/sshd.ts): sshd in one network
namespace, the client (this test's Io, through an `ssh` that runs in the peer namespace) in the
other, all traffic on their link. Covers the server's Io itself (commands, files, folders,
connects, names, quoting of hostile words), the three privilege cases (root, passwordless sudo,
no sudo, and sudo that asks a password for real commands), every SSH failure as one line, that one
SSH connection carries a whole session, and that nothing is left on the server.
*/
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import type {Report} from '../../source/report/model.js';
import {openServer, type OpenedServer} from '../../source/via/index.js';
import type {Destination} from '../../source/via/destination.js';
import {cliPath} from '../helpers/cli.js';
import {hostileStrings} from '../helpers/hostile.js';
import {schemaErrors} from '../helpers/schema.js';
import {startPostgres, type RealServer} from '../helpers/servers.js';
import {
	createSshLab,
	partUser,
	plainUser,
	sudoUser,
	type SshLab,
} from '../helpers/sshd.js';

let lab: SshLab;

beforeAll(async () => {
	lab = await createSshLab();
});

afterAll(async () => {
	await lab?.cleanup();
});

async function open(
	destination: Partial<Destination> & {user?: string},
	options: {connectTimeoutS?: number} = {},
): Promise<OpenedServer> {
	return openServer({
		destination: {host: lab.server, ...destination},
		batch: true,
		connectTimeoutS: options.connectTimeoutS ?? 5,
		ssh: lab.ssh,
	});
}

async function opened(user: string) {
	const server = await open({user});
	if (!server.ok) {
		throw new Error(`${server.failure.message}\n${lab.log().slice(-2000)}`);
	}

	return server;
}

describe('the server Io over one SSH connection', () => {
	test('root: commands, files, folders, names and connects run on the server; one connection; nothing left there', async () => {
		const listener = await lab.ns.listen('127.0.0.1', 5432);
		const before = lab.snapshot();
		const count = lab.connections();
		const server = await opened('root');
		try {
			expect(server.identity.privilege).toBe('root');
			expect(server.identity.uid).toBe(0);
			expect(server.io.uid).toBe(0);
			expect(server.io.platform).toBe('linux');
			expect(server.io.interfaces().map(i => i.address)).toContain(lab.server);
			expect(server.io.env['HOME']).toBe(lab.homeOf('root'));

			const ss = await server.io.run({file: 'ss', args: ['-Htln']});
			expect(ss.exitCode).toBe(0);
			expect(ss.command).toBe('ss -Htln');
			expect(ss.stdout).toMatch(/127\.0\.0\.1:5432\b/);
			expect(ss.stdout).toMatch(
				new RegExp(`${lab.server.replaceAll('.', '\\.')}:22\\b`),
			);

			// The users exist only inside the server's namespace: this file was read there.
			const passwd = await server.io.readFile('/etc/passwd');
			expect(passwd.ok && passwd.text).toMatch(/^rftuser:/m);
			const missing = await server.io.readFile('/nonexistent/file');
			expect(missing).toEqual({ok: false, code: 'ENOENT'});
			const proc = await server.io.readDir('/proc');
			expect(proc).toContain('self');
			expect(await server.io.readDir('/nonexistent')).toBeUndefined();
			// Raw like a local read: /proc/PID/cmdline keeps its NUL separators.
			const cmdline = await server.io.readFile(`/proc/${listener.pid}/cmdline`);
			expect(cmdline.ok ? cmdline.text.includes('\0') : cmdline.code).toBe(
				true,
			);

			expect(await server.io.connect('127.0.0.1', 5432, 2000)).toMatchObject({
				code: 'connect',
			});
			expect(await server.io.connect('127.0.0.1', 5433, 2000)).toMatchObject({
				code: 'ECONNREFUSED',
			});
			const names = await server.io.lookup('localhost', 2000);
			expect(names.ok && names.addresses.map(a => a.address)).toContain(
				'127.0.0.1',
			);

			const missingProgram = await server.io.run({
				file: 'no-such-program',
				args: [],
			});
			expect(missingProgram.notFound).toBe(true);
			const option = await server.io.run({file: '-x', args: []});
			expect(option.exitCode).toBeUndefined();
			expect(option.notFound).toBe(true);
		} finally {
			await server.close();
			listener.kill();
		}

		// The private socket folder is gone, and the master with it.
		expect(existsSync(server.connection.folder)).toBe(false);
		const check = await lab.client$('ssh', [
			'-O',
			'check',
			'-o',
			`ControlPath=${server.connection.folder}/%C`,
			'-l',
			'root',
			'--',
			lab.server,
		]);
		expect(check.exitCode).not.toBe(0);

		const after = lab.connections();
		expect(after.tcp - count.tcp).toBe(1);
		expect(after.logins - count.logins).toBe(1);
		expect(lab.snapshot()).toEqual(before);
	});

	test('hostile words stay single arguments on the server, and nothing they name runs there', async () => {
		const server = await opened('root');
		try {
			const result = await server.io.run({
				file: 'printf',
				args: ['%s\n--end--\n', ...hostileStrings],
			});
			expect(result.exitCode).toBe(0);
			expect(result.stdout.split('\n--end--\n').slice(0, -1)).toEqual(
				hostileStrings,
			);
			const read = await server.io.readFile(hostileStrings[0]!);
			expect(read.ok).toBe(false);
		} finally {
			await server.close();
		}

		// Each payload would touch this file on the server (its /tmp is the lab's folder).
		expect(existsSync(join(lab.serverTmp, 'refused-hostile-ran'))).toBe(false);
		expect(lab.snapshot().filter(line => line.startsWith('/tmp/'))).toEqual([]);
	});

	test('passwordless sudo: every command runs as root through sudo -n', async () => {
		const server = await opened(sudoUser.name);
		try {
			expect(server.identity).toMatchObject({
				privilege: 'sudo',
				user: sudoUser.name,
				uid: sudoUser.uid,
			});
			expect(server.io.uid).toBe(0);
			const id = await server.io.run({file: 'id', args: ['-u']});
			expect(id.stdout.trim()).toBe('0');
			const shadow = await server.io.readFile('/etc/shadow');
			expect(shadow.ok).toBe(true);
		} finally {
			await server.close();
		}
	});

	test('no sudo: commands run as the user, the Io says not root, root-only reads are EACCES', async () => {
		const server = await opened(plainUser.name);
		try {
			expect(server.identity).toMatchObject({
				privilege: 'user',
				uid: plainUser.uid,
			});
			expect(server.identity.sudoProblem).toMatch(/a password is required/);
			expect(server.io.uid).toBe(plainUser.uid);
			const id = await server.io.run({file: 'id', args: ['-u']});
			expect(id.stdout.trim()).toBe(String(plainUser.uid));
			expect(await server.io.readFile('/etc/shadow')).toEqual({
				ok: false,
				code: 'EACCES',
			});
			// Found through the fixed PATH with the sbin folders; as a user it cannot read the tables.
			const rules = await server.io.run({file: 'iptables-save', args: []});
			expect(rules.notFound).toBe(false);
			expect(rules.exitCode).not.toBe(0);
			expect(rules.stderr).toMatch(/permission denied|must be root/i);
		} finally {
			await server.close();
		}
	});

	test('sudo that wants a password for a step: the step says so on its first line, with the command to run by hand', async () => {
		const server = await opened(partUser.name);
		try {
			expect(server.identity.privilege).toBe('sudo');
			const ss = await server.io.run({file: 'ss', args: ['-Htlnp']});
			expect(ss.exitCode).not.toBe(0);
			expect(ss.stderr.split('\n')[0]).toBe(
				`permission denied: needs root on ${server.identity.hostname}, and sudo -n asked for a password; run it there by hand: sudo ss -Htlnp`,
			);
			expect(await server.io.readFile('/etc/shadow')).toEqual({
				ok: false,
				code: 'EACCES',
			});
		} finally {
			await server.close();
		}
	});
});

describe('SSH failures are one clear line', () => {
	test('unknown host', async () => {
		const server = await open({host: 'no-such-host.invalid', user: 'root'});
		expect(server.ok).toBe(false);
		if (!server.ok) {
			expect(server.failure.kind).toBe('unknown-host');
			expect(server.failure.message).toMatch(
				/^ssh could not resolve no-such-host\.invalid: unknown host .*\(ssh: "ssh: Could not resolve hostname no-such-host\.invalid/,
			);
			expect(server.failure.message).not.toContain('\n');
		}
	});

	test('authentication failed', async () => {
		const server = await open({user: 'nosuchuser'});
		expect(server.ok).toBe(false);
		if (!server.ok) {
			expect(server.failure.kind).toBe('auth');
			expect(server.failure.message).toContain('Permission denied (publickey)');
		}
	});

	test("a wrong host key: refused with ssh's message, and no way around it", async () => {
		const other = lab.hostKey.replace(
			/ \S+$/,
			' AAAAC3NzaC1lZDI1NTE5AAAAIE8jRq1v2TKnv7CRX+2A8l3JY2cPq2r1AfZ4h0x9TwYt',
		);
		lab.writeKnownHosts(`${lab.server} ${other}\n`);
		try {
			const server = await open({user: 'root'});
			expect(server.ok).toBe(false);
			if (!server.ok) {
				expect(server.failure.kind).toBe('host-key-changed');
				expect(server.failure.message).toContain(
					`(ssh: "Host key for ${lab.server} has changed and you have requested strict checking.")`,
				);
				expect(server.failure.message).toContain(`ssh-keygen -R ${lab.server}`);
				expect(server.failure.message).not.toMatch(/StrictHostKeyChecking/);
			}
		} finally {
			lab.writeKnownHosts();
		}
	});

	test('a host not in known_hosts', async () => {
		lab.writeKnownHosts('');
		try {
			const server = await open({user: 'root'});
			expect(server.ok).toBe(false);
			if (!server.ok) {
				expect(server.failure.kind).toBe('host-key-unknown');
				expect(server.failure.message).toContain(
					'No ED25519 host key is known for',
				);
			}
		} finally {
			lab.writeKnownHosts();
		}
	});

	test('sshd stopped: refused on port 22, offered as a diagnosis of its own', async () => {
		await lab.stopSshd();
		try {
			const server = await open({user: 'root'});
			expect(server.ok).toBe(false);
			if (!server.ok) {
				expect(server.failure.kind).toBe('refused');
				expect(server.failure.walk).toEqual({host: lab.server, port: 22});
				expect(server.failure.message).toContain(`refused ${lab.server}:22`);
				expect(server.failure.message).toContain('Connection refused');
			}
		} finally {
			await lab.startSshd();
		}
	});

	test('a firewall drops SSH: timeout after the connect timeout', async () => {
		await lab.ns.exec('iptables', [
			'-I',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			'22',
			'-j',
			'DROP',
		]);
		try {
			const server = await open({user: 'root'}, {connectTimeoutS: 1});
			expect(server.ok).toBe(false);
			if (!server.ok) {
				expect(server.failure.kind).toBe('timeout');
				expect(server.failure.message).toMatch(/within 1 s/);
			}
		} finally {
			await lab.ns.exec('iptables', [
				'-D',
				'INPUT',
				'-p',
				'tcp',
				'--dport',
				'22',
				'-j',
				'DROP',
			]);
		}
	});
});

/** The built CLI in the client namespace, with --via and --json; its report, stderr and exit code. */
async function cli(
	target: string,
	options: {
		user?: string;
		via?: string;
		args?: string[];
		answer?: boolean;
	} = {},
) {
	const result = await lab.client$(
		process.execPath,
		[
			cliPath,
			target,
			...(options.answer
				? [
						`--answer=via=${options.via ?? `${options.user ?? 'root'}@${lab.server}`}`,
					]
				: ['--via', options.via ?? `${options.user ?? 'root'}@${lab.server}`]),
			'--timeout',
			'1s',
			'--json',
			...(options.args ?? []),
		],
		{timeout: 120_000},
	);
	let report: Report | undefined;
	try {
		report = JSON.parse(String(result.stdout)) as Report;
	} catch {}

	expect(
		report,
		`${String(result.stderr)}\n${String(result.stdout)}`,
	).toBeDefined();
	expect(schemaErrors(report)).toEqual([]);
	return {
		report: report!,
		server: report!.server!,
		stderr: String(result.stderr),
		exitCode: result.exitCode,
		step: (id: string) => report!.server?.steps.find(s => s.id === id),
	};
}

const rules = async () =>
	String((await lab.ns.exec('iptables-save', [])).stdout)
		.split('\n')
		.filter(line => !line.startsWith('#'))
		.map(line => line.replace(/\[\d+:\d+]/, ''))
		.join('\n');

describe('refused TARGET --via DEST: both sides joined', () => {
	const started: RealServer[] = [];
	const stops: Array<() => void> = [];
	afterEach(async () => {
		for (const server of started.splice(0)) {
			await server.stop();
		}

		for (const stop of stops.splice(0)) {
			stop();
		}

		await lab.ns.exec('iptables', ['-F', 'INPUT']);
	});

	const port = 5432;
	const target = () => `${lab.server}:${port}`;
	const listenEverywhere = async () => {
		const child = await lab.ns.listen('0.0.0.0', port);
		stops.push(() => child.kill());
	};

	test('loopback-only, confirmed from both sides: a real PostgreSQL on localhost only; one SSH connection; the server unchanged', async () => {
		started.push(await startPostgres(lab.ns, {listenAddresses: 'localhost'}));
		const knownHosts = readFileSync(
			join(lab.clientHome, '.ssh', 'known_hosts'),
			'utf8',
		);
		const before = {
			files: lab.snapshot(),
			rules: await rules(),
			count: lab.connections(),
		};
		const {report, server, exitCode} = await cli(target());
		expect(exitCode).toBe(1);
		expect(report.probe.outcome).toBe('refused');
		const cause = report.causes[0]!;
		expect(cause.id).toBe('loopback-only');
		expect(cause.confidence).toBe('confirmed');
		expect(cause.evidence[0]).toBe(
			`from this host: connect ${target()}: refused in ${report.probe.ms} ms`,
		);
		expect(
			cause.evidence.some(line =>
				/^on \S+: ss -Htlnpe: 127\.0\.0\.1:5432 \(postgres pid \d+/.test(line),
			),
		).toBe(true);
		// Read on the server: the config line that says so, quoted with file:line.
		expect(
			cause.evidence.some(line =>
				/^on \S+: \/tmp\/rft-pg-\w+\/data\/postgresql\.conf:\d+: listen_addresses = 'localhost'/.test(
					line,
				),
			),
		).toBe(true);
		expect(server).toMatchObject({
			destination: `root@${lab.server}`,
			user: 'root',
			privilege: 'root',
			target: {address: lab.server, port},
			probe: {outcome: 'refused', address: lab.server},
		});
		expect(server.verdict).toMatch(
			/^on \S+ itself, 10\.201\.\d+\.2:5432 is refused too: postgres \(pid \d+\) listens on 127\.0\.0\.1:5432, \[::1]:5432 only/,
		);
		expect(server.commands).toBeGreaterThan(10);
		const after = lab.connections();
		expect(after.tcp - before.count.tcp).toBe(1);
		expect(after.logins - before.count.logins).toBe(1);
		expect(lab.snapshot()).toEqual(before.files);
		expect(await rules()).toBe(before.rules);
		// Nothing written on this host's side either (ssh may add keys to known_hosts unless told not to).
		expect(
			readFileSync(join(lab.clientHome, '.ssh', 'known_hosts'), 'utf8'),
		).toBe(knownHosts);
	});

	test("a REJECT rule, named from the server's rules", async () => {
		await listenEverywhere();
		await lab.ns.exec('iptables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			String(port),
			'-j',
			'REJECT',
			'--reject-with',
			'tcp-reset',
		]);
		const {report, server, step} = await cli(target());
		expect(report.probe.outcome).toBe('refused');
		expect(report.causes[0]).toMatchObject({
			id: 'firewall-reject',
			confidence: 'confirmed',
		});
		expect(report.causes[0]!.summary).toMatch(
			/rejects TCP from 10\.201\.\d+\.1 to /,
		);
		expect(report.causes[0]!.evidence.join('\n')).toMatch(
			/-A INPUT -p tcp -m tcp --dport 5432 -j REJECT --reject-with tcp-reset/,
		);
		expect(report.causes[0]!.evidence.at(-1)).toMatch(
			/^counters of this rule on the server: \d+ -> \d+ packets \(\+[1-9]\d*\) across one more connect from this host to 10\.201\.\d+\.2:5432: ECONNREFUSED in \d+ ms, as this rule predicts$/,
		);
		expect(step('firewall')?.status).toBe('problem');
		expect(server.probe?.outcome).toBe('refused');
	});

	test('nothing listening (given as --answer via=DEST): no-listener, confirmed on the server', async () => {
		const {report, step} = await cli(target(), {answer: true});
		expect(report.causes[0]).toMatchObject({
			id: 'no-listener',
			confidence: 'confirmed',
		});
		expect(step('listeners')?.detail).toMatch(/nothing listens on port 5432/);
	});

	test('a DROP rule: this host times out, the server accepts its own connection; the rule that drops outside traffic is named', async () => {
		await listenEverywhere();
		await lab.ns.exec('iptables', ['-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
		await lab.ns.exec('iptables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			String(port),
			'-j',
			'DROP',
		]);
		const {report, server} = await cli(target());
		expect(report.probe.outcome).toBe('timeout');
		expect(server.probe?.outcome).toBe('open');
		expect(server.verdict).toMatch(
			/accepts 10\.201\.\d+\.2:5432 itself, but from this host the connection times out/,
		);
		expect(report.causes[0]).toMatchObject({
			id: 'filtered',
			confidence: 'confirmed',
		});
		expect(report.causes[0]!.evidence.join('\n')).toMatch(
			/--dport 5432 -j DROP/,
		);
		// Proven across the two sides: the rule counted one more SYN from this host, which timed out.
		expect(report.causes[0]!.evidence.at(-1)).toMatch(
			/^counters of this rule on the server: \d+ -> \d+ packets \(\+[1-9]\d*\) across one more connect from this host to 10\.201\.\d+\.2:5432: ETIMEDOUT in \d+ ms, as this rule predicts$/,
		);
	});

	test('a non-root user without sudo: what needs root says "could not tell" with the command; the bind is still confirmed', async () => {
		const child = await lab.ns.listen('127.0.0.1', port);
		stops.push(() => child.kill());
		const {report, server, step} = await cli(target(), {user: plainUser.name});
		expect(server).toMatchObject({user: plainUser.name, privilege: 'user'});
		expect(server.sudo).toMatch(/a password is required/);
		expect(step('firewall')).toMatchObject({status: 'unknown'});
		expect(step('firewall')?.detail).toMatch(/sudo iptables-save/);
		expect(report.causes[0]).toMatchObject({
			id: 'loopback-only',
			confidence: 'confirmed',
		});
	});

	test('a user with passwordless sudo: steps run as root through sudo -n, and the REJECT rule is read', async () => {
		await listenEverywhere();
		await lab.ns.exec('iptables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			String(port),
			'-j',
			'REJECT',
		]);
		const {report, server} = await cli(target(), {user: sudoUser.name});
		expect(server).toMatchObject({user: sudoUser.name, privilege: 'sudo'});
		expect(report.causes[0]).toMatchObject({
			id: 'firewall-reject',
			confidence: 'confirmed',
		});
	});

	test("sshd stopped: refused on 22, one line, and the client's diagnosis stands", async () => {
		await lab.stopSshd();
		try {
			const {report, server, stderr, exitCode} = await cli(target());
			expect(exitCode).toBe(1);
			expect(server.error).toMatchObject({
				kind: 'refused',
				walk: {host: lab.server, port: 22},
			});
			expect(stderr.trim().split('\n')).toHaveLength(1);
			expect(stderr).toMatch(
				/^refused: --via: nothing accepts SSH on .* port 22: connection refused/,
			);
			expect(report.causes.length).toBeGreaterThan(0);
			// The client's own walk offers the two-sided walk for a remote refusal.
			expect(report.causes.flatMap(c => c.fixes.map(f => f.command))).toContain(
				`refused ${target()} --via ${lab.server}`,
			);
		} finally {
			await lab.startSshd();
		}
	});

	test("a wrong host key: ssh's refusal, no way around it", async () => {
		lab.writeKnownHosts(
			`${lab.server} ${lab.hostKey.replace(/ \S+$/, ' AAAAC3NzaC1lZDI1NTE5AAAAIE8jRq1v2TKnv7CRX+2A8l3JY2cPq2r1AfZ4h0x9TwYt')}\n`,
		);
		try {
			const {server, stderr} = await cli(target());
			expect(server.error?.kind).toBe('host-key-changed');
			expect(stderr).toMatch(/Host key for .* has changed/);
			expect(server.steps).toEqual([]);
		} finally {
			lab.writeKnownHosts();
		}
	});

	test('an unknown host', async () => {
		const {server, stderr} = await cli(target(), {
			via: 'root@no-such-host.invalid',
		});
		expect(server.error?.kind).toBe('unknown-host');
		expect(stderr).toMatch(
			/^refused: --via: ssh could not resolve no-such-host\.invalid/,
		);
	});

	test('the target accepts: nothing to look at on the server, said so', async () => {
		await listenEverywhere();
		const {report, server, exitCode} = await cli(target());
		expect(exitCode).toBe(0);
		expect(report.probe.outcome).toBe('open');
		expect(server.verdict).toBe(
			'the target accepted the connection from this host: nothing to look at on the server',
		);
		expect(server.steps).toEqual([]);
	});

	test('a destination that could be an ssh option is refused before anything runs', async () => {
		const marker = join(lab.clientHome, 'proxy-command-ran');
		const result = await lab.client$(process.execPath, [
			cliPath,
			target(),
			`--via=-oProxyCommand=touch ${marker}`,
			'--json',
		]);
		expect(result.exitCode).toBe(2);
		expect(String(result.stderr)).toMatch(/cannot start with "-"/);
		expect(String(result.stdout)).toBe('');
		expect(existsSync(marker)).toBe(false);
	});
});
