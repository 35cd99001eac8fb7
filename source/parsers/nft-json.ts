/**
Parse `nft -j list ruleset` (libnftables JSON schema 1) into tables, chains, rules and named
sets, and `nft -a list ruleset` (text with handles) into the printed text of each rule, for
evidence (`nftRuleTextsOnUse`: only when a text is first asked for). Pure: rule expressions are
kept as JSON, the evaluator reads them.
*/
import {isObject, type Json} from '../text/json.js';

export type NftValue = unknown;

export type NftChain = {
	readonly family: string;
	readonly table: string;
	readonly name: string;
	readonly handle: number;
	/** Base chains only. */
	readonly type?: string;
	readonly hook?: string;
	readonly prio?: number;
	readonly policy?: string;
	readonly dev?: string;
};

export type NftRule = {
	readonly family: string;
	readonly table: string;
	readonly chain: string;
	readonly handle: number;
	readonly comment?: string;
	readonly expr: readonly NftValue[];
};

export type NftSet = {
	readonly family: string;
	readonly table: string;
	readonly name: string;
	readonly type: unknown;
	/** Elements as JSON (values, prefixes, ranges, {elem: {val}}); empty when the set is empty. */
	readonly elem: readonly NftValue[];
	/** A verdict map (`map` with verdicts) rather than a set. */
	readonly isMap: boolean;
};

export type NftRuleset = {
	readonly version?: string;
	readonly tables: ReadonlyArray<{
		readonly family: string;
		readonly name: string;
		readonly handle: number;
	}>;
	readonly chains: readonly NftChain[];
	readonly rules: readonly NftRule[];
	readonly sets: readonly NftSet[];
};

