import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	counter,
	parseProcNetPairs,
	parseSnmp6,
} from '../../source/parsers/proc-net-snmp.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url), 'utf8');

describe('/proc/net/snmp', () => {
	test('a fresh namespace: ICMP all zero, no IcmpMsg pair (it reads as 0), TCP counters by name', () => {
		const counters = parseProcNetPairs(fixture('snmp.txt'));
		expect(counters.get('Icmp.InDestUnreachs')).toBe(0);
		expect(counters.has('IcmpMsg.InType3')).toBe(false);
		expect(counter(counters, 'IcmpMsg.InType3')).toBe(0);
		expect(counters.get('Tcp.ActiveOpens')).toBe(5);
		expect(counters.get('Tcp.AttemptFails')).toBe(1);
		expect(counters.get('Tcp.MaxConn')).toBe(-1);
		expect(counters.get('Udp.NoPorts')).toBe(0);
	});

	test('after REJECTed connects: InDestUnreachs and IcmpMsg InType3 counted', () => {
		const counters = parseProcNetPairs(fixture('snmp-after-reject.txt'));
		expect(counters.get('Icmp.InDestUnreachs')).toBe(4);
		expect(counter(counters, 'IcmpMsg.InType3')).toBe(4);
		expect(counters.get('IcmpMsg.OutType3')).toBe(4);
		expect(counters.get('Tcp.RetransSegs')).toBe(3);
	});

	test('junk, a header without values, a short value line: skipped, never a wrong value', () => {
		const counters = parseProcNetPairs(
			'Icmp: InMsgs InDestUnreachs\nTcp: ActiveOpens\nTcp: 7\nIp: A B\nIp: 1\n\u0000garbage\nUdp: X\nUdp: y\n',
		);
		expect(counters.get('Tcp.ActiveOpens')).toBe(7);
		expect(counters.has('Icmp.InMsgs')).toBe(false);
		expect(counters.has('Ip.A')).toBe(false);
		expect(counters.has('Udp.X')).toBe(false);
		expect(counter(counters, 'IcmpMsg.InType3')).toBeUndefined();
		expect(parseProcNetPairs('').size).toBe(0);
	});
});

describe('/proc/net/netstat', () => {
	test('TcpExt ListenOverflows and ListenDrops of a namespace with a full accept queue', () => {
		const counters = parseProcNetPairs(fixture('netstat.txt'));
		expect(counters.get('TcpExt.ListenOverflows')).toBe(2);
		expect(counters.get('TcpExt.ListenDrops')).toBe(2);
		expect(counters.get('IpExt.InOctets')).toBe(772);
		expect(counters.has('MPTcpExt.MPCapableSYNRX')).toBe(true);
	});
});

describe('/proc/net/snmp6', () => {
	test('name-value lines; ICMPv6 destination unreachable counted after a REJECTed connect over ::1', () => {
		expect(parseSnmp6(fixture('snmp6.txt')).get('Icmp6InDestUnreachs')).toBe(0);
		const after = parseSnmp6(fixture('snmp6-after-reject.txt'));
		expect(after.get('Icmp6InDestUnreachs')).toBe(2);
		expect(after.get('Icmp6InType1')).toBe(2);
		expect(parseSnmp6('Icmp6InMsgs x\njunk\n').size).toBe(0);
	});
});
