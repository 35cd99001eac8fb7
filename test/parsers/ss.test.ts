import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {parseSsListeners, splitSsAddress} from '../../source/parsers/ss.js';
import {inputs, runs, seed} from '../helpers/fuzz.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/ss/${name}`, import.meta.url), 'utf8');

describe('parseSsListeners on real ss -Htlnpe output (namespace srvcap, see fixtures/ss/README.md)', () => {
	const {listeners, unparsed} = parseSsListeners(
		fixture('mixed-root-htlnpe.txt'),
	);
	const at = (port: number) => {
		const listener = listeners.find(l => l.port === port);
		expect(listener, String(port)).toBeDefined();
		return listener!;
	};

	test('reads every line', () => {
		expect(unparsed).toEqual([]);
		expect(listeners).toHaveLength(12);
	});

	test('IPv4: specific, loopback, wildcard, with process, uid and inode', () => {
		expect(at(5432)).toMatchObject({
			address: '127.0.0.1',
			family: 4,
			process: {name: 'postgres', pid: 5012},
			uid: 101,
			inode: 11_350,
		});
		expect(at(8080)).toMatchObject({
			address: '0.0.0.0',
			family: 4,
			process: {name: 'node', pid: 4930},
		});
		expect(at(7000)).toMatchObject({address: '10.201.250.2', family: 4});
		expect(at(8080).uid).toBeUndefined();
	});

	test('a socket shared by nginx master and worker: every process, the lowest pid as owner', () => {
		expect(at(8081).process).toEqual({name: 'nginx', pid: 5010});
		expect(at(8081).processes).toEqual([
			{name: 'nginx', pid: 5010},
			{name: 'nginx', pid: 5013},
		]);
	});

	test('IPv6: "*" is :: dual-stack, "[::]" is :: v6only, and the v6only: field of -e', () => {
		expect(at(9000)).toMatchObject({address: '::', family: 6, v6only: false});
		expect(at(9001)).toMatchObject({address: '::', family: 6, v6only: true});
		expect(at(8082)).toMatchObject({address: '::', family: 6, v6only: true});
		expect(at(5173)).toMatchObject({address: '::1', family: 6, v6only: true});
	});

	test('v4-mapped and scoped addresses', () => {
		expect(at(9090)).toMatchObject({
			address: '::ffff:127.0.0.1',
			family: 6,
			v6only: false,
		});
		expect(at(7001)).toMatchObject({
			address: 'fe80::e066:f6ff:fe82:3020%cvetha',
			family: 6,
		});
		expect(at(5353)).toMatchObject({address: '127.0.0.53', family: 4});
	});

	test('keeps the line for evidence, without the trailing padding', () => {
		expect(at(5432).line).toBe(
			'LISTEN 0      244                             127.0.0.1:5432 0.0.0.0:* users:(("postgres",pid=5012,fd=5)) uid:101 ino:11350 sk:2 cgroup:unreachable:1',
		);
	});
});

