/**
The pieces every service's config reader is made of (pure): a line scanner driven by a small table
(the setting pattern, includes, sections, where to stop), the command-line option reader, and what
the lines say in the end. Each service's own table lives in its module (source/services/*.ts).
*/
import type {ConfigLine} from '../tree/facts.js';
import {shellQuote} from '../text/sanitize.js';

export type ConfigParse = {
	readonly lines: ConfigLine[];
	/** Include patterns to follow (absolute, or relative to the including file's folder). */
	readonly includes: string[];
};

/** What one setting says: a port, or the addresses it binds (undefined: nothing about listening). */
export type SettingValue =
	| {readonly key?: string; readonly port: number}
	| {
			readonly key?: string;
			readonly addresses: readonly string[];
			readonly port?: number;
	  }
	| undefined;

/** One line-oriented config syntax, as data. */
export type LineSyntax = {
	/** A setting line: group 1 the comment mark (optional), 2 the key, 3 the value. */
	readonly setting: RegExp;
	/** Keys (from `setting`) that include other files: their value is a pattern. */
	readonly includeKey?: RegExp;
	/** A line of its own that includes files (group 1: the pattern). */
	readonly includeLine?: RegExp;
	/** Turn an include into the pattern to read (a folder into its files). */
	readonly includePattern?: (key: string, value: string) => string;
	/** Sections: a header line (group 1: the name) and the sections the server reads. */
	readonly section?: {readonly header: RegExp; readonly keep: RegExp};
	/** Stop reading at this line (sshd `Match`: what follows is conditional). */
	readonly stop?: RegExp;
	/** Keep a commented setting only when its value looks like a shipped default, not prose. */
	readonly commentedDefault?: RegExp;
	/** What a key's value says (default: `port` keys a number, others a list of addresses). */
	readonly value?: (key: string, value: string) => SettingValue;
};

