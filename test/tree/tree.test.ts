import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {runs} from '../../source/checks/registry.js';
import {tree, validateTree} from '../../source/tree/index.js';
import {causeIds, causes} from '../../source/tree/causes.js';
import {schemaErrors} from '../helpers/schema.js';

const schema = JSON.parse(
	readFileSync(
		new URL('../../schema/report.schema.json', import.meta.url),
		'utf8',
	),
) as {
	definitions: {causeId: {enum: string[]}};
};

describe('the tree', () => {
	test('is valid: every check has an implementation, texts, and earlier prerequisites', () => {
		expect(validateTree(tree, new Set(Object.keys(runs)))).toEqual([]);
	});

	test('validation catches authoring mistakes', () => {
		const broken = {
			...tree,
			checks: [
				...tree.checks,
				{
					...tree.checks[0]!,
					id: 'ghost',
					after: ['nowhere'],
					awaits: ['later'],
				},
			],
		};
		expect(validateTree(broken, new Set(Object.keys(runs)))).toEqual([
			'check ghost runs after nowhere, which is not an earlier check',
			'check ghost runs after later, which is not an earlier check',
			'check ghost has no implementation in checks/',
		]);
	});

	test('the public cause ids are the ones in the schema', () => {
		expect(schema.definitions.causeId.enum).toEqual([...causeIds]);
	});

	test('the README cause table is the registry, row for row (npm run readme regenerates it)', () => {
		const readme = readFileSync(
			new URL('../../README.md', import.meta.url),
			'utf8',
		);
		const table = /<!-- causes -->\n([\s\S]*?)\n<!-- \/causes -->/.exec(
			readme,
		)?.[1];
		expect(table?.split('\n').slice(2)).toEqual(
			causes.map(cause => `| \`${cause.id}\` | ${cause.title} |`),
		);
	});

	test('every cause is concluded by at least one check of the tree, and names only checks', () => {
		const ids = new Set(tree.checks.map(node => node.id));
		for (const cause of causes) {
			expect(cause.concludedBy.length, cause.id).toBeGreaterThan(0);
			for (const id of cause.concludedBy) {
				expect(ids.has(id), `${cause.id} names ${id}`).toBe(true);
			}
		}
	});

	test('validation catches a cause no check concludes and a check that declares no writes', () => {
		const orphan = {...causes[0]!, concludedBy: ['nowhere']};
		const silent = {...tree.checks[0]!, writes: undefined};
		expect(
			validateTree(
				{
					...tree,
					checks: [silent, ...tree.checks.slice(1)],
					causes: [orphan, ...causes.slice(1)],
				},
				new Set(Object.keys(runs)),
			),
		).toEqual([
			`cause ${orphan.id} is concluded by no check of the tree`,
			`cause ${orphan.id} names nowhere, which is not a check`,
			`check ${silent.id} does not declare the facts it writes`,
		]);
	});

	test('every cause a cause refines is in the registry, and not itself', () => {
		const ids = new Set<string>(causeIds);
		for (const cause of causes) {
			for (const refined of cause.refines ?? []) {
				expect(ids.has(refined), `${cause.id} refines ${refined}`).toBe(true);
				expect(refined).not.toBe(cause.id);
			}
		}
	});

	test('the ranks are 1..n, each once, in registry order', () => {
		expect(causes.map(cause => cause.rank)).toEqual(
			causes.map((_cause, index) => index + 1),
		);
	});

	test("the README's JSON example is a valid report", () => {
		const readme = readFileSync(
			new URL('../../README.md', import.meta.url),
			'utf8',
		);
		const example = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
		expect(example).toBeDefined();
		expect(schemaErrors(JSON.parse(example!))).toEqual([]);
	});
});
