import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {runs} from '../../source/checks/registry.js';
import {tree, validateTree} from '../../source/tree/index.js';
import {causeIds} from '../../source/tree/types.js';
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
				{...tree.checks[0]!, id: 'ghost', after: ['nowhere']},
			],
		};
		expect(validateTree(broken, new Set(Object.keys(runs)))).toEqual([
			'check ghost runs after nowhere, which is not an earlier check',
			'check ghost has no implementation in checks/',
		]);
	});

	test('the public cause ids are the ones in the schema', () => {
		expect(schema.definitions.causeId.enum).toEqual([...causeIds]);
	});

	test('the README lists every cause id with its line', () => {
		const readme = readFileSync(
			new URL('../../README.md', import.meta.url),
			'utf8',
		);
		for (const cause of tree.causes) {
			expect(readme).toContain(`| \`${cause.id}\` | ${cause.title} |`);
		}
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
