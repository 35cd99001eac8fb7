/**
The server causes, end to end: the built CLI with --json, inside a network namespace that has its
own non-loopback address (10.201.N.2), against real servers bound the way each case needs: a real
PostgreSQL (initdb into a temp folder, settings in its postgresql.conf), a real nginx (own config),
node listeners. Every test checks causes[0].id, its evidence and its fix.
*/
import type {ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Report} from '../../source/report/model.js';
import {asNobody, cliPath, runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {
	failPostgres,
	lineOf,
	startNginx,
	startPostgres,
	type RealServer,
} from '../helpers/servers.js';

let ns: Netns;
let servers: RealServer[] = [];
let children: ChildProcess[] = [];

beforeEach(async () => {
	ns = await createNetns({address: true});
	servers = [];
	children = [];
});

afterEach(async () => {
	for (const server of servers) {
		await server.stop();
	}

	await ns.cleanup();
});

async function diagnose(port: number) {
	const result = await runJson([`${ns.address!}:${port}`], {netns: ns});
	expect(result.report, result.stderr || result.stdout).toBeDefined();
	const report = result.report!;
	const cause = report.causes[0];
	expect(cause, JSON.stringify(report.steps, undefined, 2)).toBeDefined();
	return {
		report,
		cause: cause!,
		step: (id: string) => report.steps.find(s => s.id === id),
	};
}

describe('server causes on a real host (namespace with its own address)', () => {
	test('loopback-only: a real PostgreSQL with listen_addresses = localhost in postgresql.conf, quoted with file:line, fix edits that line', async () => {
		const pg = await startPostgres(ns, {listenAddresses: 'localhost'});
		servers.push(pg);
		const line = lineOf(pg.config, "listen_addresses = 'localhost'");
		const {cause, report} = await diagnose(5432);
		expect(report.probe.outcome).toBe('refused');
		expect(cause.id).toBe('loopback-only');
		expect(cause.confidence).toBe('confirmed');
		expect(cause.summary).toContain('postgres');
		expect(cause.evidence).toContain(
			`${pg.config}:${line}: listen_addresses = 'localhost'\t\t# what IP address(es) to listen on;`.trim(),
		);
		expect(
			cause.evidence.some(e =>
				/127\.0\.0\.1:5432 \(postgres pid \d+, user postgres\)/.test(e),
			),
		).toBe(true);
		expect(cause.fixes[0]?.command).toBe(
			`${pg.config}:${line}: listen_addresses = 'localhost,${ns.address!}'`,
		);
		expect(cause.fixes[0]?.why).toMatch(/firewall/);
		expect(cause.fixes[0]?.why).toMatch(/pg_hba\.conf/);
		// No systemd here: the restart is PostgreSQL's own command, with this cluster's data folder.
		expect(cause.fixes[1]?.command).toBe(
			`sudo -u postgres pg_ctl -D ${pg.dir}/data restart`,
		);
	});

	test('wrong-port: PostgreSQL listens on 5433 (port = 5433 in its config), the client dials 5432', async () => {
		const pg = await startPostgres(ns, {listenAddresses: '*', port: 5433});
		servers.push(pg);
		const line = lineOf(pg.config, 'port = 5433');
		const {cause, report} = await diagnose(5432);
		expect(cause.id).toBe('wrong-port');
		expect(cause.confidence).toBe('confirmed');
		expect(cause.evidence).toContain(
			`${pg.config}:${line}: port = 5433\t\t\t\t# (change requires restart)`.trim(),
		);
		expect(
			cause.evidence.some(e => /0\.0\.0\.0:5433 \(postgres pid \d+/.test(e)),
		).toBe(true);
		expect(cause.fixes[0]?.command).toBe(
			`${ns.address!}:5433  (instead of ${ns.address!}:5432)`,
		);
		expect(cause.fixes[1]?.command).toBe(`${pg.config}:${line}: port = 5432`);
		// Nothing on 5432 is measured too, ranked after the more specific cause.
		expect(report.causes.map(c => c.id)).toContain('no-listener');
	});

	test('no-listener: nothing listens on the port on any address (and no PostgreSQL runs)', async () => {
		const {cause, step} = await diagnose(5432);
		expect(cause.id).toBe('no-listener');
		expect(cause.confidence).toBe('confirmed');
		expect(cause.evidence[0]).toMatch(
			/^ss -Htlnpe: no socket listens on port 5432 \(\d+ TCP listeners on this host\)$/,
		);
		expect(
			cause.evidence.some(e =>
				e.startsWith(`connect ${ns.address!}:5432: refused (ECONNREFUSED)`),
			),
		).toBe(true);
		// Run as root here: no sudo in front (issue 12 item 6; was 'sudo ss -ltnp').
		expect(cause.fixes.map(f => f.command)).toContain('ss -ltnp');
		// Without systemd the service step says so and looks at processes and log files.
		expect(step('service-state')?.output?.join('\n')).toMatch(
			/no systemd here/,
		);
		expect(step('service-state')?.output?.join('\n')).toMatch(
			/PostgreSQL: no postgres\/postmaster process runs/,
		);
	});

	test('bound-elsewhere: a real nginx with listen 10.201.N.3:8080 while the client dials 10.201.N.2:8080', async () => {
		const other = ns.address!.replace(/\.2$/, '.3');
		await ns.exec('ip', ['addr', 'add', `${other}/32`, 'dev', 'lo']);
		const nginx = await startNginx(ns, [`${other}:8080`], 8080);
		servers.push(nginx);
		const line = lineOf(nginx.config, `listen ${other}:8080;`);
		const {cause} = await diagnose(8080);
		expect(cause.id).toBe('bound-elsewhere');
		expect(
			cause.evidence.some(e =>
				e.startsWith(`ss -Htlnpe: ${other}:8080 (nginx pid `),
			),
		).toBe(true);
		expect(cause.evidence).toContain(
			`${nginx.config}:${line}: listen ${other}:8080;`,
		);
		expect(cause.fixes[0]?.command).toBe(
			`${nginx.config}:${line}: listen ${ns.address!}:8080;`,
		);
		expect(cause.fixes[1]?.command).toBe(
			`nginx -c ${nginx.config} -p ${nginx.dir}/ -t && nginx -c ${nginx.config} -p ${nginx.dir}/ -s reload`,
		);
		expect(cause.fixes.map(f => f.command)).toContain(`${other}:8080`);
	});

	test('loopback-only: a real nginx with listen 127.0.0.1:8081', async () => {
		const nginx = await startNginx(ns, ['127.0.0.1:8081'], 8081);
		servers.push(nginx);
		const line = lineOf(nginx.config, 'listen 127.0.0.1:8081;');
		const {cause} = await diagnose(8081);
		expect(cause.id).toBe('loopback-only');
		expect(cause.evidence).toContain(
			`${nginx.config}:${line}: listen 127.0.0.1:8081;`,
		);
		expect(cause.fixes[0]?.command).toBe(
			`${nginx.config}:${line}: listen ${ns.address!}:8081;`,
		);
	});

	test('not root: loopback-only is still named from ss, the owner and the config are hidden, and the tool says how to read them', async () => {
		const pg = await startPostgres(ns, {listenAddresses: 'localhost'});
		servers.push(pg);
		const result = await ns.exec(
			'runuser',
			asNobody([`${ns.address!}:5432`, '--json']),
		);
		const report = JSON.parse(String(result.stdout)) as Report;
		const cause = report.causes[0]!;
		expect(cause.id).toBe('loopback-only');
		expect(cause.summary).toContain('a process (owner hidden: not root)');
		expect(cause.evidence).toContain(
			'ss -Htlnpe: 127.0.0.1:5432 (owner hidden; socket uid 101)',
		);
		// The postgres process is visible in /proc, its data folder (0700) is not.
		expect(cause.evidence).toContain(
			`${pg.config}: permission denied (not root); read it with: sudo cat ${pg.config}`,
		);
		expect(cause.fixes[0]?.command).toBe(
			`postgresql.conf (where: sudo -u postgres psql -tAc 'SHOW config_file'): listen_addresses = 'localhost,${ns.address!}'`,
		);
		expect(report.steps.find(s => s.id === 'listeners')?.output).toContain(
			"not root: the owners of other users' sockets are hidden. To see them: sudo ss -ltnp",
		);
	});

	test('address-family-mismatch: a node server on [::]:9001 with IPV6_V6ONLY, the client dials IPv4', async () => {
		children.push(await ns.listen('::', 9001, {v6only: true}));
		const {cause} = await diagnose(9001);
		expect(cause.id).toBe('address-family-mismatch');
		expect(cause.summary).toMatch(/IPv6 only/);
		expect(
			cause.evidence.some(e =>
				/^ss -Htlnpe: \[::]:9001 IPv6 only \(v6only\) \(node pid \d+, user root\)$/.test(
					e,
				),
			),
		).toBe(true);
		expect(cause.evidence).toContain(
			'the :: socket is IPv6-only (IPV6_V6ONLY set by the program; net.ipv6.bindv6only=0)',
		);
		expect(cause.fixes.at(-1)?.command).toBe('[::1]:9001');
	});

	test('a dual-stack node server on :: takes IPv4 too: no server cause', async () => {
		children.push(await ns.listen('::', 9002));
		const result = await runJson([`${ns.address!}:9002`], {netns: ns});
		expect(result.report?.probe.outcome).toBe('open');
		expect(result.report?.causes).toEqual([]);
		expect(
			result.report?.steps.find(s => s.id === 'listeners')?.detail,
		).toMatch(
			/^port 9002: \*?\[?::]?:9002 IPv4 and IPv6 node$|port 9002: \[::]:9002 IPv4 and IPv6 node/,
		);
		expect(result.report?.steps.find(s => s.id === 'bind')?.status).toBe(
			'skipped',
		);
	});
});

describe("why nothing listens, without systemd (this machine): the service's own log file", () => {
	test('service-failed (likely): a real PostgreSQL that could not start (listen_addresses names an address this host lacks), its real log in /var/log/postgresql', async () => {
		const failed = await failPostgres(ns, {listenAddresses: '10.9.9.9'});
		const logs = mkdtempSync('/tmp/rft-pglog-');
		try {
			expect(failed.exitCode).not.toBe(0);
			expect(failed.output).toContain('Cannot assign requested address');
			writeFileSync(`${logs}/postgresql-15-main.log`, failed.output);
			// The CLI sees the log at the Debian path through a private mount namespace: the host's /var/log stays untouched.
			const result = await ns.exec('unshare', [
				'-m',
				'--',
				'sh',
				'-c',
				'mount --bind "$1" /var/log/postgresql && exec "$2" "$3" "$4" --json',
				'sh',
				logs,
				process.execPath,
				cliPath,
				`${ns.address!}:5432`,
			]);
			const report = JSON.parse(String(result.stdout)) as Report;
			expect(report.causes[0]?.id).toBe('no-listener');
			const cause = report.causes.find(c => c.id === 'service-failed');
			expect(
				cause,
				JSON.stringify(
					report.steps.find(s => s.id === 'service-state'),
					undefined,
					2,
				),
			).toBeDefined();
			expect(cause?.confidence).toBe('likely');
			expect(cause?.summary).toContain(
				'it is told to listen on an address this host does not have',
			);
			expect(cause?.evidence).toContain(
				'no postgres/postmaster process runs (/proc/*/comm)',
			);
			expect(
				cause?.evidence.some(e =>
					/^\/var\/log\/postgresql\/postgresql-15-main\.log: .*could not bind IPv4 address "10\.9\.9\.9": Cannot assign requested address$/.test(
						e,
					),
				),
			).toBe(true);
			expect(
				cause?.evidence.some(e =>
					e.endsWith('FATAL:  could not create any TCP/IP sockets'),
				),
			).toBe(true);
			expect(cause?.fixes[0]?.command).toBe(
				'tail -n 50 /var/log/postgresql/postgresql-15-main.log',
			);
			expect(
				report.steps.find(s => s.id === 'service-state')?.output,
			).toContain(
				"no systemd here (PID 1 is not systemd): looked at the process list and the services' own log files instead",
			);
		} finally {
			failed.cleanup();
			rmSync(logs, {recursive: true, force: true});
		}
	});

	test('an unreadable log folder (as nobody): service-state could not tell, never "no error in its log files"', async () => {
		const logs = mkdtempSync('/tmp/rft-pglog-');
		try {
			writeFileSync(
				`${logs}/postgresql-15-main.log`,
				'FATAL:  could not create any TCP/IP sockets\n',
			);
			// Mode 0700, owned by root (mkdtemp): nobody cannot list or read it. Seen at the Debian path
			// through a private mount namespace, so the host's /var/log stays untouched.
			const result = await ns.exec('unshare', [
				'-m',
				'--',
				'sh',
				'-c',
				'mount --bind "$1" /var/log/postgresql && shift && exec runuser "$@"',
				'sh',
				logs,
				...asNobody([`${ns.address!}:5432`, '--json']),
			]);
			const report = JSON.parse(String(result.stdout)) as Report;
			const step = report.steps.find(s => s.id === 'service-state');
			expect(step?.status, JSON.stringify(step, undefined, 2)).toBe('unknown');
			expect(step?.detail).toMatch(
				/^could not tell whether the service failed: \/var\/log\/postgresql cannot be read \(EACCES: not root\): run by hand: sudo tail -n 50 \/var\/log\/postgresql$/,
			);
			expect(step?.detail).not.toMatch(/no error in its log files/);
			expect(report.causes[0]?.id).toBe('no-listener');
		} finally {
			rmSync(logs, {recursive: true, force: true});
		}
	});

	test('ss prints binary junk (a broken ss first on PATH): /proc/net/tcp is read instead, and no-listener is likely, not confirmed', async () => {
		const bin = mkdtempSync('/tmp/rft-junk-ss-');
		try {
			writeFileSync(
				`${bin}/ss`,
				"#!/bin/sh\nprintf '\\000\\001\\376 junk\\n\\211PNG\\r\\n\\032\\nLISTEN garbage\\n'\n",
				{mode: 0o755},
			);
			const result = await runJson([`${ns.address!}:5432`], {
				netns: ns,
				env: {PATH: `${bin}:${process.env['PATH'] ?? ''}`},
			});
			const report = result.report!;
			const listeners = report.steps.find(s => s.id === 'listeners');
			expect(listeners?.output?.[0]).toMatch(
				/^\(ss -Htlnpe: \d lines of its output could not be read: used proc instead\)$/,
			);
			expect(listeners?.detail).toMatch(/read in part only/);
			const cause = report.causes.find(c => c.id === 'no-listener');
			expect(cause?.confidence).toBe('likely');
			expect(
				cause?.evidence[0]?.startsWith(
					'cat /proc/net/tcp /proc/net/tcp6: no socket listens on port 5432',
				),
			).toBe(true);
		} finally {
			rmSync(bin, {recursive: true, force: true});
		}
	});
});
