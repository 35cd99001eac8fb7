/**
The firewall step on real rules: each test gets its own network namespace (address 10.201.N.2,
a listener there), loads real iptables or nft rules INSIDE it, runs the built CLI inside it
against 10.201.N.2:PORT, and checks the cause and the rule it names. Rules never touch the
root namespace; every namespace is deleted afterwards.
*/
import {afterEach, describe, expect, test} from 'vitest';
import type {Report} from '../../source/report/model.js';
import {asNobody, runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';

const spaces: Netns[] = [];
afterEach(async () => {
	for (const ns of spaces.splice(0)) {
		await ns.cleanup();
	}
});

/** A namespace with a listener on 0.0.0.0:port and the given rules loaded inside it. */
async function setup(port: number, rules: ReadonlyArray<readonly string[]>) {
	const ns = await createNetns({address: true});
	spaces.push(ns);
	await ns.listen('0.0.0.0', port);
	for (const [file, ...args] of rules) {
		const result = await ns.exec(file!, args);
		expect(
			result.exitCode,
			`${file} ${args.join(' ')}: ${String(result.stderr)}`,
		).toBe(0);
	}

	return ns;
}

async function diagnose(
	ns: Netns,
	port: number,
	extra: readonly string[] = [],
) {
	const result = await runJson([`${ns.address!}:${port}`, ...extra], {
		netns: ns,
	});
	expect(result.report, result.stderr).toBeDefined();
	expect(schemaErrors(result.report)).toEqual([]);
	const report = result.report!;
	const step = report.steps.find(s => s.id === 'firewall');
	return {report, step, cause: report.causes[0]};
}

const iptables = (...args: string[]) => ['iptables', ...args] as const;
const nft = (...args: string[]) => ['nft', ...args] as const;
/** "counters: 1 -> 2 packets (+1) ..." */
const counted = /^counters: \d+ -> \d+ packets \(\+[1-9]\d*\)/;

describe('iptables rules that decide a local connection', () => {
	test('REJECT with tcp-reset: firewall-reject, the rule named, its counter moved', async () => {
		const ns = await setup(7101, [
			iptables(
				'-A',
				'INPUT',
				'-p',
				'tcp',
				'--dport',
				'7101',
				'-j',
				'REJECT',
				'--reject-with',
				'tcp-reset',
			),
		]);
		const {report, cause, step} = await diagnose(ns, 7101);
		expect(report.probe.outcome).toBe('refused');
		expect(cause?.id).toBe('firewall-reject');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.evidence[0]).toBe(
			'iptables -t filter, chain INPUT, rule 1: -A INPUT -p tcp -m tcp --dport 7101 -j REJECT --reject-with tcp-reset',
		);
		expect(cause?.evidence.some(line => counted.test(line))).toBe(true);
		expect(cause?.fixes[0]).toEqual({
			command: 'iptables -t filter -I INPUT 1 -p tcp --dport 7101 -j ACCEPT',
			why: expect.stringContaining('This changes the firewall') as string,
			undo: 'iptables -t filter -D INPUT -p tcp --dport 7101 -j ACCEPT',
		});
		expect(
			cause?.fixes.some(fix => fix.command === 'netfilter-persistent save'),
		).toBe(true);
		expect(step?.status).toBe('problem');
	});

	test('REJECT with the default icmp-port-unreachable: refused as well, firewall-reject', async () => {
		const ns = await setup(7102, [
			iptables('-A', 'INPUT', '-p', 'tcp', '--dport', '7102', '-j', 'REJECT'),
		]);
		const {report, cause} = await diagnose(ns, 7102);
		expect(report.probe.outcome).toBe('refused');
		expect(cause?.id).toBe('firewall-reject');
		expect(cause?.evidence[0]).toBe(
			'iptables -t filter, chain INPUT, rule 1: -A INPUT -p tcp -m tcp --dport 7102 -j REJECT --reject-with icmp-port-unreachable',
		);
		expect(cause?.summary).toContain('connection refused');
	});

	test('REJECT with icmp-host-prohibited: the client sees "no route to host", still firewall-reject', async () => {
		const ns = await setup(7103, [
			iptables(
				'-A',
				'INPUT',
				'-p',
				'tcp',
				'--dport',
				'7103',
				'-j',
				'REJECT',
				'--reject-with',
				'icmp-host-prohibited',
			),
		]);
		const {report, cause} = await diagnose(ns, 7103);
		expect(report.probe.outcome).toBe('unreachable');
		expect(cause?.id).toBe('firewall-reject');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.evidence[0]).toBe(
			'iptables -t filter, chain INPUT, rule 1: -A INPUT -p tcp -m tcp --dport 7103 -j REJECT --reject-with icmp-host-prohibited',
		);
		expect(cause?.summary).toContain('no route to host');
	});

	test('DROP: filtered, confirmed by the named rule', async () => {
		const ns = await setup(7104, [
			iptables('-A', 'INPUT', '-p', 'tcp', '--dport', '7104', '-j', 'DROP'),
		]);
		const {report, cause} = await diagnose(ns, 7104, ['--timeout', '1000']);
		expect(report.probe.outcome).toBe('timeout');
		expect(cause?.id).toBe('filtered');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.evidence[0]).toBe(
			'iptables -t filter, chain INPUT, rule 1: -A INPUT -p tcp -m tcp --dport 7104 -j DROP',
		);
		expect(cause?.evidence.some(line => counted.test(line))).toBe(true);
	});

	test('a rule limited by source address: the one for the peer is skipped, the one for this host decides', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		await ns.listen('0.0.0.0', 7105);
		for (const args of [
			[
				'-A',
				'INPUT',
				'-s',
				`${ns.peer!.address}/32`,
				'-p',
				'tcp',
				'--dport',
				'7105',
				'-j',
				'DROP',
			],
			[
				'-A',
				'INPUT',
				'-s',
				`${ns.address!}/32`,
				'-p',
				'tcp',
				'--dport',
				'7105',
				'-j',
				'REJECT',
				'--reject-with',
				'tcp-reset',
			],
		]) {
			expect((await ns.exec('iptables', args)).exitCode).toBe(0);
		}

		const {cause} = await diagnose(ns, 7105);
		expect(cause?.id).toBe('firewall-reject');
		expect(cause?.evidence[0]).toBe(
			`iptables -t filter, chain INPUT, rule 2: -A INPUT -s ${ns.address!}/32 -p tcp -m tcp --dport 7105 -j REJECT --reject-with tcp-reset`,
		);
	});

	test('a rule limited by interface: the veth rule does not see a local client, the lo rule does', async () => {
		const ns = await setup(7106, [
			iptables(
				'-A',
				'INPUT',
				'-i',
				'rv+',
				'-p',
				'tcp',
				'--dport',
				'7106',
				'-j',
				'DROP',
			),
			iptables(
				'-A',
				'INPUT',
				'-i',
				'lo',
				'-p',
				'tcp',
				'--dport',
				'7106',
				'-j',
				'REJECT',
				'--reject-with',
				'tcp-reset',
			),
		]);
		const {cause} = await diagnose(ns, 7106);
		expect(cause?.id).toBe('firewall-reject');
		expect(cause?.evidence[0]).toBe(
			'iptables -t filter, chain INPUT, rule 2: -A INPUT -i lo -p tcp -m tcp --dport 7106 -j REJECT --reject-with tcp-reset',
		);
	});

	test('a jump into a user chain that rejects: the chain and its rule named, with the path', async () => {
		const ns = await setup(7107, [
			iptables('-N', 'app-guard'),
			iptables(
				'-A',
				'app-guard',
				'-p',
				'tcp',
				'--dport',
				'7000',
				'-j',
				'RETURN',
			),
			iptables(
				'-A',
				'app-guard',
				'-p',
				'tcp',
				'--dport',
				'7107',
				'-j',
				'REJECT',
				'--reject-with',
				'tcp-reset',
			),
			iptables(
				'-A',
				'INPUT',
				'-m',
				'conntrack',
				'--ctstate',
				'RELATED,ESTABLISHED',
				'-j',
				'ACCEPT',
			),
			iptables('-A', 'INPUT', '-p', 'tcp', '-j', 'app-guard'),
		]);
		const {cause} = await diagnose(ns, 7107);
		expect(cause?.id).toBe('firewall-reject');
		expect(cause?.evidence[0]).toBe(
			'iptables -t filter, chain app-guard, rule 2: -A app-guard -p tcp -m tcp --dport 7107 -j REJECT --reject-with tcp-reset',
		);
		expect(cause?.evidence).toContain(
			'path: iptables filter INPUT rule 2: jump app-guard',
		);
		expect(cause?.fixes[0]?.command).toBe(
			'iptables -t filter -I app-guard 2 -p tcp --dport 7107 -j ACCEPT',
		);
	});

	test('policy DROP with an accept rule for other ports: the policy is named', async () => {
		const ns = await setup(7108, [
			iptables('-A', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'ACCEPT'),
			iptables(
				'-A',
				'INPUT',
				'-p',
				'tcp',
				'-m',
				'multiport',
				'--dports',
				'80,443',
				'-j',
				'ACCEPT',
			),
			iptables('-P', 'INPUT', 'DROP'),
		]);
		const {report, cause} = await diagnose(ns, 7108, ['--timeout', '1000']);
		expect(report.probe.outcome).toBe('timeout');
		expect(cause?.id).toBe('filtered');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.evidence[0]).toBe(
			'iptables -t filter, chain INPUT: policy DROP',
		);
		expect(cause?.fixes[0]?.command).toBe(
			'iptables -t filter -A INPUT -p tcp --dport 7108 -j ACCEPT',
		);
	});
});

