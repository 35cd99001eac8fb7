/**
The server checks over a large listener inventory read by the quick ss scan: the wrong-port
candidates, the services whose config is read, and the owners' users are the same as when every
listener is built and compared (the way they were computed before the inventory: reference code
below), on random inventories.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {servicesToRead} from '../../../source/checks/server/config/index.js';
import {listeners as listenersCheck} from '../../../source/checks/server/listeners/index.js';
import {
	candidateFor,
	wrongPortCandidates,
	type Candidate,
} from '../../../source/checks/server/bind/wrong-port.js';
import type {CheckContext} from '../../../source/checks/types.js';
import {listenerList} from '../../../source/parsers/listeners.js';
import {parseSsListeners, scanSsListeners} from '../../../source/parsers/ss.js';
import type {Facts, Listener} from '../../../source/tree/facts.js';
import {createFakeIo} from '../../helpers/fake-io.js';
import {runs, seed} from '../../helpers/fuzz.js';

/** The wrong-port candidates as computed before the inventory: every listener grouped by port. */
function referenceCandidates(
	port: number,
	listeners: readonly Listener[],
	facts: Facts,
): Candidate[] {
	const byPort = new Map<number, Listener[]>();
	for (const listener of listeners) {
		if (listener.port !== port) {
			byPort.set(listener.port, [
				...(byPort.get(listener.port) ?? []),
				listener,
			]);
		}
	}

	const sorted = [...byPort.values()]
		.map(group => candidateFor(group, port, facts))
		.filter(c => c !== undefined)
		.toSorted(
			(a, b) =>
				b.score - a.score ||
				Math.abs(a.listener.port - port) - Math.abs(b.listener.port - port),
		);
	return sorted[0] && sorted[0].confidence !== 'possible'
		? sorted.filter(c => c.confidence !== 'possible').slice(0, 3)
		: sorted.slice(0, 3);
}

const ports = [
	4, 5, 14, 22, 80, 443, 3306, 5431, 5432, 5433, 5442, 6432, 8080, 8081, 9200,
	9300, 27_017, 54_321, 65_535,
];
const names = [
	'postgres',
	'nginx',
	'java',
	'mysqld',
	'node',
	'redis-server',
	'sshd',
	'a b',
	'na"me',
];

type Row = {
	port: number;
	owners: Array<{name: string; pid: number}>;
	v6: boolean;
};

const row: fc.Arbitrary<Row> = fc.record({
	port: fc.constantFrom(...ports),
	owners: fc.array(
		fc.record({
			name: fc.constantFrom(...names),
			pid: fc.integer({min: 1, max: 40}),
		}),
		{maxLength: 3},
	),
	v6: fc.boolean(),
});

/** `ss -Htlnpe` lines for the rows, as ss prints them. */
function ssText(rows: readonly Row[]): string {
	return rows
		.map((r, index) => {
			const local = r.v6 ? `[::]:${r.port}` : `0.0.0.0:${r.port}`;
			const users =
				r.owners.length > 0
					? ` users:(${r.owners.map(o => `("${o.name}",pid=${o.pid},fd=${index + 3})`).join(',')})`
					: ' uid:101';
			return `LISTEN 0      511    ${local} ${r.v6 ? '[::]:*' : '0.0.0.0:*'}${users} ino:${1000 + index} sk:${index} cgroup:/ <->`;
		})
		.join('\n');
}

const configs: Facts['services'] = {
	configs: [
		{
			service: 'postgresql',
			files: ['/etc/postgresql/16/main/postgresql.conf'],
			how: 'the default path',
			problems: [],
			lines: [
				{
					file: '/etc/postgresql/16/main/postgresql.conf',
					line: 64,
					text: 'port = 5442',
					key: 'port',
					port: 5442,
				},
				{
					file: '/etc/postgresql/16/main/postgresql.conf',
					line: 65,
					text: 'port = 65535',
					key: 'port',
					port: 65_535,
				},
			],
		},
	],
};

const quoted = (r: Row) => r.owners.some(o => o.name.includes('"'));

describe('a large inventory gives what every listener compared gives', () => {
	test(`property: wrong-port candidates and the configs to read (${runs / 4} cases, seed ${seed})`, () => {
		fc.assert(
			fc.property(
				fc.array(row, {maxLength: 30}),
				fc.constantFrom(...ports),
				fc.boolean(),
				(rows, port, withConfig) => {
					const text = ssText(rows);
					const all = parseSsListeners(text).listeners;
					const {listeners: scanned, careful} = scanSsListeners(text);
					expect(careful).toBe(rows.filter(r => quoted(r)).length);
					const facts: Facts = withConfig ? {services: configs} : {};
					const expected = referenceCandidates(port, all, facts);
					expect(wrongPortCandidates(port, scanned, facts)).toEqual(expected);
					expect(wrongPortCandidates(port, listenerList(all), facts)).toEqual(
						expected,
					);
					expect(servicesToRead(port, scanned)).toEqual(
						servicesToRead(port, listenerList(all)),
					);
				},
			),
			{seed, numRuns: runs / 4},
		);
	});
});

describe('the owners’ users (/proc/PID/status)', () => {
	test('read for the first 500 owners in the order ss lists them; the listeners after the 500th new owner keep none', async () => {
		const rows = Array.from({length: 620}, (_, index) => ({
			// Pids 1..600, then five that were seen before the cut and would have a user.
			pid: index < 600 ? index + 1 : index - 599,
			port: 10_000 + index,
		}));
		const text = rows
			.map(
				(r, index) =>
					`LISTEN 0 511 0.0.0.0:${r.port} 0.0.0.0:* users:(("app",pid=${r.pid},fd=3)) ino:${index + 1} sk:1 <->`,
			)
			.join('\n');
		const files: Record<string, string> = {
			'/etc/passwd': 'root:x:0:0::/:/bin/sh\nalice:x:1000:1000::/:/bin/sh\n',
		};
		for (let pid = 1; pid <= 600; pid++) {
			files[`/proc/${pid}/status`] =
				`Name:\tapp\nUid:\t1000\t1000\t1000\t1000\n`;
		}

		const fake = createFakeIo({
			commands: [{match: 'ss -Htlnpe', stdout: text}],
			files,
		});
		const read: string[] = [];
		const io = {
			...fake,
			async readFile(path: string) {
				read.push(path);
				return fake.readFile(path);
			},
		};
		const context: CheckContext = {
			target: {input: 'x:10000', host: '127.0.0.1', port: 10_000},
			facts: {},
			answers: {},
			io,
			signal: new AbortController().signal,
			timeoutMs: 1000,
			onCommand() {},
			onLine() {},
		};
		const {facts} = await listenersCheck(context);
		const inventory = facts?.listeners?.listeners;
		const user = (port: number) => inventory?.onPort(port)[0]?.process?.user;
		expect(user(10_000)).toBe('alice');
		expect(user(10_499)).toBe('alice');
		expect(user(10_500)).toBeUndefined();
		expect(user(10_605)).toBeUndefined();
		expect(inventory?.onPort(10_000)[0]?.uid).toBe(0);
		// Only the first 500 owners' status files were read.
		expect(read.filter(path => path.endsWith('/status'))).toHaveLength(500);
	});
});
