/**
The quick ss scan (`scanSsListeners`) against the careful parse (`parseSsListeners`): the same
listeners, in the same order, the same unread lines, and the same answers to every inventory lookup,
on the captured fixtures, on hand-made odd lines, and on random damage.
*/
import {readdirSync, readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {listenerList} from '../../source/parsers/listeners.js';
import {parseSsListeners, scanSsListeners} from '../../source/parsers/ss.js';
import type {Listener, Listeners} from '../../source/tree/facts.js';
import {inputs, runs, seed} from '../helpers/fuzz.js';

const folder = new URL('../fixtures/ss/', import.meta.url);
const read = (name: string) => {
	const bytes = readFileSync(new URL(name, folder));
	return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};

const captures = readdirSync(folder)
	.filter(name => /\.txt(\.gz)?$/.test(name))
	.map(name => [name, read(name)] as const);

const names = (l: Listener) =>
	(l.processes ?? (l.process ? [l.process] : [])).map(p => p.name);

/** Every answer of the inventory, as the careful parse's array gives it. */
function expectSame(inventory: Listeners, listeners: readonly Listener[]) {
	expect(inventory.count).toBe(listeners.length);
	expect(inventory.all()).toEqual(listeners);
	const ports = [...new Set(listeners.map(l => l.port))];
	expect(inventory.ports()).toEqual(ports);
	for (const port of [...ports, 0, 4, 65_535, 70_000]) {
		expect(inventory.onPort(port)).toEqual(
			listeners.filter(l => l.port === port),
		);
	}

	expect(inventory.allOwned()).toBe(listeners.every(l => l.process));
	const wanted = [
		...new Set(listeners.flatMap(l => names(l))),
		'postgres',
		'nginx',
		'na"me',
	];
	for (const name of wanted) {
		expect(inventory.named([name])).toEqual(
			listeners.filter(l => names(l).includes(name)),
		);
	}

	expect(inventory.named(wanted)).toEqual(
		listeners.filter(l => names(l).some(n => wanted.includes(n))),
	);
}

function expectScanned(text: string) {
	const careful = parseSsListeners(text);
	const quick = scanSsListeners(text);
	expect(quick.unparsed).toBe(careful.unparsed.length);
	expectSame(quick.listeners, careful.listeners);
}

describe('scanSsListeners reads what parseSsListeners reads', () => {
	test.each(captures)('%s (captured)', (_, text) => {
		expectScanned(text);
	});

	test('plain lines take the quick scan; odd ones the careful parse', () => {
		const careful = (text: string) => scanSsListeners(text).careful;
		for (const [name, text] of captures) {
			expect(careful(text), name).toBe(name.startsWith('hostile-') ? 2 : 0);
		}

		expect(careful(plain)).toBe(0);
		expect(careful(odd.slice(0, 4).join('\n'))).toBe(1);
		expect(
			careful(plain.replace('"nginx",pid=5013', '"ng"inx",pid=5013')),
		).toBe(1);
	});

	test('the same inventory over listeners already built (listenerList)', () => {
		for (const [, text] of captures) {
			const {listeners} = parseSsListeners(text);
			expectSame(listenerList(listeners), listeners);
		}
	});

	const plain =
		'LISTEN 0      511          0.0.0.0:8080      0.0.0.0:*    users:(("nginx",pid=5013,fd=4),("nginx",pid=5010,fd=4)) ino:40001 sk:1 cgroup:/x <->';
	const odd = [
		plain,
		`${plain}             `,
		`${plain}\r`,
		`   ${plain}`,
		plain.replace('LISTEN 0 ', 'LISTEN\t0 '),
		plain.replace('0.0.0.0:8080 ', '0.0.0.0:8080\u00A0'),
		plain.replace('"nginx",pid=5013', '"ng"inx",pid=5013'),
		plain.replace('"nginx",pid=5013', '"x\\",pid=1,fd=1",pid=5013'),
		plain.replace('"nginx",pid=5013', '"a b ino:7 v6only:1",pid=5013'),
		plain.replace('"nginx",pid=5013', '"a\u2028b",pid=5013'),
		plain.replace('"nginx",pid=5013', '"",pid=5013'),
		plain.replace('users:(("nginx",pid=5013,fd=4),', 'users:(('),
		plain.replace(',("nginx",pid=5010,fd=4))', ')'),
		plain.replace('fd=4))', 'fd=4)'),
		plain.replace('fd=4)) ino', 'fd=4))ino'),
		plain.replace('users:((', 'users:(()'),
		plain.replace('users:((', 'users:'),
		plain.replace(' ino:40001', ' users:(("x",pid=1,fd=1)) ino:40001'),
		plain.replace('pid=5013', 'pid=99999999999'),
		plain.replace('fd=4)', 'fd=)'),
		plain.replace('0.0.0.0:8080', '[::]:8080'),
		plain.replace('0.0.0.0:8080', '*:8080'),
		plain.replace('0.0.0.0:8080', '[fe80::1]%eth0:8080'),
		plain.replace('0.0.0.0:8080', '127.0.0.53%lo:53'),
		plain.replace('0.0.0.0:8080', '[::ffff:127.0.0.1]:9090'),
		plain.replace('0.0.0.0:8080', '0.0.0.0:99999'),
		plain.replace('0.0.0.0:8080', '0.0.0.0:0080'),
		plain.replace('0.0.0.0:8080', '0.0.0.0:*'),
		plain.replace('0.0.0.0:8080', ':8080'),
		plain.replace('0.0.0.0:8080', '8080'),
		plain.replace('0.0.0.0:8080', '0.0.0.0:80*80'),
		plain.replace('0.0.0.0:8080', 'users:((:80'),
		plain.replace('LISTEN 0      511', 'LISTEN 1:2 1:2'),
		plain.replace('LISTEN 0      511', 'LISTEN x y'),
		plain.replace('LISTEN', 'tcp   LISTEN'),
		plain.replace('LISTEN', 'ESTAB'),
		plain.replace(/ {4}0\.0\.0\.0:\*.*$/, ''),
		'LISTEN 0 128 0.0.0.0:22 0.0.0.0:*',
		'LISTEN     0      128          *:22                       *:*',
		'LISTEN 0 4096 [::]:22 [::]:* users:(("sshd",pid=1,fd=3)) ino:1 sk:2 v6only:1 <->',
		'LISTEN 0 4096 127.0.0.1:5432 0.0.0.0:* uid:101 ino:7 sk:3 <->',
		'State Recv-Q Send-Q Local Address:Port Peer Address:Port',
		'Netid State Recv-Q',
		'',
		'   ',
		'something else',
		'\u0000\u0001LISTEN\u00FF',
	];

	test.each(odd.map(line => [JSON.stringify(line)]))('%s', line => {
		const text = JSON.parse(line) as string;
		expectScanned(text);
		expectScanned(`${text}\n`);
		expectScanned(`${plain}\n${text}\n${plain.replace('8080', '8081')}`);
	});

	test(`property: random lines and damaged captures give the same inventory (${runs / 4} cases, seed ${seed})`, () => {
		const pieces = fc.constantFrom(...odd);
		fc.assert(
			fc.property(
				fc.oneof(
					inputs(
						captures
							.filter(([name]) => !name.startsWith('many-'))
							.map(([, text]) => text),
					),
					fc.array(pieces, {maxLength: 12}).map(lines => lines.join('\n')),
				),
				text => {
					expectScanned(text);
				},
			),
			{seed, numRuns: runs / 4},
		);
	});
});