describe('both iptables backends', () => {
	test('a legacy (x_tables) reject next to an nf_tables accept: both read, the legacy rule named', async () => {
		const ns = await setup(7109, [
			iptables('-A', 'INPUT', '-p', 'tcp', '--dport', '7109', '-j', 'ACCEPT'),
			['iptables-legacy', '-N', 'legacy-guard'],
			[
				'iptables-legacy',
				'-A',
				'legacy-guard',
				'-p',
				'tcp',
				'--dport',
				'7109',
				'-j',
				'REJECT',
				'--reject-with',
				'tcp-reset',
			],
			['iptables-legacy', '-A', 'INPUT', '-p', 'tcp', '-j', 'legacy-guard'],
		]);
		const {cause} = await diagnose(ns, 7109);
		expect(cause?.id).toBe('firewall-reject');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.evidence[0]).toBe(
			'iptables-legacy -t filter, chain legacy-guard, rule 1: -A legacy-guard -p tcp -m tcp --dport 7109 -j REJECT --reject-with tcp-reset',
		);
		expect(cause?.evidence).toContain(
			'path: iptables filter INPUT rule 1: accept -> iptables-legacy filter INPUT rule 1: jump legacy-guard',
		);
		expect(cause?.fixes[0]?.command).toBe(
			'iptables-legacy -t filter -I legacy-guard 1 -p tcp --dport 7109 -j ACCEPT',
		);
	});
});

