import {describe, expect, test} from 'vitest';
import {reduce, startSession} from '../../source/engine/session.js';
import type {CheckResult} from '../../source/tree/types.js';
import {keptResult} from '../../source/ui/rerun.js';
import {finish} from '../helpers/nodes.js';
import {smallTree} from './small-tree.js';

const target = {input: '127.0.0.1:5432', host: '127.0.0.1', port: 5432};

const probe = (outcome: 'refused' | 'open', ms: number): CheckResult => ({
	status: outcome === 'open' ? 'passed' : 'problem',
	detail: outcome,
	facts: {
		probe: {
			outcome,
			address: '127.0.0.1',
			ms,
			addresses: [
				{
					address: '127.0.0.1',
					family: 4,
					source: 'literal',
					outcome,
					ms,
					code: 'x',
				},
			],
		},
	},
});

describe('keptResult: what a rerun keeps', () => {
	const listener = smallTree.checks.find(node => node.id === 'listener')!;
	const probeNode = smallTree.checks.find(node => node.id === 'probe')!;
	let first = startSession(smallTree, target, {
		interactive: false,
		answers: {proxy: 'no'},
	});
	first = finish(first, 'probe', probe('refused', 2));
	first = finish(first, 'listener', {
		status: 'problem',
		detail: 'nothing listens',
	});

	test('the probe always runs again', () => {
		const next = reduce(first, {type: 'rerun'});
		expect(keptResult(first, next, probeNode)).toBeUndefined();
	});

	test('a step whose inputs are the same keeps its result (times are not inputs)', () => {
		const next = finish(
			reduce(first, {type: 'rerun'}),
			'probe',
			probe('refused', 9),
		);
		expect(keptResult(first, next, listener)).toEqual({
			status: 'problem',
			detail: 'nothing listens',
		});
	});

	test('a step whose input changed runs again; so does one whose answer changed', () => {
		const opened = finish(
			reduce(first, {type: 'rerun'}),
			'probe',
			probe('open', 2),
		);
		expect(keptResult(first, opened, listener)).toBeUndefined();
		const answered = reduce(
			finish(reduce(first, {type: 'rerun'}), 'probe', probe('refused', 2)),
			{type: 'answered', key: 'proxy', value: 'yes'},
		);
		expect(keptResult(first, answered, listener)).toBeUndefined();
		expect(keptResult(undefined, answered, listener)).toBeUndefined();
	});
});