function text(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

function number(value: unknown): number {
	return typeof value === 'number' ? value : Number.NaN;
}

function optionalText<K extends string>(
	object: Json,
	key: K,
): Partial<Record<K, string>> {
	const value = object[key];
	const found: Partial<Record<K, string>> = {};
	if (typeof value === 'string') {
		found[key] = value;
	}

	return found;
}

function parseChain(chain: Json): NftChain {
	return {
		family: text(chain['family']),
		table: text(chain['table']),
		name: text(chain['name']),
		handle: number(chain['handle']),
		...optionalText(chain, 'type'),
		...optionalText(chain, 'hook'),
		...(typeof chain['prio'] === 'number' ? {prio: chain['prio']} : {}),
		...optionalText(chain, 'policy'),
		...optionalText(chain, 'dev'),
	};
}

function parseRule(rule: Json): NftRule {
	return {
		family: text(rule['family']),
		table: text(rule['table']),
		chain: text(rule['chain']),
		handle: number(rule['handle']),
		...optionalText(rule, 'comment'),
		expr: Array.isArray(rule['expr']) ? (rule['expr'] as unknown[]) : [],
	};
}

function parseSet(set: Json, isMap: boolean): NftSet {
	const elem = set['elem'];
	return {
		family: text(set['family']),
		table: text(set['table']),
		name: text(set['name']),
		type: set['type'],
		elem: Array.isArray(elem) ? (elem as unknown[]) : [],
		isMap,
	};
}

type Mutable = {
	tables: Array<NftRuleset['tables'][number]>;
	chains: NftChain[];
	rules: NftRule[];
	sets: NftSet[];
	version?: string;
};

function addItem(item: Json, into: Mutable): void {
	const {metainfo, table, chain, rule} = item;
	const set = item['set'] ?? item['map'];
	if (isObject(metainfo)) {
		into.version = text(metainfo['version']) || undefined;
	} else if (isObject(table)) {
		into.tables.push({
			family: text(table['family']),
			name: text(table['name']),
			handle: number(table['handle']),
		});
	} else if (isObject(chain)) {
		into.chains.push(parseChain(chain));
	} else if (isObject(rule)) {
		into.rules.push(parseRule(rule));
	} else if (isObject(set)) {
		into.sets.push(parseSet(set, item['map'] !== undefined));
	}
}

/** Throws on text that is not nft's JSON (the caller shows the error as "could not read"). */
export function parseNftJson(input: string): NftRuleset {
	const document: unknown = JSON.parse(input);
	if (!isObject(document) || !Array.isArray(document['nftables'])) {
		throw new Error('not nft JSON: no "nftables" array');
	}

	const into: Mutable = {tables: [], chains: [], rules: [], sets: []};
	for (const item of document['nftables'] as unknown[]) {
		if (isObject(item)) {
			addItem(item, into);
		}
	}

	const {version, tables, chains, rules, sets} = into;
	return {...(version ? {version} : {}), tables, chains, rules, sets};
}

/** Key of a rule in `nftRuleTexts`. */
export function nftRuleKey(
	family: string,
	table: string,
	chain: string,
	handle: number,
): string {
	return `${family} ${table} ${chain} ${handle}`;
}

/**
The printed text of each rule in `nft -a list ruleset` (without the "# handle N" suffix), by
`nftRuleKey`. Counter values are left as printed.
*/
export function parseNftRuleTexts(input: string): Map<string, string> {
	const texts = new Map<string, string>();
	let table: {family: string; name: string} | undefined;
	let chain: string | undefined;
	let depth = 0;
	for (const raw of input.split('\n')) {
		const line = raw.trim();
		const tableLine = /^table (\S+) (\S+) {/.exec(line);
		if (tableLine && depth === 0) {
			table = {family: tableLine[1]!, name: tableLine[2]!};
			depth = 1;
			continue;
		}

		const chainLine = /^chain (\S+) {/.exec(line);
		if (chainLine && depth === 1) {
			chain = chainLine[1];
			depth = 2;
			continue;
		}

		if (
			/^(?:set|map|flowtable|counter|quota|ct|limit|secmark|synproxy) .*{/.test(
				line,
			) &&
			depth === 1
		) {
			depth = 2;
			chain = undefined;
			continue;
		}

		if (line.startsWith('}')) {
			depth = Math.max(0, depth - 1);
			if (depth < 2) {
				chain = undefined;
			}

			if (depth === 0) {
				table = undefined;
			}

			continue;
		}

		const handle = /^(.*?)\s*# handle (\d+)$/.exec(line);
		if (handle && table && chain && depth === 2) {
			texts.set(
				nftRuleKey(table.family, table.name, chain, Number(handle[2])),
				handle[1]!,
			);
		}
	}

	return texts;
}

/** A map made on first use. */
class MadeOnUse<K, V> implements ReadonlyMap<K, V> {
	readonly #make: () => ReadonlyMap<K, V>;
	#made: ReadonlyMap<K, V> | undefined;

	constructor(make: () => ReadonlyMap<K, V>) {
		this.#make = make;
	}

	get size(): number {
		return this.#map().size;
	}

	get(key: K): V | undefined {
		return this.#map().get(key);
	}

	has(key: K): boolean {
		return this.#map().has(key);
	}

	entries(): MapIterator<[K, V]> {
		return this.#map().entries();
	}

	keys(): MapIterator<K> {
		return this.#map().keys();
	}

	values(): MapIterator<V> {
		return this.#map().values();
	}

	forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
		for (const [key, value] of this.#map()) {
			callback(value, key, this);
		}
	}

	[Symbol.iterator](): MapIterator<[K, V]> {
		return this.#map().entries();
	}

	#map(): ReadonlyMap<K, V> {
		this.#made ??= this.#make();
		return this.#made;
	}
}

/**
`parseNftRuleTexts`, run when a text is first asked for: the texts only name the rules a decision
shows (a walk that ends on a chain's policy asks for none), and reading every line of a
10,000-rule `nft -a` dump is most of its cost.
*/
export function nftRuleTextsOnUse(input: string): ReadonlyMap<string, string> {
	return new MadeOnUse(() => parseNftRuleTexts(input));
}
