/**
Issue 12 items 3 and 4 on real sockets and real rules in network namespaces (root only):
- reset or ICMP: a peer namespace (another host) with nothing on a port, a default REJECT
  (icmp-port-unreachable) and a REJECT --reject-with tcp-reset; the reset-or-icmp step reads the
  client namespace's ICMP counters around 3 more connects and the remote causes are ranked by it;
- a full accept queue: a real Python server (Debian's /usr/bin/python3) that listens with backlog 1
  and never calls accept(), filled with two real connections: clients time out with no firewall.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {afterEach, describe, expect, test} from 'vitest';
import type {Report} from '../../source/report/model.js';
import {asNobody, runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';

const spaces: Netns[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
	for (const child of children.splice(0)) {
		child.kill('SIGKILL');
	}

	for (const ns of spaces.splice(0)) {
		await ns.cleanup();
	}
});

async function netns() {
	const ns = await createNetns({address: true});
	spaces.push(ns);
	return ns;
}

async function diagnose(ns: Netns, target: string, extra: string[] = []) {
	const result = await runJson([target, ...extra], {netns: ns});
	expect(result.report, result.stderr).toBeDefined();
	expect(schemaErrors(result.report)).toEqual([]);
	const report = result.report!;
	const step = (id: string) => report.steps.find(s => s.id === id);
	return {report, step};
}

const causes = (report: Report) => report.causes.map(c => [c.id, c.confidence]);

describe('reset or ICMP: a refusal from another host', () => {
	test('nothing listens on the peer: a TCP reset (no ICMP counted in 3 connects), no-listener first', async () => {
		const ns = await netns();
		const {report, step} = await diagnose(ns, `${ns.peer!.address}:7501`);
		expect(report.probe.outcome).toBe('refused');
		expect(step('reset-or-icmp')?.status).toBe('passed');
		expect(step('reset-or-icmp')?.detail).toBe(
			'3 probes, no ICMP error: a TCP reset came back (the kernel with nothing listening, or a REJECT --reject-with tcp-reset) (confirmed)',
		);
		expect(causes(report)).toEqual([
			['no-listener', 'possible'],
			['loopback-only', 'possible'],
			['firewall-reject', 'possible'],
		]);
		const evidence = report.causes[0]!.evidence;
		expect(evidence[0]).toMatch(/a TCP reset came back/);
		expect(evidence).toContainEqual(
			expect.stringMatching(
				/^connect [\d.]+:7501 #3: ECONNREFUSED in \d+ ms; ICMP destination-unreachable \+0, connections opened \+1, retransmits \+0$/,
			),
		);
		expect(evidence.at(-1)).toMatch(/other traffic can add to them$/);
	});

	test('a default REJECT on the peer: 3 more ICMP destination-unreachable, firewall-reject leads no-listener', async () => {
		const ns = await netns();
		await ns.listen('0.0.0.0', 7502, {inPeer: true});
		const rule = await ns.execPeer('iptables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			'7502',
			'-j',
			'REJECT',
		]);
		expect(rule.exitCode).toBe(0);
		const {report, step} = await diagnose(ns, `${ns.peer!.address}:7502`);
		expect(report.probe.outcome).toBe('refused');
		expect(step('reset-or-icmp')?.detail).toMatch(
			/^3 probes, 3 more ICMP destination-unreachable: a firewall's REJECT \(icmp-port-unreachable\) answered, not a closed port \((confirmed|likely)\)$/,
		);
		expect(report.causes.map(c => c.id)).toEqual([
			'firewall-reject',
			'no-listener',
			'loopback-only',
		]);
		const [first] = report.causes;
		expect(['confirmed', 'likely']).toContain(first!.confidence);
		expect(first!.summary).toMatch(/ICMP port-unreachable/);
		expect(first!.evidence[0]).toMatch(/an ICMP port-unreachable came back/);
		expect(report.causes.slice(1).map(c => c.confidence)).toEqual([
			'possible',
			'possible',
		]);
		expect(step('remote')?.detail).toMatch(
			/with an ICMP port-unreachable: a firewall's REJECT/,
		);
	});

	test('REJECT --reject-with tcp-reset on the peer: a reset, like a closed port; no-listener still leads and the tcp-reset REJECT is named as possible', async () => {
		const ns = await netns();
		await ns.listen('0.0.0.0', 7503, {inPeer: true});
		const rule = await ns.execPeer('iptables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			'7503',
			'-j',
			'REJECT',
			'--reject-with',
			'tcp-reset',
		]);
		expect(rule.exitCode).toBe(0);
		const {report, step} = await diagnose(ns, `${ns.peer!.address}:7503`);
		expect(step('reset-or-icmp')?.detail).toMatch(/^3 probes, no ICMP error/);
		expect(causes(report)).toEqual([
			['no-listener', 'possible'],
			['loopback-only', 'possible'],
			['firewall-reject', 'possible'],
		]);
		expect(report.causes[2]!.summary).toMatch(/REJECT --reject-with tcp-reset/);
	});

	test('IPv6: a default ip6tables REJECT on the peer: ICMPv6 counted in /proc/net/snmp6, firewall-reject first', async () => {
		const ns = await netns();
		const link = String(
			(await ns.exec('ip', ['-o', 'link', 'show', 'type', 'veth'])).stdout,
		);
		const peerLink = String(
			(await ns.execPeer('ip', ['-o', 'link', 'show', 'type', 'veth'])).stdout,
		);
		const device = (text: string) => /^\d+: ([^@:]+)/.exec(text)![1]!;
		for (const [exec, address, dev] of [
			[ns.exec, 'fd42:12::2/64', device(link)],
			[ns.execPeer, 'fd42:12::1/64', device(peerLink)],
		] as const) {
			const added = await exec('ip', [
				'addr',
				'add',
				address,
				'dev',
				dev,
				'nodad',
			]);
			expect(added.exitCode, String(added.stderr)).toBe(0);
		}

		const rule = await ns.execPeer('ip6tables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			'7505',
			'-j',
			'REJECT',
		]);
		expect(rule.exitCode).toBe(0);
		const {report, step} = await diagnose(ns, '[fd42:12::1]:7505');
		expect(report.probe.outcome).toBe('refused');
		expect(step('reset-or-icmp')?.command?.split(';')[0]).toBe(
			'cat /proc/net/snmp /proc/net/snmp6',
		);
		// Over IPv6 the first ICMPv6 error can reach the socket while connect() still holds it: the
		// SYN is sent again and the second error ends it (two per connect, each SYN answered).
		expect(step('reset-or-icmp')?.detail).toMatch(
			/^3 probes, \d+ more ICMP destination-unreachable: a firewall's REJECT/,
		);
		expect(step('reset-or-icmp')?.output).toContainEqual(
			expect.stringMatching(
				/^connect \[fd42:12::1]:7505 #1: ECONNREFUSED in \d+ ms; ICMP destination-unreachable \+[1-9]/,
			),
		);
		expect(report.causes[0]?.id).toBe('firewall-reject');
	});

	test('not root, on this host: the rules cannot be read, but an ICMP answer still names a REJECT here', async () => {
		const ns = await netns();
		const rule = await ns.exec('iptables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			'7506',
			'-j',
			'REJECT',
		]);
		expect(rule.exitCode).toBe(0);
		const result = await ns.exec(
			'runuser',
			asNobody([`${ns.address!}:7506`, '--json']),
			{env: {HOME: '/tmp'}},
		);
		const report = JSON.parse(String(result.stdout)) as Report;
		expect(schemaErrors(report)).toEqual([]);
		expect(report.steps.find(s => s.id === 'firewall')?.status).toBe('unknown');
		const answer = report.steps.find(s => s.id === 'reset-or-icmp');
		expect(answer?.status).toBe('problem');
		const reject = report.causes.find(c => c.id === 'firewall-reject');
		expect(reject?.summary).toMatch(/^A firewall rule on this host rejects/);
		expect(['confirmed', 'likely']).toContain(reject?.confidence);
		expect(reject?.fixes[0]?.command).toBe(
			'sudo iptables-save -c; sudo nft -a list ruleset',
		);
	});

	test('a refusal on this host, as root: the step does not run (the firewall step reads the rule itself)', async () => {
		const ns = await netns();
		const {step} = await diagnose(ns, `${ns.address!}:7504`);
		expect(step('reset-or-icmp')?.status).toBe('skipped');
		expect(step('reset-or-icmp')?.detail).toBe(
			'the target is this host and the firewall step can read its rules',
		);
	});
});

/** A server that listens with backlog 1 and never accepts; resolves with its pid once it listens. */
async function stuckServer(ns: Netns, port: number): Promise<number> {
	const script = [
		'import socket, sys, time',
		's = socket.socket()',
		`s.bind(("127.0.0.1", ${port}))`,
		's.listen(1)',
		'print("ready", flush=True)',
		'time.sleep(300)',
	].join('\n');
	const child = spawn(
		'ip',
		['netns', 'exec', ns.name, '/usr/bin/python3', '-c', script],
		{stdio: ['ignore', 'pipe', 'inherit']},
	);
	children.push(child);
	await new Promise<void>((resolve, reject) => {
		child.stdout.once('data', () => {
			resolve();
		});
		child.once('exit', code => {
			reject(new Error(`python3 exited with ${code}`));
		});
	});
	return child.pid!;
}

