/**
NAT and this host's own output rules, on real rules in a private network namespace (root only):
a REDIRECT and a DNAT (iptables and nft) to a port where nothing listens, and an OUTPUT REJECT
and DROP for connections to another host (the peer namespace). The built CLI runs inside the
namespace; the rules never touch the root namespace.
*/
import {afterEach, describe, expect, test} from 'vitest';
import type {Report} from '../../source/report/model.js';
import {runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';

const spaces: Netns[] = [];
afterEach(async () => {
	for (const ns of spaces.splice(0)) {
		await ns.cleanup();
	}
});

async function load(
	ns: Netns,
	rules: ReadonlyArray<readonly [string, ...string[]]>,
) {
	for (const [file, ...args] of rules) {
		const result = await ns.exec(file, args);
		expect(
			result.exitCode,
			`${file} ${args.join(' ')}: ${String(result.stderr)}`,
		).toBe(0);
	}
}

async function diagnose(ns: Netns, target: string) {
	const result = await runJson([target, '--timeout', '1000'], {netns: ns});
	expect(result.report, result.stderr).toBeDefined();
	expect(schemaErrors(result.report)).toEqual([]);
	const report: Report = result.report!;
	const step = report.steps.find(s => s.id === 'firewall');
	return {report, step, cause: report.causes[0]};
}

describe('destination NAT to a port where nothing listens', () => {
	test('iptables REDIRECT in nat OUTPUT: no-listener on the real port, the rule named', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		// Something listens on the dialed port, so only the rewrite explains the refusal.
		await ns.listen('127.0.0.1', 7401);
		await load(ns, [
			[
				'iptables',
				'-t',
				'nat',
				'-A',
				'OUTPUT',
				'-d',
				'127.0.0.1',
				'-p',
				'tcp',
				'--dport',
				'7401',
				'-j',
				'REDIRECT',
				'--to-ports',
				'7402',
			],
		]);
		const {report, step, cause} = await diagnose(ns, '127.0.0.1:7401');
		expect(report.probe.outcome).toBe('refused');
		expect(step?.status).toBe('problem');
		expect(cause?.id).toBe('no-listener');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.summary).toContain('sends 127.0.0.1:7401 to 127.0.0.1:7402');
		expect(cause?.evidence).toContain(
			'nat: REDIRECT sends 127.0.0.1:7401 to 127.0.0.1:7402 (iptables -t nat, chain OUTPUT, rule 1: -A OUTPUT -d 127.0.0.1/32 -p tcp -m tcp --dport 7401 -j REDIRECT --to-ports 7402)',
		);
		expect(cause?.fixes.map(f => f.command)).toContain(
			'iptables -t nat -D OUTPUT 1',
		);
		// The dialed port is not where the connection goes: no "nothing listens on 7401, start something".
		const bind = report.steps.find(s => s.id === 'bind');
		expect(bind?.status).toBe('passed');
		expect(bind?.detail).toContain(
			'a nat rule sends this connection to 127.0.0.1:7402',
		);
		expect(report.causes.map(c => c.id)).toEqual(['no-listener']);
		expect(cause?.summary).not.toContain('port 7401');
	});

	test('iptables DNAT to another local address and port: the real destination diagnosed', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		await load(ns, [
			[
				'iptables',
				'-t',
				'nat',
				'-A',
				'OUTPUT',
				'-p',
				'tcp',
				'--dport',
				'7403',
				'-j',
				'DNAT',
				'--to-destination',
				`${ns.address!}:7404`,
			],
		]);
		const {step, cause, report} = await diagnose(ns, '127.0.0.1:7403');
		expect(report.probe.outcome).toBe('refused');
		expect(step?.status).toBe('problem');
		expect(cause?.id).toBe('no-listener');
		expect(cause?.evidence).toContain(
			`nat: DNAT sends 127.0.0.1:7403 to ${ns.address!}:7404 (iptables -t nat, chain OUTPUT, rule 1: -A OUTPUT -p tcp -m tcp --dport 7403 -j DNAT --to-destination ${ns.address!}:7404)`,
		);
	});

	test('nft redirect in a nat output chain, named by handle', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		await ns.listen('127.0.0.1', 7405);
		await load(ns, [
			['nft', 'add', 'table', 'ip', 'lab'],
			[
				'nft',
				'add chain ip lab out { type nat hook output priority -100; policy accept; }',
			],
			[
				'nft',
				'add rule ip lab out ip daddr 127.0.0.1 tcp dport 7405 redirect to :7406',
			],
		]);
		const {cause} = await diagnose(ns, '127.0.0.1:7405');
		expect(cause?.id).toBe('no-listener');
		expect(cause?.evidence[0]).toMatch(
			/^nat: REDIRECT sends 127\.0\.0\.1:7405 to 127\.0\.0\.1:7406 \(nft table ip lab, chain out, handle \d+: ip daddr 127\.0\.0\.1 tcp dport 7405 redirect to :7406\)$/,
		);
		expect(cause?.fixes[0]?.command).toMatch(
			/^nft delete rule ip lab out handle \d+$/,
		);
	});
});

