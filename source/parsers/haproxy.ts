/**
HAProxy syntax: its configuration file (sections and their lines, with file:line), bind specs,
and the config files on its command line. Pure, never throws. The route from a port to the
servers behind it is in model/proxy/haproxy.ts.
*/
import {numberedLines} from './lines.js';

export type HaproxyLine = {
	readonly keyword: string;
	readonly args: readonly string[];
	readonly line: number;
	readonly text: string;
};

export type HaproxySection = {
	readonly kind:
		'global' | 'defaults' | 'frontend' | 'backend' | 'listen' | 'other';
	readonly name: string;
	readonly file: string;
	readonly line: number;
	readonly lines: readonly HaproxyLine[];
};

const sectionKinds = new Set([
	'global',
	'defaults',
	'frontend',
	'backend',
	'listen',
]);
const otherSections = new Set([
	'peers',
	'resolvers',
	'userlist',
	'program',
	'http-errors',
	'ring',
	'mailers',
	'cache',
	'fcgi-app',
]);

function words(text: string): string[] {
	const result: string[] = [];
	let current = '';
	let quote: string | undefined;
	let started = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (quote) {
			if (char === quote) {
				quote = undefined;
			} else {
				current += char;
			}
		} else if (char === '"' || char === "'") {
			quote = char;
			started = true;
		} else if (char === '\\' && index + 1 < text.length) {
			current += text[++index];
			started = true;
		} else if (char === '#') {
			break;
		} else if (/\s/.test(char)) {
			if (started) {
				result.push(current);
			}

			current = '';
			started = false;
		} else {
			current += char;
			started = true;
		}
	}

	if (started) {
		result.push(current);
	}

	return result;
}

/** Sections of one haproxy.cfg, each line with its number. */
export function parseHaproxyConfig(
	text: string,
	file: string,
): HaproxySection[] {
	const sections: Array<{
		kind: HaproxySection['kind'];
		name: string;
		file: string;
		line: number;
		lines: HaproxyLine[];
	}> = [];
	for (const {number: line, text: raw} of numberedLines(text)) {
		const [keyword, ...args] = words(raw);
		if (!keyword) {
			continue;
		}

		if (sectionKinds.has(keyword) || otherSections.has(keyword)) {
			const kind = sectionKinds.has(keyword)
				? (keyword as HaproxySection['kind'])
				: 'other';
			sections.push({kind, name: args[0] ?? '', file, line, lines: []});
			continue;
		}

		sections.at(-1)?.lines.push({keyword, args, line, text: raw.trim()});
	}

	return sections;
}

export type HaproxyBind = {
	readonly address?: string;
	readonly port: number;
	readonly portEnd: number;
};

/** "*:80", ":80", "127.0.0.1:8080", "[::]:443", "ipv4@0.0.0.0:80", ":8000-8010", "a:80,b:81". */
export function parseHaproxyBind(spec: string): HaproxyBind[] {
	return spec.split(',').flatMap(part => {
		const plain = part.replace(/^(ipv4|ipv6|tcp|tcp4|tcp6)@/, '');
		if (
			/^(unix|abns|fd|sockpair|udp\d?|quic\d?)@/.test(plain) ||
			plain.startsWith('/')
		) {
			return [];
		}

		const match = /^(?:\[([^\]]*)]|([^:]*)):(\d+)(?:-(\d+))?$/.exec(plain);
		if (!match) {
			return [];
		}

		const host = match[1] ?? match[2] ?? '';
		const port = Number(match[3]);
		const wildcard =
			host === '' || host === '*' || host === '0.0.0.0' || host === '::';
		return [
			{
				...(wildcard ? {} : {address: host}),
				port,
				portEnd: match[4] ? Number(match[4]) : port,
			},
		];
	});
}

/** The config files named on HAProxy's command line (`-f FILE`, repeatable; a directory means its *.cfg). */
export function haproxyConfigArgs(argv: readonly string[]): string[] {
	const files: string[] = [];
	for (const [index, argument] of argv.entries()) {
		if (argument === '-f' && argv[index + 1]) {
			files.push(argv[index + 1]!);
		} else if (argument.startsWith('-f') && argument.length > 2) {
			files.push(argument.slice(2));
		}
	}

	return files;
}
