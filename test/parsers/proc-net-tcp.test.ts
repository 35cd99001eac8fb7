import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {
	decodeProcAddress,
	parseProcNetTcp,
	parseSocketLinks,
	procNetTcpUnparsed,
} from '../../source/parsers/proc-net-tcp.js';
import {inputs, runs, seed} from '../helpers/fuzz.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url), 'utf8');

describe('parseProcNetTcp on real /proc/net/tcp and tcp6 (namespace srvcap)', () => {
	test('IPv4: little-endian words, big-endian ports', () => {
		const sockets = parseProcNetTcp(fixture('mixed-net-tcp.txt'), {
			listenOnly: true,
		});
		expect(sockets.map(s => `${s.address}:${s.port}`)).toEqual([
			'127.0.0.1:5432',
			'127.0.0.1:8081',
			'127.0.0.1:3000',
			'0.0.0.0:8080',
			'10.201.250.2:7000',
			'127.0.0.53:5353',
		]);
		expect(sockets[0]).toMatchObject({
			uid: 101,
			inode: 11_350,
			family: 4,
			state: '0A',
		});
	});

	test('IPv6: wildcard, loopback, v4-mapped and link-local (the same inodes ss showed)', () => {
		const sockets = parseProcNetTcp(fixture('mixed-net-tcp6.txt'), {
			listenOnly: true,
		});
		expect(sockets.map(s => `${s.address} ${s.port} ${s.inode}`)).toEqual([
			':: 8082 11341',
			':: 9001 10422',
			':: 9000 10411',
			'fe80::e066:f6ff:fe82:3020 7001 10222',
			'::ffff:127.0.0.1 9090 10421',
			'::1 5173 10417',
		]);
		expect(sockets.every(s => s.family === 6)).toBe(true);
	});

	test('decodeProcAddress', () => {
		expect(decodeProcAddress('0100007F')).toBe('127.0.0.1');
		expect(decodeProcAddress('00000000000000000000000001000000')).toBe('::1');
		expect(decodeProcAddress('B80D0120000000000000000001000000')).toBe(
			'2001:db8::1',
		);
		expect(decodeProcAddress('xyz')).toBeUndefined();
	});

	test('non-listening rows are dropped with listenOnly, and the header is ignored', () => {
		const text =
			'  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1538 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 99 1\n';
		expect(parseProcNetTcp(text)).toHaveLength(1);
		expect(parseProcNetTcp(text, {listenOnly: true})).toEqual([]);
	});

	test('parseSocketLinks: find -printf "%p %l" output → inode → pids', () => {
		const links = parseSocketLinks(
			'/proc/5010/fd/4 socket:[11340]\n/proc/5013/fd/4 socket:[11340]\n/proc/5010/fd/2 /dev/null\n/proc/4928/fd/19 socket:[10218]\n',
		);
		expect(links.get(11_340)).toEqual([5010, 5013]);
		expect(links.get(10_218)).toEqual([4928]);
	});
});

describe('fuzz', () => {
	test(`property: random and damaged /proc/net/tcp never throws; the unreadable count is never negative (${runs} cases, seed ${seed})`, () => {
		const captures = [
			fixture('mixed-net-tcp.txt'),
			fixture('mixed-net-tcp6.txt'),
		];
		fc.assert(
			fc.property(inputs(captures), text => {
				for (const socket of parseProcNetTcp(text)) {
					expect(Number.isInteger(socket.port)).toBe(true);
				}

				expect(procNetTcpUnparsed(text)).toBeGreaterThanOrEqual(0);
			}),
			{numRuns: runs, seed},
		);
	});
});
