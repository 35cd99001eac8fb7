/**
The tree's shape (tree/shape.ts) and the `--tree` chart drawn from it: the shape places every check
and question of the real tree exactly once, and the chart shows every check, question and cause,
within 80 columns; with a session, the path of the diagnosis is marked.
*/
import {describe, expect, test} from 'vitest';
import {reduce, startSession} from '../../source/engine/session.js';
import {renderChart, treeChart} from '../../source/report/chart.js';
import {tree} from '../../source/tree/index.js';
import {shape, shapeProblems, type TreeShape} from '../../source/tree/shape.js';
import type {Tree} from '../../source/tree/types.js';

const width = (line: string) => [...line].length;

describe('the tree shape', () => {
	test('places every check and question of the tree exactly once', () => {
		expect(shapeProblems(shape, tree)).toEqual([]);
	});

	test('names what is missing, unknown or twice', () => {
		const extra: Tree = {
			...tree,
			checks: [...tree.checks, {...tree.checks[0]!, id: 'new-check'}],
		};
		expect(shapeProblems(shape, extra)).toEqual([
			'check new-check has no place in tree/shape.ts',
		]);
		const twice: TreeShape = {
			...shape,
			trunk: [
				...shape.trunk,
				{check: 'resolve', label: 'again'},
				{check: 'nope', label: 'x'},
			],
		};
		expect(shapeProblems(twice, tree)).toEqual([
			'the shape places resolve twice',
			'the shape places nope, which is not a check of the tree',
		]);
		const noQuestion: TreeShape = {
			...shape,
			branches: shape.branches.map(branch => ({
				...branch,
				items: branch.items.filter(item => item.kind === 'check'),
			})),
		};
		expect(shapeProblems(noQuestion, tree)).toEqual(
			tree.questions.map(
				q => `question ${q.key} has no place in tree/shape.ts`,
			),
		);
	});
});

describe('refused --tree', () => {
	const chart = renderChart(tree);
	const lines = chart.split('\n');

	test('fits 80 columns', () => {
		for (const line of lines) {
			expect(width(line), line).toBeLessThanOrEqual(80);
		}
	});

	test('shows every check, every question with its choices, every cause', () => {
		const text = chart.replaceAll(/\n[│├└ ]*/g, ' ');
		for (const node of tree.checks) {
			expect(chart, node.id).toContain(`${node.id}: `);
			expect(text, node.id).toContain(node.title);
		}

		for (const question of tree.questions) {
			expect(chart).toContain(`? ${question.key}: `);
			expect(text).toContain(question.prompt);
		}

		// A long list of causes wraps after a comma onto a continuation line: join those first.
		const joined = chart.replaceAll(/,\n[│ ]+/g, ', ');
		for (const cause of tree.causes) {
			expect(joined, cause.id).toMatch(new RegExp(`⇒ (?:.*, )?${cause.id}\\b`));
		}

		for (const branch of shape.branches) {
			expect(chart).toContain(`${branch.label}: when `);
		}
	});

	test('fails when a node is missing from the chart (a tree with a new check shows it)', () => {
		const extra: Tree = {
			...tree,
			checks: [
				...tree.checks,
				{...tree.checks[0]!, id: 'brand-new', title: 'A brand new step'},
			],
		};
		expect(renderChart(extra)).toContain('brand-new: A brand new step');
	});

	test('ASCII: no Unicode guides', () => {
		const ascii = renderChart(tree, {ascii: true});
		expect(ascii).not.toMatch(/[├└│⇒»]/);
		expect(ascii).toContain('|- resolve: ');
	});

	test('with a session, the path of the diagnosis is marked', () => {
		let session = startSession(
			tree,
			{input: '127.0.0.1:5', host: '127.0.0.1', port: 5},
			{interactive: false},
		);
		for (const id of ['resolve', 'probe']) {
			session = reduce(session, {type: 'started', id, generation: 0});
			session = reduce(session, {
				type: 'finished',
				id,
				generation: 0,
				result: {status: id === 'probe' ? 'problem' : 'passed', detail: 'x'},
			});
		}

		const marked = treeChart(tree, {session});
		expect(marked[0]).toBe('» 127.0.0.1:5');
		expect(marked).toContain('» ├─ probe: Connect to each address');
		expect(marked).toContain('  ├─ local: Is the target this host?');
		for (const line of marked) {
			expect(width(line), line).toBeLessThanOrEqual(80);
		}
	});
});
