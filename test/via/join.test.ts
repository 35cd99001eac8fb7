/**
The join of both sides (pure) and the counter proof's pieces, on reports built the way
buildReport builds them: which cause wins, what evidence each side gives, how a rule becomes
confirmed, what is said when the server accepts and this host does not, and the server's target.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import type {Report, ReportCause} from '../../source/report/model.js';
import {
	parseRuleRef,
	predicted,
	ruleCounters,
} from '../../source/via/confirm.js';
import type {ServerIdentity} from '../../source/via/hello.js';
import {joinFailure, joinReports} from '../../source/via/join.js';
import {serverTarget, sshConnection} from '../../source/via/walk.js';
import type {CauseId, Outcome} from '../../source/tree/types.js';
import {schemaErrors} from '../helpers/schema.js';

const identity: ServerIdentity = {
	destination: 'root@10.0.0.5',
	hostname: 'db1',
	user: 'root',
	uid: 0,
	privilege: 'root',
	platform: 'linux',
	interfaces: [
		{name: 'lo', address: '127.0.0.1', family: 4, internal: true},
		{name: 'eth0', address: '10.0.0.5', family: 4, internal: false},
	],
	env: {SSH_CONNECTION: '10.0.0.9 51000 10.0.0.5 22'},
	hasTimeout: true,
};

function report(
	outcome: Outcome,
	causes: ReportCause[] = [],
	steps: Report['steps'] = [],
): Report {
	return {
		schemaVersion: 1,
		tool: {name: 'refused', version: '0.0.0-test'},
		target: {input: '10.0.0.5:5432', host: '10.0.0.5', port: 5432},
		probe: {
			outcome,
			address: '10.0.0.5',
			ms: 3,
			addresses: [
				{address: '10.0.0.5', family: 4, source: 'literal', outcome, ms: 3},
			],
		},
		causes,
		steps,
		questions: [],
		exitCode: outcome === 'open' && causes.length === 0 ? 0 : 1,
	};
}

const cause = (
	id: CauseId,
	confidence: ReportCause['confidence'],
	evidence: string[] = ['a line'],
): ReportCause => ({
	id,
	confidence,
	title: id,
	summary: `${id} summary`,
	explanation: '',
	evidence,
	fixes: [{command: 'sudo fix', why: 'fixes it.'}],
});

const info = {
	identity,
	commands: 42,
	target: {address: '10.0.0.5', port: 5432},
};
const rule =
	'iptables -t filter, chain INPUT, rule 2: -A INPUT -p tcp -m tcp --dport 5432 -j DROP';

describe('joinReports', () => {
	test("the server names the cause: it wins, with evidence from both sides; the client's guesses go", () => {
		const client = report('refused', [
			cause('no-listener', 'possible'),
			cause('loopback-only', 'possible'),
		]);
		const server = report('refused', [
			cause('loopback-only', 'confirmed', [
				'ss -Htlnpe: 127.0.0.1:5432 (postgres pid 7)',
			]),
		]);
		const joined = joinReports(client, server, info);
		expect(joined.causes.map(c => [c.id, c.confidence])).toEqual([
			['loopback-only', 'confirmed'],
		]);
		expect(joined.causes[0]!.evidence).toEqual([
			'from this host: connect 10.0.0.5:5432: refused in 3 ms',
			'on db1: ss -Htlnpe: 127.0.0.1:5432 (postgres pid 7)',
		]);
		expect(joined.causes[0]!.fixes[0]!.why).toBe('On db1: fixes it.');
		expect(joined.server.verdict).toBe(
			'on db1 itself, 10.0.0.5:5432 is refused too: loopback-only summary',
		);
		expect(joined.server).toMatchObject({
			host: 'db1',
			privilege: 'root',
			commands: 42,
		});
		expect(joined.probe).toEqual(client.probe);
		expect(schemaErrors(joined)).toEqual([]);
	});

	test('the server accepts itself, this host times out, the server names nothing: something in between', () => {
		const firewall = {
			id: 'firewall',
			title: 'Firewall',
			status: 'passed' as const,
			detail: 'the rules read accept TCP to 10.0.0.5:5432 from 10.0.0.9',
		};
		const joined = joinReports(
			report('timeout', [cause('filtered', 'possible')]),
			report('open', [], [firewall]),
			info,
		);
		const [first] = joined.causes;
		expect(first).toMatchObject({id: 'filtered', confidence: 'likely'});
		expect(first!.summary).toBe(
			'db1 accepts 10.0.0.5:5432 itself, but from this host the connection times out: the rules on db1 accept this client, so something between the two (a cloud security group, a network firewall) blocks it.',
		);
		expect(first!.evidence).toEqual([
			'from this host: connect 10.0.0.5:5432: timeout in 3 ms',
			'on db1: connect 10.0.0.5:5432 (its own address): open in 3 ms',
			`on db1: firewall: ${firewall.detail}`,
		]);
		expect(first!.fixes[0]!.command).toBe(
			"sudo tcpdump -ni any 'tcp port 5432'",
		);
		expect(joined.server.verdict).toMatch(
			/^db1 accepts 10\.0\.0\.5:5432 itself, but from this host the connection times out: /,
		);
	});

	test('the firewall could not be read there: only "possible", and said so', () => {
		const joined = joinReports(report('refused'), report('open'), info);
		expect(joined.causes[0]).toMatchObject({
			id: 'firewall-reject',
			confidence: 'possible',
		});
		expect(joined.causes[0]!.summary).toMatch(
			/or a rule on db1 for outside traffic that could not be read/,
		);
	});

	test('a rule named for this client becomes confirmed only when its counters moved and this host saw what it predicts', () => {
		const server = report('open', [
			cause('filtered', 'likely', [rule, 'path: INPUT']),
		]);
		const proof = {
			rule,
			code: 'ETIMEDOUT',
			consistent: true,
			delta: 1,
			line: 'counters of this rule on the server: 4 -> 5 packets (+1) across ...',
		};
		const joined = joinReports(report('timeout'), server, {...info, proof});
		expect(joined.causes[0]).toMatchObject({
			id: 'filtered',
			confidence: 'confirmed',
		});
		expect(joined.causes[0]!.evidence.at(-1)).toBe(proof.line);
		for (const weaker of [
			{...proof, delta: 0},
			{...proof, consistent: false},
			{...proof, rule: 'another rule'},
		]) {
			expect(
				joinReports(report('timeout'), server, {...info, proof: weaker})
					.causes[0]!.confidence,
			).toBe('likely');
		}
	});

	test('a rule the server ranked "possible" (its own probe, through lo, got another outcome) still wins when proven for this client', () => {
		const server = report('timeout', [
			cause('filtered', 'likely'),
			cause('firewall-reject', 'possible', [rule.replace('DROP', 'REJECT')]),
		]);
		const proof = {
			rule: rule.replace('DROP', 'REJECT'),
			code: 'ECONNREFUSED',
			consistent: true,
			delta: 2,
			line: 'counters: +2',
		};
		const joined = joinReports(report('refused'), server, {...info, proof});
		expect(joined.causes.map(c => [c.id, c.confidence])).toEqual([
			['firewall-reject', 'confirmed'],
			['filtered', 'likely'],
		]);
	});

	test("neither side can tell: both sides' causes, nothing invented", () => {
		const joined = joinReports(
			report('refused', [cause('no-listener', 'possible')]),
			report('refused', [cause('service-failed', 'possible')]),
			info,
		);
		expect(joined.causes.map(c => c.id)).toEqual([
			'no-listener',
			'service-failed',
		]);
		expect(joined.exitCode).toBe(1);
	});

	test("an SSH failure: the client's report stands, the reason is one line", () => {
		const client = report('refused', [cause('no-listener', 'possible')]);
		const joined = joinFailure(client, 'root@db1', {
			kind: 'refused',
			message: 'nothing accepts SSH on db1 port 22',
			walk: {host: 'db1', port: 22},
		});
		expect(joined.causes).toEqual(client.causes);
		expect(joined.server).toMatchObject({
			destination: 'root@db1',
			commands: 0,
			steps: [],
			error: {kind: 'refused', walk: {host: 'db1', port: 22}},
		});
		expect(schemaErrors(joined)).toEqual([]);
	});
});

describe("the server's target and this client as the server sees it", () => {
	test('SSH_CONNECTION', () => {
		expect(sshConnection(identity.env)).toEqual({
			client: '10.0.0.9',
			server: '10.0.0.5',
		});
		expect(sshConnection({SSH_CONNECTION: 'x; y 1 z 2'})).toEqual({});
		expect(sshConnection({})).toEqual({});
	});

	test('the address this host dialed when the server has it, else the address SSH reached, said so', () => {
		expect(serverTarget('10.0.0.5', 5432, identity)).toEqual({
			address: '10.0.0.5',
			port: 5432,
		});
		const nat = serverTarget('203.0.113.7', 5432, identity);
		expect(nat.address).toBe('10.0.0.5');
		expect(nat.note).toMatch(/^203\.0\.113\.7 is not an address of db1 \(NAT/);
	});
});

describe('counter proof pieces', () => {
	test("the firewall step's rule name, and its counters in a real iptables-save -c dump", () => {
		const ref = parseRuleRef(
			'iptables -t filter, chain legacy-guard, rule 1: -A legacy-guard -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset',
		);
		expect(ref).toMatchObject({
			tool: 'iptables-save',
			table: 'filter',
			chain: 'legacy-guard',
			number: 1,
		});
		const dump = readFileSync(
			new URL('../fixtures/iptables/legacy-counters.txt', import.meta.url),
			'utf8',
		);
		expect(ruleCounters(dump, ref!)).toEqual({packets: 1, bytes: 60});
		// Another rule at that place (the rules changed): no counters, no proof.
		expect(
			ruleCounters(dump, {...ref!, text: '-A legacy-guard -j DROP'}),
		).toBeUndefined();
		expect(
			parseRuleRef(
				'nft table inet filter, chain input, handle 4: tcp dport 8080 drop',
			),
		).toBeUndefined();
	});

	test('what this host must see', () => {
		expect(predicted({verdict: 'drop'})).toEqual(['ETIMEDOUT']);
		expect(predicted({verdict: 'reject', clientSees: 'refused'})).toEqual([
			'ECONNREFUSED',
		]);
		expect(predicted({verdict: 'reject', clientSees: 'unreachable'})).toContain(
			'EHOSTUNREACH',
		);
	});
});
