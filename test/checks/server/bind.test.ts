import {describe, expect, test} from 'vitest';
import {refusedHere} from '../../helpers/facts.js';
import {listenerList} from '../../../source/parsers/listeners.js';
import {
	accepts,
	digitDistance,
	sameAddress,
} from '../../../source/checks/server/address.js';
import {bind} from '../../../source/checks/server/bind/index.js';
import type {CheckContext} from '../../../source/checks/types.js';
import type {Facts, Listener} from '../../../source/tree/facts.js';
import {createFakeIo} from '../../helpers/fake-io.js';

function facts(
	address: string,
	listeners: Listener[],
	options: {bindv6only?: boolean; source?: 'ss' | 'proc'} = {},
): Facts {
	return {
		...refusedHere(address),
		listeners: {
			source: options.source ?? 'ss',
			command: 'ss -Htlnpe',
			listeners: listenerList(listeners),
			processesVisible: true,
			...(options.bindv6only === undefined
				? {}
				: {bindv6only: options.bindv6only}),
		},
	};
}

async function run(
	address: string,
	port: number,
	listeners: Listener[],
	options: {bindv6only?: boolean; source?: 'ss' | 'proc'} = {},
) {
	const context: CheckContext = {
		target: {input: `${address}:${port}`, host: address, port},
		facts: facts(address, listeners, options),
		answers: {},
		io: createFakeIo(),
		signal: new AbortController().signal,
		timeoutMs: 1000,
		onCommand() {},
		onLine() {},
	};
	return bind(context);
}

const node = {name: 'node', pid: 10};

describe('bind analysis', () => {
	test('a v4-mapped listener takes its IPv4 address', async () => {
		const result = await run('127.0.0.1', 9090, [
			{
				address: '::ffff:127.0.0.1',
				port: 9090,
				family: 6,
				v6only: false,
				process: node,
			},
		]);
		expect(result.status).toBe('passed');
		expect(result.detail).toMatch(
			/a refusal despite a listener points at a firewall REJECT rule/,
		);
	});

	test(':: from /proc/net/tcp6 (V6ONLY unknown) follows net.ipv6.bindv6only', async () => {
		const listener: Listener = {address: '::', port: 80, family: 6};
		expect(
			(
				await run('10.0.0.5', 80, [listener], {
					bindv6only: false,
					source: 'proc',
				})
			).status,
		).toBe('passed');
		const v6only = await run('10.0.0.5', 80, [listener], {
			bindv6only: true,
			source: 'proc',
		});
		expect(v6only.findings?.[0]?.id).toBe('address-family-mismatch');
	});

	test('IPv6 target, IPv4 wildcard listener: address-family-mismatch', async () => {
		const result = await run('::1', 3000, [
			{address: '0.0.0.0', port: 3000, family: 4, process: node},
		]);
		expect(result.findings?.[0]).toMatchObject({
			id: 'address-family-mismatch',
			confidence: 'confirmed',
		});
		expect(result.findings?.[0]?.summary).toBe(
			'node (pid 10) listens on 0.0.0.0:3000: IPv4 only, and [::1]:3000 is IPv6, so it is refused.',
		);
	});

	test('loopback on both families, target another address: loopback-only', async () => {
		const result = await run('192.168.1.5', 5173, [
			{address: '127.0.0.1', port: 5173, family: 4, process: node},
			{address: '::1', port: 5173, family: 6, process: node},
		]);
		expect(result.findings?.[0]?.id).toBe('loopback-only');
		expect(result.findings?.[0]?.evidence.slice(0, 2)).toEqual([
			'ss -Htlnpe: 127.0.0.1:5173 (node pid 10)',
			'ss -Htlnpe: [::1]:5173 (node pid 10)',
		]);
	});

	test('127.0.0.2 dialed, 127.0.0.1 listening: bound-elsewhere (both loopback)', async () => {
		const result = await run('127.0.0.2', 8000, [
			{address: '127.0.0.1', port: 8000, family: 4},
		]);
		expect(result.findings?.[0]?.id).toBe('bound-elsewhere');
		expect(result.findings?.[0]?.summary).toContain(
			'a process (owner hidden: not root)',
		);
	});

	test('wrong-port candidates: one digit away is possible only (no-listener stays confirmed and first)', async () => {
		const result = await run('10.0.0.5', 8081, [
			{address: '0.0.0.0', port: 8080, family: 4, process: node},
		]);
		const ids = result.findings?.map(f => [f.id, f.confidence]);
		expect(ids).toEqual([
			['wrong-port', 'possible'],
			['no-listener', 'confirmed'],
		]);
	});

	test('wrong-port with a many-listener host: at most three candidates', async () => {
		const many: Listener[] = Array.from({length: 5000}, (_, index) => ({
			address: '0.0.0.0',
			port: 20_000 + index,
			family: 4,
		}));
		const result = await run('10.0.0.5', 21_000, [
			...many.filter(l => l.port !== 21_000),
		]);
		const wrong = result.findings?.find(f => f.id === 'wrong-port');
		expect(wrong?.evidence.filter(e => e.startsWith('also:'))).toHaveLength(2);
	});

	test('helpers', () => {
		expect(digitDistance(5432, 5433)).toBe(1);
		expect(digitDistance(8080, 80)).toBe(2);
		expect(digitDistance(3000, 4200)).toBe(2);
		expect(sameAddress('::ffff:127.0.0.1', '127.0.0.1')).toBe(true);
		expect(sameAddress('0:0::1', '::1')).toBe(true);
		expect(sameAddress('fe80::1%eth0', 'fe80::1')).toBe(true);
		expect(
			accepts({address: '::', port: 1, family: 6, v6only: true}, '10.0.0.1'),
		).toBe(false);
		expect(
			accepts({address: '::', port: 1, family: 6, v6only: false}, '10.0.0.1'),
		).toBe(true);
		expect(accepts({address: '0.0.0.0', port: 1, family: 4}, '::1')).toBe(
			false,
		);
	});
});