export function unquote(value: string): string {
	return value.trim().replace(/^(["'])(.*)\1$/, '$2');
}

/** "a, b c" and "-::1" (Redis: optional address) → ["a", "b", "c"], ["::1"]. */
export function splitList(value: string): string[] {
	return unquote(value)
		.split(/[\s,]+/)
		.map(item => item.trim().replace(/^-/, ''))
		.filter(Boolean);
}

/** "127.0.0.1:8080", "[::1]:80", "8080", "*:80" → address and port. */
export function addressPort(spec: string): {address?: string; port?: number} {
	const bracket = /^\[([^\]]+)](?::(\d+))?$/.exec(spec);
	if (bracket) {
		return {
			address: bracket[1]!,
			...(bracket[2] ? {port: Number(bracket[2])} : {}),
		};
	}

	if (/^\d+$/.test(spec)) {
		return {port: Number(spec)};
	}

	const colon = /^([^:]+):(\d+)$/.exec(spec);
	if (colon) {
		return {address: colon[1]!, port: Number(colon[2])};
	}

	return {address: spec};
}

/** The usual meaning: a key ending in "port" takes a number (anything else says nothing), others a list. */
export function portOrList(key: string, value: string): SettingValue {
	if (/port$/i.test(key)) {
		return /^\d+$/.test(value) ? {port: Number(value)} : undefined;
	}

	return {addresses: splitList(value)};
}

type Scan = {section: string; lines: ConfigLine[]; includes: string[]};

/** A section header or an include line: handled (true), or not one (false). */
function scanStructure(syntax: LineSyntax, scan: Scan, raw: string): boolean {
	const include = syntax.includeLine?.exec(raw);
	if (include) {
		scan.includes.push(
			syntax.includePattern?.('', include[1]!) ?? unquote(include[1]!),
		);
		return true;
	}

	const header = syntax.section?.header.exec(raw);
	if (header) {
		scan.section = header[1]!.trim().toLowerCase();
		return true;
	}

	return false;
}

function scanLine(
	syntax: LineSyntax,
	scan: Scan,
	raw: string,
	where: {readonly file: string; readonly line: number},
): void {
	if (
		scanStructure(syntax, scan, raw) ||
		(syntax.section && !syntax.section.keep.test(scan.section))
	) {
		return;
	}

	const match = syntax.setting.exec(raw);
	if (!match) {
		return;
	}

	const commented = Boolean(match[1]);
	const key = match[2]!;
	const value = match[3]!.trim();
	if (syntax.includeKey?.test(key)) {
		if (!commented) {
			scan.includes.push(syntax.includePattern?.(key, value) ?? value);
		}

		return;
	}

	if (commented && syntax.commentedDefault?.test(value) === false) {
		return;
	}

	const said = (syntax.value ?? portOrList)(key, value);
	if (said) {
		scan.lines.push({
			...where,
			text: raw.trim(),
			key,
			...said,
			...(commented ? {commented} : {}),
		});
	}
}

/** Read a line-oriented config with its table: the lines that set addresses and ports, and the includes. */
export function scanConfig(
	text: string,
	file: string,
	syntax: LineSyntax,
): ConfigParse {
	const scan: Scan = {section: '', lines: [], includes: []};
	for (const [index, raw] of text.split('\n').entries()) {
		if (syntax.stop?.test(raw)) {
			break;
		}

		scanLine(syntax, scan, raw, {file, line: index + 1});
	}

	return {lines: scan.lines, includes: scan.includes};
}

/** One command-line option that sets where the server listens. */
export type ArgvOption = {
	/** "-p" (the value follows) or "--port" (the value follows, or after "="). */
	readonly flag: string;
	/** The setting it gives ("port", "listen_addresses"); without it the value is "key=value" (postgres -c). */
	readonly key?: string;
	/** A flag that takes no value and means this value (mongod --bind_ip_all). */
	readonly value?: string;
};

function optionAt(
	argv: readonly string[],
	index: number,
	option: ArgvOption,
): {value: string; used: number} | undefined {
	const argument = argv[index]!;
	if (argument === option.flag) {
		if (option.value !== undefined) {
			return {value: option.value, used: 0};
		}

		const next = argv[index + 1];
		return next === undefined ? undefined : {value: next, used: 1};
	}

	if (option.flag.startsWith('--') && argument.startsWith(`${option.flag}=`)) {
		return {value: argument.slice(option.flag.length + 1), used: 0};
	}

	return undefined;
}

/** "key=value" (postgres -c listen_addresses=...), when the key is one of `settings`. */
function keyValue(text: string, settings: RegExp | undefined): SettingValue {
	const pair = /^([^=]+)=(.*)$/.exec(text);
	if (!pair || !settings?.test(pair[1]!)) {
		return undefined;
	}

	const said = portOrList(pair[1]!, pair[2]!);
	return said ? {...said, key: pair[1]!} : undefined;
}

/**
Settings given on a command line (postgres -c listen_addresses=... -p N, mysqld --port=N, ...):
`settings` says which "key=value" keys count for options without a key of their own.
*/
export function settingsFromArgv(
	argv: readonly string[],
	options: readonly ArgvOption[],
	where: {readonly file: string; readonly settings?: RegExp},
): ConfigLine[] {
	const lines: ConfigLine[] = [];
	const text = shellQuote(argv);
	for (let index = 1; index < argv.length; index++) {
		for (const option of options) {
			const found = optionAt(argv, index, option);
			if (!found) {
				continue;
			}

			const said = option.key
				? portOrList(option.key, found.value)
				: keyValue(found.value, where.settings);
			if (said) {
				lines.push({
					file: where.file,
					line: 0,
					text,
					...said,
					key: option.key ?? said.key ?? '',
				});
			}

			index += found.used;
			break;
		}
	}

	return lines;
}

const multiKeys = new Set(['listen', 'Listen', 'ListenAddress']);

/**
What the lines say, last setting wins (the command line over the files): addresses (undefined when
only commented defaults are there) and port. Nginx, Apache and sshd listen lines add up.
*/
export function effectiveConfig(lines: readonly ConfigLine[]): {
	addresses?: readonly string[];
	port?: number;
	bindLine?: ConfigLine;
	portLine?: ConfigLine;
} {
	const active = lines.filter(line => !line.commented);
	const fromCommandLine = active.filter(line => line.line === 0);
	const fromFiles = active.filter(line => line.line !== 0);
	const pick = (test: (line: ConfigLine) => boolean) =>
		fromCommandLine.findLast(line => test(line)) ??
		fromFiles.findLast(line => test(line));
	if (active.some(line => multiKeys.has(line.key))) {
		const listens = active.filter(line => line.addresses);
		const portLine =
			listens.find(line => line.port !== undefined) ??
			pick(line => line.port !== undefined && !line.addresses);
		return {
			...(listens.length > 0
				? {
						addresses: [
							...new Set(listens.flatMap(line => line.addresses ?? [])),
						],
						bindLine: listens[0],
					}
				: {}),
			...(portLine?.port === undefined ? {} : {port: portLine.port, portLine}),
		};
	}

	const bindLine = pick(line => line.addresses !== undefined);
	const portLine = pick(line => line.port !== undefined);
	return {
		...(bindLine?.addresses ? {addresses: bindLine.addresses, bindLine} : {}),
		...(portLine?.port === undefined ? {} : {port: portLine.port, portLine}),
	};
}
