/** Read one service's config files (and the files they include, bounded) through `Io`. */
import type {ConfigLine, ServiceConfigFacts} from '../../../tree/facts.js';
import {effectiveConfig} from '../../../parsers/service-config.js';
import {dirname} from '../../../services/command.js';
import type {ServiceModule, ServiceSyntax} from '../../../services/index.js';
import {shellQuote} from '../../../text/sanitize.js';
import {readProcess} from '../../../proxies/process.js';
import type {CheckContext, Io} from '../../types.js';
import {expandPath} from '../files.js';

const maxFiles = 60;

type Loaded = {files: string[]; lines: ConfigLine[]; problems: string[]};

function unreadable(path: string, code: string, root: boolean): string {
	if (code === 'EACCES') {
		return root
			? `${path}: permission denied`
			: `${path}: permission denied (not root); read it with: sudo cat ${shellQuote([path])}`;
	}

	return `${path}: ${code === 'ENOENT' ? 'no such file' : code}`;
}

/** Read config files and the files they include (bounded), in order. */
async function loadFiles(
	io: Io,
	syntax: ServiceSyntax,
	roots: readonly string[],
	prefix: string | undefined,
): Promise<Loaded> {
	const loaded: Loaded = {files: [], lines: [], problems: []};
	const seen = new Set<string>();
	const visit = async (path: string, depth: number, required: boolean) => {
		if (seen.has(path) || seen.size >= maxFiles || depth > 4) {
			return;
		}

		seen.add(path);
		const file = await io.readFile(path);
		if (!file.ok) {
			if (required) {
				loaded.problems.push(unreadable(path, file.code, io.uid === 0));
			}

			return;
		}

		loaded.files.push(path);
		const parsed = syntax.parse(file.text, path);
		loaded.lines.push(...parsed.lines);
		const base = syntax.includesFromPrefix && prefix ? prefix : dirname(path);
		for (const include of parsed.includes) {
			const absolute = include.startsWith('/')
				? include
				: `${base.replace(/\/$/, '')}/${include}`;
			for (const match of await expandPath(io, absolute)) {
				await visit(match, depth + 1, false);
			}
		}
	};

	for (const root of roots) {
		await visit(root, 0, true);
	}

	return loaded;
}

function effectiveSummary(lines: readonly ConfigLine[]): {
	addresses?: readonly string[];
	port?: number;
} {
	const effective = effectiveConfig(lines);
	return {
		...(effective.addresses ? {addresses: effective.addresses} : {}),
		...(effective.port === undefined ? {} : {port: effective.port}),
	};
}

/** The first default path that exists and can be read. */
async function defaultRoots(io: Io, service: ServiceModule): Promise<string[]> {
	for (const pattern of service.configPaths) {
		const readable = [];
		for (const path of await expandPath(io, pattern)) {
			if ((await io.readFile(path)).ok) {
				readable.push(path);
			}
		}

		if (readable.length > 0) {
			return readable;
		}
	}

	return [];
}

type FromProcess = {
	readonly argv?: readonly string[];
	readonly roots: string[];
	readonly prefix?: string;
	readonly commandLine: ConfigLine[];
	readonly how: string;
};

async function fromProcess(
	io: Io,
	syntax: ServiceSyntax,
	pid: number | undefined,
): Promise<FromProcess> {
	if (pid === undefined) {
		return {roots: [], commandLine: [], how: 'the default path'};
	}

	const process = await readProcess(io, pid);
	if (!process) {
		return {
			roots: [],
			commandLine: [],
			how: `/proc/${pid}/cmdline could not be read; the default path`,
		};
	}

	const named = syntax.configFiles(process.argv);
	return {
		argv: process.argv,
		roots: named.files,
		...(named.dir ? {prefix: named.dir} : {}),
		commandLine: syntax.commandLine(process.argv, `/proc/${pid}/cmdline`),
		how: `/proc/${pid}/cmdline: ${shellQuote(process.argv)}`,
	};
}

/** Read one service's config: the files its command line names, else the distribution defaults. */
export async function readServiceConfig(
	context: CheckContext,
	service: ServiceModule,
	pid: number | undefined,
): Promise<ServiceConfigFacts | undefined> {
	const {io} = context;
	const {syntax} = service;
	if (!syntax) {
		return undefined;
	}

	const found = await fromProcess(io, syntax, pid);
	const base = {
		service: service.id,
		...(pid === undefined ? {} : {pid}),
		...(found.argv ? {argv: found.argv} : {}),
	};
	let {roots, how} = found;
	if (roots.length === 0) {
		roots = await defaultRoots(io, service);
		if (roots.length === 0) {
			return {
				...base,
				how,
				files: [],
				lines: found.commandLine,
				problems: [`no config file found at ${service.configPaths.join(', ')}`],
				...effectiveSummary(found.commandLine),
			};
		}

		how = found.argv
			? `${how}; no config file on it, so the default path`
			: how;
	}

	context.onCommand(`read ${shellQuote(roots)}`);
	const loaded = await loadFiles(io, syntax, roots, found.prefix);
	const lines = [...loaded.lines, ...found.commandLine];
	return {
		...base,
		how,
		files: loaded.files,
		lines,
		problems: loaded.problems,
		...effectiveSummary(lines),
	};
}
