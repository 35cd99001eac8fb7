/**
The accept-queue judge on recorded observations: the listener is parsed from a captured `ss -Htln`
(test/fixtures/ss/full-accept-queue.txt, a Python server with backlog 1 that never accepts) and the
counters from a captured /proc/net/netstat (test/fixtures/proc/netstat.txt), through the check's
own parsers.
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {listenerList} from '../../../source/parsers/listeners.js';
import type {JudgeInput} from '../../../source/checks/define.js';
import {
	judgeQueue,
	queueConfidence,
} from '../../../source/checks/server/accept-queue/judge.js';
import type {QueueObservations} from '../../../source/checks/server/accept-queue/measure.js';
import {parseProcNetPairs} from '../../../source/parsers/proc-net-snmp.js';
import {parseSsListeners} from '../../../source/parsers/ss.js';
import type {Facts, Listener} from '../../../source/tree/facts.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

const [captured] = parseSsListeners(
	fixture('ss/full-accept-queue.txt'),
).listeners;
const full: Listener = {
	...captured!,
	process: {name: 'python3', pid: 8446, user: 'root'},
};
const netstat = parseProcNetPairs(fixture('proc/netstat.txt'));
const before = {
	overflows: netstat.get('TcpExt.ListenOverflows')!,
	drops: netstat.get('TcpExt.ListenDrops')!,
};

const probe = {
	address: '127.0.0.1',
	family: 4 as const,
	source: 'literal',
	outcome: 'timeout' as const,
	ms: 1000,
	code: 'ETIMEDOUT',
};

function observations(
	listeners: Listener[],
	overflows: number | undefined,
	code = 'ETIMEDOUT',
): QueueObservations {
	return {
		probe,
		listeners,
		ss: {command: "ss -Htln 'sport = :7301'"},
		...(overflows === undefined
			? {countersProblem: '/proc/net/netstat: EACCES'}
			: {counters: {before, overflows, drops: overflows}}),
		connect: {code, ms: 1500},
		somaxconn: 4096,
	};
}

function input(uid = 0, facts: Facts = {}): JudgeInput {
	return {
		target: {input: '127.0.0.1:7301', host: '127.0.0.1', port: 7301},
		facts,
		answers: {},
		timeoutMs: 1000,
		uid,
	};
}

test('the captured ss line: Recv-Q 2 is the accept queue, Send-Q 1 the backlog', () => {
	expect(captured).toMatchObject({
		address: '127.0.0.1',
		port: 7301,
		acceptQueue: 2,
		backlog: 1,
	});
	expect(before).toEqual({overflows: 2, drops: 2});
});

describe('queueConfidence', () => {
	const room: Listener = {...full, acceptQueue: 0, backlog: 128};
	const unseen: Listener = {
		...full,
		acceptQueue: undefined,
		backlog: undefined,
	};
	test.each([
		[
			'full, overflow counted, our SYN unanswered',
			full,
			1,
			'ETIMEDOUT',
			'confirmed',
		],
		['full, counters unreadable', full, undefined, 'ETIMEDOUT', 'likely'],
		['full, but our connect got through', full, 0, 'connect', 'likely'],
		[
			'room now, but an overflow counted while our SYN went unanswered',
			room,
			1,
			'ETIMEDOUT',
			'likely',
		],
		['room, no overflow', room, 0, 'ETIMEDOUT', undefined],
		[
			'queue not shown (ss unreadable), no overflow',
			unseen,
			0,
			'ETIMEDOUT',
			undefined,
		],
	] as const)('%s', (...[, listener, overflows, code, expected]) => {
		expect(queueConfidence(observations([listener], overflows, code))).toBe(
			expected,
		);
	});
});

describe('judgeQueue', () => {
	test('full: accept-queue-full confirmed, the process, the queue, the counters, somaxconn, the fixes (no sudo for root)', () => {
		const result = judgeQueue(observations([full], 1), input());
		expect(result.status).toBe('problem');
		const [finding] = result.findings!;
		expect(finding).toMatchObject({
			id: 'accept-queue-full',
			confidence: 'confirmed',
			summary:
				'127.0.0.1:7301 (python3 pid 8446, user root) listens but does not accept connections fast enough: its accept queue is full (2 connections wait for a backlog of 1), so the kernel drops new SYNs to 127.0.0.1:7301 and clients time out; no firewall is involved.',
		});
		expect(finding!.evidence).toEqual([
			'127.0.0.1:7301 (python3 pid 8446, user root): accept queue (Recv-Q) 2, backlog (Send-Q) 1: full',
			'TcpExt ListenOverflows 2 -> 3 (+1), ListenDrops 2 -> 3 (+1) across one more connect (ETIMEDOUT in 1500 ms): the kernel dropped a SYN for a full queue (host-wide counters)',
			'net.core.somaxconn = 4096 (the cap on every listen() backlog)',
		]);
		expect(finding!.fixes.map(f => f.command)).toEqual([
			'strace -f -e trace=accept,accept4 -p 8446',
			"ss -ltn 'sport = :7301'",
			'sysctl net.core.somaxconn',
		]);
		expect(finding!.fixes[2]!.why).toMatch(/now 4096/);
	});

	test('not root: the strace fix gets sudo', () => {
		const result = judgeQueue(observations([full], 1), input(1000));
		expect(result.findings![0]!.fixes[0]!.command).toBe(
			'sudo strace -f -e trace=accept,accept4 -p 8446',
		);
	});

	test('room in the queue and no overflow: passed, never a finding', () => {
		const result = judgeQueue(
			observations([{...full, acceptQueue: 0, backlog: 511}], 0),
			input(),
		);
		expect(result.status).toBe('passed');
		expect(result.findings).toBeUndefined();
		expect(result.detail).toBe(
			'127.0.0.1:7301 queue 0 of backlog 511: the accept queue is not the cause',
		);
	});

	test('neither the queue nor the counters could be read: unknown, with the command by hand', () => {
		const result = judgeQueue(
			{
				...observations(
					[{...full, acceptQueue: undefined, backlog: undefined}],
					undefined,
				),
				ss: {command: 'ss', problem: 'ss is not installed (package iproute2)'},
			},
			input(),
		);
		expect(result.status).toBe('unknown');
		expect(result.detail).toBe(
			"the accept queue could not be read (ss is not installed (package iproute2); /proc/net/netstat: EACCES): check by hand with ss -ltn 'sport = :7301'",
		);
	});

	test('no listener takes the address: the kernel would have reset, so the SYN was dropped: filtered likely (possible when the listeners were read only in part)', () => {
		const facts: Facts = {
			listeners: {
				source: 'ss',
				command: 'ss -Htlnpe',
				listeners: listenerList([]),
				processesVisible: true,
			},
		};
		const result = judgeQueue(observations([], 0), input(0, facts));
		expect(result.findings).toMatchObject([
			{id: 'filtered', confidence: 'likely'},
		]);
		const partial = judgeQueue(
			observations([], 0),
			input(0, {listeners: {...facts.listeners!, unreadable: ['ss']}}),
		);
		expect(partial.findings![0]!.confidence).toBe('possible');
	});
});