describe('nftables rules', () => {
	test('reject in a table of its own: the table, chain and handle named', async () => {
		const ns = await setup(7111, [
			nft('add', 'table', 'inet', 'guard'),
			nft(
				'add',
				'chain',
				'inet',
				'guard',
				'input',
				'{ type filter hook input priority 0; policy accept; }',
			),
			nft(
				'add',
				'rule',
				'inet',
				'guard',
				'input',
				'tcp',
				'dport',
				'7111',
				'counter',
				'reject',
				'with',
				'tcp',
				'reset',
			),
		]);
		const {cause} = await diagnose(ns, 7111);
		expect(cause?.id).toBe('firewall-reject');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.evidence[0]).toMatch(
			/^nft table inet guard, chain input, handle \d+: tcp dport 7111 counter packets \d+ bytes \d+ reject with tcp reset$/,
		);
		expect(cause?.evidence.some(line => counted.test(line))).toBe(true);
		expect(cause?.fixes[0]?.command).toMatch(
			/^nft insert rule inet guard input position \d+ tcp dport 7111 accept$/,
		);
	});

	test('drop in a table of its own: filtered', async () => {
		const ns = await setup(7112, [
			nft('add', 'table', 'ip', 'guard'),
			nft(
				'add',
				'chain',
				'ip',
				'guard',
				'input',
				'{ type filter hook input priority 0; }',
			),
			nft(
				'add',
				'rule',
				'ip',
				'guard',
				'input',
				'ip',
				'daddr',
				'10.201.0.0/16',
				'tcp',
				'dport',
				'{ 7000-7200 }',
				'drop',
			),
		]);
		const {cause} = await diagnose(ns, 7112, ['--timeout', '1000']);
		expect(cause?.id).toBe('filtered');
		expect(cause?.evidence[0]).toMatch(
			/^nft table ip guard, chain input, handle \d+: ip daddr 10\.201\.0\.0\/16 tcp dport 7000-7200 drop$/,
		);
	});

	test('two tables at different priorities: an accept in one does not stop the other; the lower priority decides first', async () => {
		const ns = await setup(7113, [
			// Created first, runs last (priority 10).
			nft('add', 'table', 'inet', 'late'),
			nft(
				'add',
				'chain',
				'inet',
				'late',
				'input',
				'{ type filter hook input priority 10; }',
			),
			nft(
				'add',
				'rule',
				'inet',
				'late',
				'input',
				'tcp',
				'dport',
				'7113',
				'reject',
				'with',
				'tcp',
				'reset',
			),
			// Created second, runs first (priority -10): its accept ends only its own chain.
			nft('add', 'table', 'inet', 'early'),
			nft(
				'add',
				'chain',
				'inet',
				'early',
				'input',
				'{ type filter hook input priority -10; }',
			),
			nft(
				'add',
				'rule',
				'inet',
				'early',
				'input',
				'tcp',
				'dport',
				'7113',
				'accept',
			),
		]);
		const first = await diagnose(ns, 7113);
		expect(first.cause?.id).toBe('firewall-reject');
		expect(first.cause?.evidence[0]).toMatch(
			/^nft table inet late, chain input, handle \d+: tcp dport 7113 reject with tcp reset$/,
		);
		expect(
			first.cause?.evidence.find(line => line.startsWith('path:')),
		).toMatch(/early input handle \d+: accept/);

		// A drop at priority -5 now decides before the reject at 10.
		for (const args of [
			['add', 'table', 'inet', 'middle'],
			[
				'add',
				'chain',
				'inet',
				'middle',
				'input',
				'{ type filter hook input priority -5; }',
			],
			[
				'add',
				'rule',
				'inet',
				'middle',
				'input',
				'tcp',
				'dport',
				'7113',
				'drop',
			],
		]) {
			expect((await ns.exec('nft', args)).exitCode).toBe(0);
		}

		const second = await diagnose(ns, 7113, ['--timeout', '1000']);
		expect(second.cause?.id).toBe('filtered');
		expect(second.cause?.evidence[0]).toMatch(
			/^nft table inet middle, chain input, handle \d+: tcp dport 7113 drop$/,
		);
	});
});