describe('other real captures', () => {
	test('ss -Htlnp (no -e): v6only is inferred from the brackets', () => {
		const {listeners, unparsed} = parseSsListeners(
			fixture('mixed-root-htlnp.txt'),
		);
		expect(unparsed).toEqual([]);
		expect(listeners.find(l => l.port === 9000)).toMatchObject({
			address: '::',
			v6only: false,
		});
		expect(listeners.find(l => l.port === 9001)).toMatchObject({
			address: '::',
			v6only: true,
		});
		expect(listeners.find(l => l.port === 9001)?.inode).toBeUndefined();
	});

	test("not root: only the caller's own sockets show a process", () => {
		const {listeners} = parseSsListeners(fixture('mixed-nobody-htlnpe.txt'));
		expect(listeners).toHaveLength(12);
		expect(
			listeners
				.filter(l => l.process)
				.map(l => l.port)
				.toSorted((a, b) => a - b),
		).toEqual([8081, 8082]);
		expect(listeners.find(l => l.port === 5432)).toMatchObject({uid: 101});
		expect(listeners.find(l => l.port === 5432)?.process).toBeUndefined();
	});

	test('20000 listeners (two node processes in a namespace): all read, quickly enough for an interactive tool', () => {
		const text = gunzipSync(
			readFileSync(
				new URL('../fixtures/ss/many-20000-htlnpe.txt.gz', import.meta.url),
			),
		).toString('utf8');
		const started = performance.now();
		const {listeners, unparsed} = parseSsListeners(text);
		const ms = performance.now() - started;
		expect(unparsed).toEqual([]);
		expect(listeners).toHaveLength(20_000);
		expect(new Set(listeners.map(l => l.port)).size).toBe(20_000);
		expect(
			listeners.filter(l => l.family === 6 && l.v6only === true),
		).toHaveLength(10_000);
		expect(new Set(listeners.map(l => l.process?.pid)).size).toBe(2);
		// A generous bound, only to catch a quadratic parser (it takes well under a second).
		expect(ms).toBeLessThan(5000);
	});

	test('old iproute2 printed the IPv4 wildcard as "*": the peer column tells it apart', () => {
		const {listeners} = parseSsListeners(
			'LISTEN     0      128          *:22                       *:*\nLISTEN 0 128 *:80 0.0.0.0:*\n',
		);
		expect(listeners.map(l => [l.address, l.port])).toEqual([
			['::', 22],
			['0.0.0.0', 80],
		]);
	});

	test('header lines and garbage are not listeners', () => {
		const {listeners, unparsed} = parseSsListeners(
			'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nsomething else\n',
		);
		expect(listeners).toEqual([]);
		expect(unparsed).toEqual(['something else']);
	});

	test('splitSsAddress', () => {
		expect(splitSsAddress('[fe80::1]%eth0:7001')).toEqual({
			address: 'fe80::1%eth0',
			port: '7001',
		});
		expect(splitSsAddress('127.0.0.53%lo:53')).toEqual({
			address: '127.0.0.53%lo',
			port: '53',
		});
		expect(splitSsAddress('[::ffff:127.0.0.1]:9090')).toEqual({
			address: '::ffff:127.0.0.1',
			port: '9090',
		});
	});
});

describe('process names ss prints raw (fixtures/ss/hostile-names-htlnpe.txt, real ss output)', () => {
	const {listeners, unparsed} = parseSsListeners(
		fixture('hostile-names-htlnpe.txt'),
	);
	const at = (port: number) => listeners.find(l => l.port === port);

	test('a name with a double quote keeps its owner (not "owner hidden")', () => {
		expect(unparsed).toEqual([]);
		expect(at(47_124)?.process).toEqual({name: 'na"me', pid: 1371});
	});

	test('a name that imitates a pid entry cannot fake the pid', () => {
		expect(at(47_125)?.processes).toEqual([{name: 'x",pid=1,fd=1', pid: 1373}]);
	});

	test('a name with spaces and "ino:" cannot fake the inode', () => {
		expect(at(47_126)?.process?.name).toBe('a b ino:7');
		expect(at(47_126)?.inode).toBe(137_465);
	});
});

describe('ss output that is not ss output', () => {
	test('binary junk: every line is unparsed, none becomes a listener', () => {
		const junk =
			'\u0000\u0001LISTEN\u00FF\u00FE\n\u0089PNG\r\n\u001A\n%%%% ::: 0.0.0.0:*\n';
		const {listeners, unparsed} = parseSsListeners(junk);
		expect(listeners).toEqual([]);
		expect(unparsed.length).toBeGreaterThan(0);
	});
});

describe('fuzz', () => {
	test(`property: random and damaged ss output never throws, every listener has a port (${runs} cases, seed ${seed})`, () => {
		const captures = [
			fixture('mixed-root-htlnpe.txt'),
			fixture('mixed-nobody-htlnpe.txt'),
			fixture('hostile-names-htlnpe.txt'),
		];
		fc.assert(
			fc.property(inputs(captures), text => {
				const {listeners, unparsed} = parseSsListeners(text);
				expect(listeners.length + unparsed.length).toBeLessThanOrEqual(
					text.split('\n').length,
				);
				for (const listener of listeners) {
					expect(Number.isInteger(listener.port)).toBe(true);
				}
			}),
			{numRuns: runs, seed},
		);
	});
});
