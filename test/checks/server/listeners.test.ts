import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {listeners} from '../../../source/checks/server/listeners/index.js';
import type {CheckContext} from '../../../source/checks/types.js';
import {createFakeIo, type FakeIoOptions} from '../../helpers/fake-io.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

function run(options: FakeIoOptions, port = 5432) {
	const io = createFakeIo(options);
	const context: CheckContext = {
		target: {input: `x:${port}`, host: '10.201.250.2', port},
		facts: {},
		answers: {},
		io,
		signal: new AbortController().signal,
		timeoutMs: 1000,
		onCommand() {},
		onLine() {},
	};
	return {io, result: listeners(context)};
}

const passwd =
	'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104::/var/lib/postgresql:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\n';

describe('listeners', () => {
	test('ss first: every listener, users from /proc/PID/status, bindv6only', async () => {
		const {result} = run({
			commands: [
				{match: 'ss -Htlnpe', stdout: fixture('ss/mixed-root-htlnpe.txt')},
			],
			files: {
				'/etc/passwd': passwd,
				'/proc/5012/status': 'Name:\tpostgres\nUid:\t101\t101\t101\t101\n',
				'/proc/sys/net/ipv6/bindv6only': '0\n',
			},
		});
		const {facts, detail, output} = await result;
		expect(facts?.listeners?.source).toBe('ss');
		expect(facts?.listeners?.listeners.count).toBe(12);
		expect(facts?.listeners?.bindv6only).toBe(false);
		expect(
			facts?.listeners?.listeners.all().find(l => l.port === 5432)?.process,
		).toEqual({name: 'postgres', pid: 5012, user: 'postgres'});
		// Ss -e omits uid: for root's sockets.
		expect(
			facts?.listeners?.listeners.all().find(l => l.port === 8080)?.uid,
		).toBe(0);
		expect(detail).toBe('port 5432: 127.0.0.1:5432 postgres');
		expect(output).toContain(
			'127.0.0.1:5432 (postgres pid 5012, user postgres)',
		);
	});

	test('no ss: /proc/net/tcp and tcp6, sockets matched to processes through the /proc/PID/fd links', async () => {
		const {result, io} = run({
			commands: [
				{
					match: /^find \/proc -mindepth 3/,
					stdout:
						'/proc/5012/fd/5 socket:[11350]\n/proc/5010/fd/4 socket:[11340]\n/proc/5013/fd/4 socket:[11340]\n/proc/5012/fd/1 /dev/null\n',
				},
			],
			files: {
				'/etc/passwd': passwd,
				'/proc/net/tcp': fixture('proc/mixed-net-tcp.txt'),
				'/proc/net/tcp6': fixture('proc/mixed-net-tcp6.txt'),
				'/proc/5012/comm': 'postgres\n',
				'/proc/5010/comm': 'nginx\n',
				'/proc/5013/comm': 'nginx\n',
			},
		});
		const {facts, output} = await result;
		expect(io.calls[0]).toBe('ss -Htlnpe');
		expect(facts?.listeners?.source).toBe('proc');
		expect(facts?.listeners?.listeners.count).toBe(12);
		expect(
			facts?.listeners?.listeners.all().find(l => l.port === 5432)?.process,
		).toEqual({name: 'postgres', pid: 5012, user: 'postgres'});
		expect(
			facts?.listeners?.listeners
				.all()
				.find(l => l.port === 8081)
				?.processes?.map(p => p.pid),
		).toEqual([5010, 5013]);
		expect(output?.[0]).toBe(
			'(ss is not installed (package iproute2): used proc instead)',
		);
	});

	test('no ss, no /proc/net: lsof', async () => {
		const {result} = run({
			commands: [
				{
					match: 'lsof -nP -iTCP -sTCP:LISTEN',
					stdout: fixture('lsof/mixed-root.txt'),
				},
			],
		});
		const {facts} = await result;
		expect(facts?.listeners?.source).toBe('lsof');
		expect(
			facts?.listeners?.listeners.all().find(l => l.port === 5432)?.process
				?.user,
		).toBe('postgres');
	});

	test('nothing can be read: unknown, with the reasons and the command to run by hand', async () => {
		const {result} = run({});
		const {status, detail, command} = await result;
		expect(status).toBe('unknown');
		expect(detail).toBe(
			'the listeners could not be read: ss is not installed (package iproute2); /proc/net/tcp cannot be read (ENOENT); lsof is not installed. Check by hand: ss -ltnp',
		);
		// Root (the fake Io's uid 0): no sudo in front.
		expect(command).toBe('ss -ltnp');
	});

	test("not root: other users' owners hidden, and the output says how to see them", async () => {
		const {result} = run({
			commands: [
				{match: 'ss -Htlnpe', stdout: fixture('ss/mixed-nobody-htlnpe.txt')},
			],
			uid: 65_534,
		});
		const {facts, output} = await result;
		expect(facts?.listeners?.processesVisible).toBe(false);
		expect(output).toContain('127.0.0.1:5432 (owner hidden; socket uid 101)');
		expect(output).toContain(
			"not root: the owners of other users' sockets are hidden. To see them: sudo ss -ltnp",
		);
	});

	test('not Linux: unknown with the command for that platform', async () => {
		const {result} = run({platform: 'darwin'});
		expect(await result).toMatchObject({
			status: 'unknown',
			command: 'lsof -nP -iTCP -sTCP:LISTEN',
		});
	});
});

describe('listeners: unreadable ss output (issue 15 item 8)', () => {
	test('binary junk from ss: /proc/net/tcp is read instead, and the inventory says it was read in part', async () => {
		const {result} = run({
			commands: [
				{
					match: 'ss -Htlnpe',
					stdout:
						'\u0000\u0001\u00FE junk\n\u0089PNG\r\n\u001A\nLISTEN garbage\n',
				},
				{match: /^find \/proc -mindepth 3/, stdout: ''},
			],
			files: {
				'/proc/net/tcp': fixture('proc/mixed-net-tcp.txt'),
				'/proc/net/tcp6': fixture('proc/mixed-net-tcp6.txt'),
			},
		});
		const {status, facts, detail, output} = await result;
		expect(status).toBe('passed');
		expect(facts?.listeners?.source).toBe('proc');
		expect(facts?.listeners?.listeners.count).toBeGreaterThan(0);
		expect(facts?.listeners?.unreadable).toEqual([
			'ss -Htlnpe: 4 lines of its output could not be read',
		]);
		expect(detail).toMatch(/read in part only .*less certain/);
		expect(output?.[0]).toBe(
			'(ss -Htlnpe: 4 lines of its output could not be read: used proc instead)',
		);
	});
});