describe('without root', () => {
	test('the rules cannot be read: unknown, with the sudo commands; the diagnosis goes on', async () => {
		const ns = await setup(7131, [
			iptables(
				'-A',
				'INPUT',
				'-p',
				'tcp',
				'--dport',
				'7131',
				'-j',
				'REJECT',
				'--reject-with',
				'tcp-reset',
			),
		]);
		const result = await ns.exec(
			'runuser',
			asNobody([`${ns.address!}:7131`, '--json']),
			{env: {HOME: '/tmp'}},
		);
		const report = JSON.parse(String(result.stdout)) as Report;
		expect(schemaErrors(report)).toEqual([]);
		expect(report.probe.outcome).toBe('refused');
		const step = report.steps.find(s => s.id === 'firewall');
		expect(step?.status).toBe('unknown');
		expect(step?.detail).toBe(
			'the firewall rules cannot be read without root (uid 65534): run sudo iptables-save -c; sudo nft -a list ruleset to see them',
		);
		expect(report.causes.map(c => c.id)).not.toContain('firewall-reject');
		// The other steps still ran.
		expect(report.steps.find(s => s.id === 'outcome')?.status).toBe('problem');
	});
});

describe('not the firewall', () => {
	test('the same listener without any rule: open, no cause, the firewall step does not run', async () => {
		const ns = await setup(7121, []);
		const {report, step} = await diagnose(ns, 7121);
		expect(report.probe.outcome).toBe('open');
		expect(report.causes).toEqual([]);
		expect(step?.status).toBe('skipped');
	});

	test('nothing listens and the rules accept: the firewall step says it is not the cause, no firewall finding', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		for (const args of [
			['-A', 'INPUT', '-p', 'tcp', '--dport', '7999', '-j', 'REJECT'],
			['-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT'],
			['-P', 'INPUT', 'DROP'],
		]) {
			expect((await ns.exec('iptables', args)).exitCode).toBe(0);
		}

		const {report, step} = await diagnose(ns, 7122);
		expect(report.probe.outcome).toBe('refused');
		expect(step?.status).toBe('passed');
		expect(step?.detail).toMatch(/not the cause/);
		expect(report.causes.map(c => c.id)).not.toContain('firewall-reject');
		expect(report.causes.map(c => c.id)).not.toContain('filtered');
	});
});