/** Complete two handshakes (backlog 1 queues two), then close: the queue stays full. */
async function fill(ns: Netns, port: number) {
	const script = `
const net = require('node:net');
let done = 0;
for (let i = 0; i < 2; i++) {
	const s = net.connect(${port}, '127.0.0.1', () => { if (++done === 2) process.exit(0); });
	s.on('error', e => { console.error(e.message); process.exit(1); });
}
setTimeout(() => process.exit(2), 5000);
`;
	const result = await ns.exec(process.execPath, ['-e', script]);
	expect(result.exitCode, String(result.stderr)).toBe(0);
	const ss = await ns.exec('ss', ['-Htln', `sport = :${port}`]);
	expect(String(ss.stdout).trim().split(/\s+/).slice(0, 3)).toEqual([
		'LISTEN',
		'2',
		'1',
	]);
}

describe('a full accept queue', () => {
	test('a listener that never accepts, its queue full: accept-queue-full confirmed, with the process, its backlog and the fixes; never filtered likely', async () => {
		const ns = await netns();
		await stuckServer(ns, 7511);
		await fill(ns, 7511);
		const {report, step} = await diagnose(ns, '127.0.0.1:7511', [
			'--timeout',
			'1000',
		]);
		expect(report.probe.outcome).toBe('timeout');
		const [first] = report.causes;
		expect(first?.id).toBe('accept-queue-full');
		expect(first?.confidence).toBe('confirmed');
		expect(first?.summary).toMatch(
			/^127\.0\.0\.1:7511 \(python3 pid \d+, user root\) listens but does not accept connections fast enough: its accept queue is full \(2 connections wait for a backlog of 1\)/,
		);
		expect(first?.evidence[0]).toMatch(
			/: accept queue \(Recv-Q\) 2, backlog \(Send-Q\) 1: full$/,
		);
		expect(first?.evidence[1]).toMatch(
			/^TcpExt ListenOverflows \d+ -> \d+ \(\+[1-9]\d*\), ListenDrops \d+ -> \d+ \(\+[1-9]\d*\) across one more connect \(ETIMEDOUT/,
		);
		expect(first?.evidence).toContain(
			`net.core.somaxconn = ${String((await ns.exec('cat', ['/proc/sys/net/core/somaxconn'])).stdout).trim()} (the cap on every listen() backlog)`,
		);
		expect(first?.fixes.map(f => f.command)).toEqual([
			expect.stringMatching(/^strace -f -e trace=accept,accept4 -p \d+$/),
			"ss -ltn 'sport = :7511'",
			'sysctl net.core.somaxconn',
		]);
		// No firewall is involved: the firewall step passes, and "filtered" is never likely.
		expect(step('firewall')?.status).toBe('passed');
		expect(
			report.causes.filter(
				c => c.id === 'filtered' && c.confidence !== 'possible',
			),
		).toEqual([]);
		expect(step('accept-queue')?.status).toBe('problem');
	});

	test('a listener with room and a DROP rule: the accept-queue step passes, the firewall names the rule', async () => {
		const ns = await netns();
		await ns.listen('0.0.0.0', 7512);
		const rule = await ns.exec('iptables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			'7512',
			'-j',
			'DROP',
		]);
		expect(rule.exitCode).toBe(0);
		const {report, step} = await diagnose(ns, `${ns.address!}:7512`, [
			'--timeout',
			'1000',
		]);
		expect(step('accept-queue')?.status).toBe('passed');
		expect(step('accept-queue')?.detail).toMatch(
			/queue 0 of backlog \d+: the accept queue is not the cause$/,
		);
		expect(report.causes[0]?.id).toBe('filtered');
		expect(report.causes.map(c => c.id)).not.toContain('accept-queue-full');
	});

	test('nothing listens and a DROP rule: no reset came back, so the SYN is dropped (filtered), never accept-queue-full', async () => {
		const ns = await netns();
		const rule = await ns.exec('iptables', [
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			'7513',
			'-j',
			'DROP',
		]);
		expect(rule.exitCode).toBe(0);
		const {report, step} = await diagnose(ns, `${ns.address!}:7513`, [
			'--timeout',
			'1000',
		]);
		expect(step('accept-queue')?.status).toBe('problem');
		expect(step('accept-queue')?.detail).toMatch(
			/no listener takes .*yet no reset came back/,
		);
		expect(report.causes[0]?.id).toBe('filtered');
		expect(report.causes.map(c => c.id)).not.toContain('accept-queue-full');
	});
});
