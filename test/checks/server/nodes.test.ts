import {describe, expect, test} from 'vitest';
import {listenerList} from '../../../source/parsers/listeners.js';
import type {Facts} from '../../../source/tree/facts.js';
import {
	serverApplies,
	serverChecks,
} from '../../../source/tree/nodes/server.js';

const probe = (outcomes: Array<'open' | 'refused'>): Facts['probe'] => ({
	outcome: outcomes[0] ?? 'refused',
	address: '10.0.0.5',
	ms: 1,
	addresses: outcomes.map((outcome, index) => ({
		address: `10.0.0.${5 + index}`,
		family: 4,
		source: 'dns',
		outcome,
		ms: 1,
		code: outcome === 'open' ? 'connect' : 'ECONNREFUSED',
	})),
});
const local = {
	addresses: ['10.0.0.5'],
	isLocal: true,
	localTargets: ['10.0.0.5'],
	hostname: 'h',
};
const node = (id: string) => serverChecks.find(n => n.id === id)!;

describe('server tree nodes: when they run, and the reason when they do not', () => {
	test('not this host: every server step skips, saying why', () => {
		const facts: Facts = {
			probe: probe(['refused']),
			local: {...local, isLocal: false},
		};
		for (const check of serverChecks) {
			expect(check.when(facts, {})).toMatch(/not this host/);
		}
	});

	test('open on every address: listeners still run (other areas use them), the rest skip', () => {
		const facts: Facts = {probe: probe(['open', 'open']), local};
		expect(node('listeners').when(facts, {})).toBe(true);
		expect(serverApplies(facts)).toBe(
			'every address accepted the connection: something listens there',
		);
		expect(node('bind').when(facts, {})).toBe(
			'every address accepted the connection: something listens there',
		);
	});

	test('one address refused: the analysis runs; the service step only when nothing listens on the port', () => {
		const base: Facts = {
			target: {input: 'x:5432', host: 'x', port: 5432},
			probe: probe(['open', 'refused']),
			local,
		};
		expect(node('bind').when(base, {})).toBe(true);
		const listening: Facts = {
			...base,
			listeners: {
				source: 'ss',
				command: 'ss',
				processesVisible: true,
				listeners: listenerList([{address: '10.0.0.5', port: 5432, family: 4}]),
			},
		};
		expect(node('service-state').when(listening, {})).toBe(
			'something listens on port 5432: the service runs',
		);
		const nothing: Facts = {
			...base,
			listeners: {
				source: 'ss',
				command: 'ss',
				processesVisible: true,
				listeners: listenerList([]),
			},
		};
		expect(node('service-state').when(nothing, {})).toBe(true);
		expect(node('service-state').when(base, {})).toBe(
			'the listeners could not be read',
		);
	});
});