describe('destination NAT, other cases', () => {
	test('ip6tables REDIRECT on [::1]: the real port named, no-listener', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		await load(ns, [
			[
				'ip6tables',
				'-t',
				'nat',
				'-A',
				'OUTPUT',
				'-d',
				'::1',
				'-p',
				'tcp',
				'--dport',
				'7407',
				'-j',
				'REDIRECT',
				'--to-ports',
				'7408',
			],
		]);
		const {cause} = await diagnose(ns, '[::1]:7407');
		expect(cause?.id).toBe('no-listener');
		expect(cause?.evidence[0]).toBe(
			'nat: REDIRECT sends [::1]:7407 to [::1]:7408 (ip6tables -t nat, chain OUTPUT, rule 1: -A OUTPUT -d ::1/128 -p tcp -m tcp --dport 7407 -j REDIRECT --to-ports 7408)',
		);
	});

	test('DNAT to another host: the rewrite is named and kept as a fact, nothing is claimed about that host', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		await load(ns, [
			[
				'iptables',
				'-t',
				'nat',
				'-A',
				'OUTPUT',
				'-p',
				'tcp',
				'--dport',
				'7409',
				'-j',
				'DNAT',
				'--to-destination',
				`${ns.peer!.address}:7409`,
			],
		]);
		// From this host's own address (a loopback source could not leave for another host).
		const {step, report} = await diagnose(ns, `${ns.address!}:7409`);
		expect(report.probe.outcome).toBe('refused');
		expect(step?.status).toBe('passed');
		expect(step?.detail).toContain(
			`nat: DNAT sends ${ns.address!}:7409 to ${ns.peer!.address}:7409 (iptables -t nat, chain OUTPUT, rule 1: `,
		);
		expect(report.causes.map(c => c.id)).not.toContain('firewall-reject');
	});
});

describe("this host's own output rules, for another host", () => {
	test('OUTPUT REJECT: firewall-reject on the way out, the rule named and counted', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		await ns.listen('0.0.0.0', 7410, {inPeer: true});
		await load(ns, [
			[
				'iptables',
				'-A',
				'OUTPUT',
				'-d',
				ns.peer!.address,
				'-p',
				'tcp',
				'--dport',
				'7410',
				'-j',
				'REJECT',
				'--reject-with',
				'tcp-reset',
			],
		]);
		const {report, step, cause} = await diagnose(
			ns,
			`${ns.peer!.address}:7410`,
		);
		expect(report.probe.outcome).toBe('refused');
		expect(step?.status).toBe('problem');
		expect(cause?.id).toBe('firewall-reject');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.summary).toContain('on its way out of this host');
		expect(cause?.evidence[0]).toBe(
			`iptables -t filter, chain OUTPUT, rule 1: -A OUTPUT -d ${ns.peer!.address}/32 -p tcp -m tcp --dport 7410 -j REJECT --reject-with tcp-reset`,
		);
		expect(cause?.fixes[0]?.command).toBe(
			'iptables -t filter -I OUTPUT 1 -p tcp --dport 7410 -j ACCEPT',
		);
	});

	test('OUTPUT DROP: the SYN never leaves (a timeout here; EPERM on kernels that report it), the outbound drop named', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		await ns.listen('0.0.0.0', 7411, {inPeer: true});
		await load(ns, [
			[
				'iptables',
				'-A',
				'OUTPUT',
				'-p',
				'tcp',
				'--dport',
				'7411',
				'-j',
				'DROP',
			],
		]);
		const {report, step, cause} = await diagnose(
			ns,
			`${ns.peer!.address}:7411`,
		);
		expect(report.probe.outcome).toBe('timeout');
		expect(step?.status).toBe('problem');
		expect(cause?.id).toBe('filtered');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.summary).toContain('on its way out of this host');
		expect(cause?.evidence[0]).toBe(
			'iptables -t filter, chain OUTPUT, rule 1: -A OUTPUT -p tcp -m tcp --dport 7411 -j DROP',
		);
		expect(cause?.evidence).toContainEqual(
			expect.stringMatching(/, as this rule predicts$/),
		);
	});

	test('no output rule: the step says this host is not the cause, and nothing is claimed', async () => {
		const ns = await createNetns({address: true});
		spaces.push(ns);
		const {step, report} = await diagnose(ns, `${ns.peer!.address}:7412`);
		expect(report.probe.outcome).toBe('refused');
		expect(step?.status).toBe('passed');
		expect(step?.detail).toMatch(
			/^this host's output rules accept TCP to .*: this host's own firewall is not the cause/,
		);
	});
});
