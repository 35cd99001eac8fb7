/**
Layers import one way. Counted from the import (and re-export) lines of every file in source/:
an arrow between two top-level folders that the table below does not allow fails, unless the file
is in the short list of known exceptions (each owned by a helper, with a TODO; the lead empties the
list after merging).
*/
import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';

const source = fileURLToPath(new URL('../../source', import.meta.url));

/** Which layers each layer may import ("root" is source/*.ts*: the composition roots). */
const allowed: Readonly<Record<string, readonly string[]>> = {
	tree: [],
	text: [],
	net: ['text'],
	engine: ['tree'],
	parsers: ['net', 'text', 'tree'],
	model: ['parsers', 'net', 'text', 'tree'],
	services: ['parsers', 'net', 'text', 'tree'],
	// A proxy dialect (source/proxies/) is the measuring side of the proxy checks: it reads a config through Io.
	proxies: ['tree', 'parsers', 'model', 'net', 'text'],
	checks: ['tree', 'parsers', 'model', 'services', 'proxies', 'net', 'text'],
	report: ['engine', 'tree', 'text', 'net'],
	ui: ['engine', 'tree', 'report', 'text', 'net'],
	// Labs (source/labs/) build real broken situations and read the cause registry's titles.
	labs: ['tree', 'text', 'net', 'checks'],
	// --via: the server's Io over SSH (an Io like checks/io.ts) and the join of two walks' reports.
	via: ['checks', 'engine', 'parsers', 'report', 'tree', 'text', 'net'],
	root: [
		'checks',
		'engine',
		'parsers',
		'report',
		'tree',
		'text',
		'net',
		'ui',
		'labs',
		'via',
	],
};

/** The one hook reaches checks/ (to bind them to Io) and the composition root (practice). */
const hook = 'ui/use-walk.ts';
const hookMay = new Set(['checks', 'parsers', 'root']);

/** Type-only arrows that are allowed: a proxy dialect measures through the checks' Io and context types. */
const typesMay: Readonly<Record<string, readonly string[]>> = {
	proxies: ['checks'],
	// The lab screens show what the labs layer scores: its types only (the composition root wires them).
	ui: ['labs'],
};

/** Known arrows against the layers, file -> layer: none left. */
const exceptions: ReadonlyArray<readonly [string, string]> = [];

function files(directory: string): string[] {
	return readdirSync(directory).flatMap(name => {
		const full = path.join(directory, name);
		if (statSync(full).isDirectory()) {
			return files(full);
		}

		return /\.tsx?$/.test(name) ? [full] : [];
	});
}

const layerOf = (file: string) => {
	const parts = path.relative(source, file).split(path.sep);
	return parts.length === 1 ? 'root' : parts[0]!;
};

type Arrow = {
	readonly file: string;
	readonly from: string;
	readonly to: string;
	readonly typeOnly?: boolean;
};

/** Every import of another layer, from the import and export ... from lines. */
function arrows(): Arrow[] {
	return files(source).flatMap(file => {
		const text = readFileSync(file, 'utf8');
		const from = layerOf(file);
		return [
			...text.matchAll(
				/^(?:import|export)\b(\s+type\b)?[^;]*?\bfrom\s+'(\.[^']+)'/gm,
			),
		].flatMap(([, type, specifier]) => {
			const to = layerOf(path.resolve(path.dirname(file), specifier!));
			return to === from
				? []
				: [
						{
							file: path.relative(source, file),
							from,
							to,
							typeOnly: Boolean(type),
						},
					];
		});
	});
}

/** The arrows that break the rules, as "file -> layer". */
function forbidden(list: readonly Arrow[]): string[] {
	const wrong = list
		.filter(({file, from, to, typeOnly}) => {
			if (allowed[from]?.includes(to)) {
				return false;
			}

			if (typeOnly && typesMay[from]?.includes(to)) {
				return false;
			}

			if (file === hook && hookMay.has(to)) {
				return false;
			}

			return !exceptions.some(([f, layer]) => f === file && layer === to);
		})
		.map(({file, to}) => `${file} -> ${to}`);
	return [...new Set(wrong)];
}

describe('layers', () => {
	test('imports go one way (known exceptions aside, each with an owner)', () => {
		expect(forbidden(arrows())).toEqual([]);
	});

	test('the rule catches arrows against the layers', () => {
		expect(
			forbidden([
				{file: 'engine/x.ts', from: 'engine', to: 'checks'},
				{file: 'ui/app.tsx', from: 'ui', to: 'checks'},
				{file: 'tree/y.ts', from: 'tree', to: 'engine'},
				{file: 'ui/use-walk.ts', from: 'ui', to: 'checks'},
				{file: 'checks/z.ts', from: 'checks', to: 'parsers'},
			]),
		).toEqual([
			'engine/x.ts -> checks',
			'ui/app.tsx -> checks',
			'tree/y.ts -> engine',
		]);
	});

	test('the engine imports only tree/', () => {
		expect(
			new Set(
				arrows()
					.filter(arrow => arrow.from === 'engine')
					.map(arrow => arrow.to),
			),
		).toEqual(new Set(['tree']));
	});
});
