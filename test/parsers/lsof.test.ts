import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {parseLsofListeners} from '../../source/parsers/lsof.js';
import {inputs, runs, seed} from '../helpers/fuzz.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/lsof/${name}`, import.meta.url), 'utf8');

describe('parseLsofListeners on real lsof 4.95 output (namespace srvcap)', () => {
	const {listeners, unparsed} = parseLsofListeners(fixture('mixed-root.txt'));
	const at = (port: number) => listeners.find(l => l.port === port);

	test('one listener per socket, processes merged (nginx master and worker)', () => {
		expect(unparsed).toEqual([]);
		expect(listeners).toHaveLength(12);
		expect(at(8081)?.processes).toEqual([
			{name: 'nginx', pid: 5010, user: 'root'},
			{name: 'nginx', pid: 5013, user: 'nobody'},
		]);
		expect(at(5432)?.process).toEqual({
			name: 'postgres',
			pid: 5012,
			user: 'postgres',
		});
	});

	test('"*" by TYPE, v4-mapped shown as IPv4 with TYPE IPv6, brackets removed', () => {
		expect(at(8080)).toMatchObject({address: '0.0.0.0', family: 4});
		expect(at(9000)).toMatchObject({address: '::', family: 6});
		expect(at(9000)?.v6only).toBeUndefined();
		expect(at(9090)).toMatchObject({address: '::ffff:127.0.0.1', family: 6});
		expect(at(5173)).toMatchObject({address: '::1', family: 6});
		expect(at(7001)).toMatchObject({
			address: 'fe80::e066:f6ff:fe82:3020',
			family: 6,
		});
	});

	test("not root: only the caller's own process", () => {
		const own = parseLsofListeners(fixture('mixed-nobody.txt'));
		expect(own.listeners.map(l => l.port)).toEqual([8081, 8082]);
	});
});

describe('fuzz', () => {
	test(`property: random and damaged lsof output never throws (${runs} cases, seed ${seed})`, () => {
		const captures = [fixture('mixed-root.txt'), fixture('mixed-nobody.txt')];
		fc.assert(
			fc.property(inputs(captures), text => {
				for (const listener of parseLsofListeners(text).listeners) {
					expect(Number.isInteger(listener.port)).toBe(true);
				}
			}),
			{numRuns: runs, seed},
		);
	});
});
