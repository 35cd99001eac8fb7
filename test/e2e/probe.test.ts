/**
The foundation's causes on real sockets in real network namespaces: each test gets a private
host with its own /etc/hosts and a resolver on loopback (nothing answers DNS there).
*/
import {afterEach, describe, expect, test} from 'vitest';
import {runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';

const spaces: Netns[] = [];
async function netns(options: Parameters<typeof createNetns>[0] = {}) {
	const ns = await createNetns(options);
	spaces.push(ns);
	return ns;
}

afterEach(async () => {
	for (const ns of spaces.splice(0)) {
		await ns.cleanup();
	}
});

describe('probe outcomes on real sockets', () => {
	test('listening on 127.0.0.1 only: 127.0.0.1 open, ::1 refused', async () => {
		const ns = await netns();
		await ns.listen('127.0.0.1', 7001);
		const v4 = await runJson(['127.0.0.1:7001'], {netns: ns});
		expect(v4.report?.probe.outcome).toBe('open');
		expect(v4.exitCode).toBe(0);
		const v6 = await runJson(['[::1]:7001'], {netns: ns});
		expect(v6.report?.probe.outcome).toBe('refused');
		expect(v6.exitCode).toBe(1);
		expect(schemaErrors(v6.report)).toEqual([]);
	});

	test('listening on ::1 only: localhost (::1 first here) open, 127.0.0.1 refused', async () => {
		const ns = await netns({hosts: '::1\tlocalhost\n127.0.0.1\tlocalhost\n'});
		await ns.listen('::1', 7002);
		const both = await runJson(['localhost:7002'], {netns: ns});
		expect(
			both.report?.probe.addresses.map(a => [a.address, a.outcome]),
		).toEqual([
			['::1', 'open'],
			['127.0.0.1', 'refused'],
		]);
		expect(both.report?.causes[0]?.id).toBe('address-family-mismatch');
		// Likely from the probes alone; the listeners step (ss: [::1]:7002 only) confirms it.
		expect(both.report?.causes[0]?.confidence).toBe('confirmed');
	});

	test('listening on both: every address open, exit 0, no cause', async () => {
		const ns = await netns();
		await ns.listen('::', 7003);
		const result = await runJson(['localhost:7003'], {netns: ns});
		expect(
			result.report?.probe.addresses.every(a => a.outcome === 'open'),
		).toBe(true);
		expect(result.report?.causes).toEqual([]);
		expect(result.exitCode).toBe(0);
	});

	test('localhost where only 127.0.0.1 listens and ::1 is dialed first: address-family-mismatch, confirmed', async () => {
		const ns = await netns({
			hosts: '::1\tlocalhost ip6-localhost\n127.0.0.1\tlocalhost\n',
		});
		await ns.listen('127.0.0.1', 7004);
		const {report, exitCode} = await runJson(['localhost:7004'], {netns: ns});
		expect(report?.probe.outcome).toBe('refused');
		expect(report?.probe.address).toBe('::1');
		expect(report?.probe.addresses.map(a => a.source)).toEqual([
			'/etc/hosts:1',
			'/etc/hosts:2',
		]);
		const cause = report?.causes[0];
		expect(cause?.id).toBe('address-family-mismatch');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.evidence.join('\n')).toMatch(
			/\[::1]:7004 \(IPv6, \/etc\/hosts:1\): refused/,
		);
		expect(cause?.evidence.join('\n')).toContain('Node.js 17-19');
		expect(cause?.fixes.map(f => f.command)).toContain('127.0.0.1:7004');
		expect(exitCode).toBe(1);
		expect(schemaErrors(report)).toEqual([]);
	});

	test('a closed port: refused', async () => {
		const ns = await netns();
		const {report} = await runJson(['127.0.0.1:7005'], {netns: ns});
		expect(report?.probe.outcome).toBe('refused');
	});

	test('a DROP rule: timeout, and the cause is filtered with where to look', async () => {
		const ns = await netns({address: true});
		await ns.listen('0.0.0.0', 7006, {inPeer: true});
		await ns.execPeer('iptables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			'7006',
			'-j',
			'DROP',
		]);
		const {report, exitCode} = await runJson(
			[`${ns.peer!.address}:7006`, '--timeout', '800'],
			{netns: ns},
		);
		expect(report?.probe.outcome).toBe('timeout');
		expect(report?.probe.ms).toBeGreaterThanOrEqual(790);
		expect(report?.causes[0]?.id).toBe('filtered');
		expect(report?.causes[0]?.fixes.map(f => f.command).join('\n')).toMatch(
			/iptables -L INPUT/,
		);
		expect(report?.causes[0]?.fixes.map(f => f.why).join('\n')).toMatch(
			/security group/,
		);
		expect(exitCode).toBe(1);
		expect(schemaErrors(report)).toEqual([]);
	});

	test('no route: unreachable, and the cause is host-unreachable with the route lookup', async () => {
		const ns = await netns({address: true});
		const {report} = await runJson(['10.202.99.9:7007', '--timeout', '2000'], {
			netns: ns,
		});
		expect(report?.probe.outcome).toBe('unreachable');
		expect(report?.causes[0]?.id).toBe('host-unreachable');
		expect(report?.causes[0]?.evidence.join('\n')).toMatch(/ENETUNREACH/);
		expect(report?.causes[0]?.evidence.join('\n')).toMatch(
			/ip route get 10\.202\.99\.9: .*unreachable/i,
		);
	});

	test('a name that does not resolve: name-not-resolved, confirmed', async () => {
		const ns = await netns();
		const {report, exitCode} = await runJson(['nosuch.invalid:80'], {
			netns: ns,
		});
		expect(report?.probe.outcome).toBe('dns-failure');
		expect(report?.probe.address).toBe('');
		expect(report?.causes[0]?.id).toBe('name-not-resolved');
		expect(report?.causes[0]?.evidence.join('\n')).toContain(
			'nameserver 127.0.0.1',
		);
		expect(exitCode).toBe(1);
		expect(schemaErrors(report)).toEqual([]);
	});

	test('/etc/hosts sends a name to another host that refuses: dns-mismatch names the file and line', async () => {
		const ns = await netns({address: true});
		await ns.exec('sh', [
			'-c',
			`printf '127.0.0.1 localhost\\n# moved last year\\n${ns.peer!.address} app.test\\n' > /etc/netns/${ns.name}/hosts`,
		]);
		const {report} = await runJson(['app.test:7008'], {netns: ns});
		expect(report?.probe.addresses[0]?.source).toBe('/etc/hosts:3');
		expect(report?.causes[0]?.id).toBe('dns-mismatch');
		expect(report?.causes[0]?.evidence[0]).toBe(
			`/etc/hosts:3: ${ns.peer!.address} app.test`,
		);
	});

	test('a remote host refuses: possible causes, the most common first (issue 9: base rate breaks ties), and the command to run there', async () => {
		const ns = await netns({address: true});
		const {report} = await runJson([`${ns.peer!.address}:7009`], {netns: ns});
		expect(report?.probe.outcome).toBe('refused');
		expect(report?.causes.map(c => [c.id, c.confidence])).toEqual([
			['no-listener', 'possible'],
			['loopback-only', 'possible'],
			['firewall-reject', 'possible'],
		]);
		expect(report?.causes.flatMap(c => c.fixes.map(f => f.command))).toContain(
			`refused ${ns.peer!.address}:7009`,
		);
	});
});
