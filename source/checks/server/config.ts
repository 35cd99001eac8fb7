import type {
	ConfigLine,
	Listener,
	ServiceConfigFacts,
} from '../../tree/facts.js';
import {
	configFromCommandLine,
	effectiveConfig,
	parseCommandLineConfig,
	parseServiceConfig,
} from '../../parsers/service-config.js';
import {
	services,
	servicesForPort,
	type ServiceDef,
} from '../../tree/services.js';
import {readProcess} from '../proxy/process.js';
import type {CheckContext, CheckRun, Io} from '../types.js';
import {processList, sameNetns} from './processes.js';

const maxFiles = 60;

function dirname(path: string): string {
	const index = path.lastIndexOf('/');
	return index <= 0 ? '/' : path.slice(0, index);
}

function globToRegExp(pattern: string): RegExp {
	const escaped = pattern
		.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&')
		.replaceAll('*', '[^/]*')
		.replaceAll('?', '[^/]');
	return new RegExp(`^${escaped}$`);
}

/** Expand "*" in any path segment through readDir (sorted, like the services do). */
export async function expandPath(io: Io, pattern: string): Promise<string[]> {
	if (!pattern.includes('*') && !pattern.includes('?')) {
		return [pattern];
	}

	const parts = pattern.split('/');
	let current = [''];
	for (const [index, part] of parts.entries()) {
		if (index === 0) {
			continue;
		}

		if (!part.includes('*') && !part.includes('?')) {
			current = current.map(base => `${base}/${part}`);
			continue;
		}

		const next: string[] = [];
		const test = globToRegExp(part);
		for (const base of current) {
			const entries = (await io.readDir(base || '/')) ?? [];
			for (const entry of entries.toSorted()) {
				if (test.test(entry)) {
					next.push(`${base}/${entry}`);
				}
			}
		}

		current = next;
	}

	return current;
}

type Loaded = {files: string[]; lines: ConfigLine[]; problems: string[]};

/** Read a config file and the files it includes (bounded), in order. */
async function loadFiles(
	io: Io,
	service: ServiceDef,
	roots: readonly string[],
	prefix: string | undefined,
): Promise<Loaded> {
	const loaded: Loaded = {files: [], lines: [], problems: []};
	const seen = new Set<string>();
	const visit = async (path: string, depth: number, required: boolean) => {
		if (
			seen.has(path) ||
			seen.size >= maxFiles ||
			depth > 4 ||
			!service.syntax
		) {
			return;
		}

		seen.add(path);
		const file = await io.readFile(path);
		if (!file.ok) {
			if (required) {
				loaded.problems.push(
					file.code === 'EACCES'
						? `${path}: permission denied (not root); read it with: sudo cat ${path}`
						: `${path}: ${file.code === 'ENOENT' ? 'no such file' : file.code}`,
				);
			}

			return;
		}

		loaded.files.push(path);
		const parsed = parseServiceConfig(service.syntax, file.text, path);
		loaded.lines.push(...parsed.lines);
		for (const include of parsed.includes) {
			const base =
				service.syntax === 'nginx' && prefix ? prefix : dirname(path);
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

/** Read one service's config: the files its command line names, else the distribution defaults. */
export async function readServiceConfig(
	context: CheckContext,
	service: ServiceDef,
	pid: number | undefined,
): Promise<ServiceConfigFacts | undefined> {
	const {io} = context;
	if (!service.syntax) {
		return undefined;
	}

	let roots: string[] = [];
	let how = 'the default path';
	let prefix: string | undefined;
	let commandLine: ConfigLine[] = [];
	if (pid !== undefined) {
		const process = await readProcess(io, pid);
		if (process) {
			const fromArgv = configFromCommandLine(service.syntax, process.argv);
			roots = fromArgv.files;
			prefix = service.syntax === 'nginx' ? fromArgv.dir : undefined;
			commandLine = parseCommandLineConfig(
				service.syntax,
				process.argv,
				`/proc/${pid}/cmdline`,
			);
			how = `/proc/${pid}/cmdline: ${process.argv.join(' ')}`;
			if (roots.length === 0 && prefix && service.syntax === 'nginx') {
				roots = [`${prefix.replace(/\/$/, '')}/conf/nginx.conf`];
			}
		} else {
			how = `/proc/${pid}/cmdline could not be read; the default path`;
		}
	}

	if (roots.length === 0) {
		for (const pattern of service.configPaths) {
			const found = await expandPath(io, pattern);
			const readable = [];
			for (const path of found) {
				if ((await io.readFile(path)).ok) {
					readable.push(path);
				}
			}

			if (readable.length > 0) {
				roots = readable;
				break;
			}
		}

		if (roots.length === 0) {
			return {
				service: service.id,
				...(pid === undefined ? {} : {pid}),
				how,
				files: [],
				lines: commandLine,
				problems: [`no config file found at ${service.configPaths.join(', ')}`],
				...effectiveSummary(commandLine),
			};
		}

		how =
			pid === undefined
				? 'the default path'
				: `${how}; no config file on it, so the default path`;
	}

	context.onCommand(`read ${roots.join(' ')}`);
	const loaded = await loadFiles(io, service, roots, prefix);
	const lines = [...loaded.lines, ...commandLine];
	return {
		service: service.id,
		...(pid === undefined ? {} : {pid}),
		how,
		files: loaded.files,
		lines,
		problems: loaded.problems,
		...effectiveSummary(lines),
	};
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

/** The owner process (the lowest pid: a master, not a worker) of listeners that belong to a service. */
function ownerOf(
	listeners: readonly Listener[],
	service: ServiceDef,
): number | undefined {
	const pids = listeners
		.flatMap(l => l.processes ?? (l.process ? [l.process] : []))
		.filter(p => service.processes.includes(p.name))
		.map(p => p.pid);
	return pids.length > 0 ? Math.min(...pids) : undefined;
}

/** Which services to read: those listening on the target port, then those the port is known for. */
export function servicesToRead(
	port: number,
	listeners: readonly Listener[],
): Array<{service: ServiceDef; pid?: number}> {
	const result: Array<{service: ServiceDef; pid?: number}> = [];
	const add = (service: ServiceDef, pid: number | undefined) => {
		if (service.syntax && !result.some(r => r.service.id === service.id)) {
			result.push({service, ...(pid === undefined ? {} : {pid})});
		}
	};

	const onPort = listeners.filter(l => l.port === port);
	for (const service of services) {
		const pid = ownerOf(onPort, service);
		if (pid !== undefined) {
			add(service, pid);
		}
	}

	for (const service of servicesForPort(port)) {
		add(service, ownerOf(listeners, service));
	}

	return result;
}

/** Read the config of the service on (or known for) the target port, quoting the lines that set its address and port. */
export const serviceConfig: CheckRun = async context => {
	const {target, facts} = context;
	const listeners = facts.listeners?.listeners ?? [];
	const wanted = servicesToRead(target.port, listeners);
	if (wanted.length === 0) {
		return {
			status: 'skipped',
			detail: `no known service (database, web server, cache, sshd) listens on or is known for port ${target.port}`,
			facts: {services: {configs: []}},
		};
	}

	if (wanted.some(w => w.pid === undefined)) {
		// The owner is hidden (not root) or not listening: its process still shows in /proc (cmdline is world-readable).
		const running = await processList(context.io);
		for (const entry of wanted) {
			if (entry.pid !== undefined) {
				continue;
			}

			const names = entry.service.processes.filter(name => name !== 'java');
			const mine = await sameNetns(context, running, [
				{...entry.service, processes: names},
			]);
			const pids = mine.filter(p => names.includes(p.name)).map(p => p.pid);
			if (pids.length > 0) {
				entry.pid = Math.min(...pids);
			}
		}
	}

	const configs: ServiceConfigFacts[] = [];
	for (const {service, pid} of wanted) {
		const config = await readServiceConfig(context, service, pid);
		if (config) {
			configs.push(config);
		}
	}

	const output = configs.flatMap(config => {
		const name =
			services.find(s => s.id === config.service)?.name ?? config.service;
		const relevant = config.lines.filter(
			line => line.addresses !== undefined || line.port !== undefined,
		);
		return [
			`${name}: ${config.files.length > 0 ? config.files.join(', ') : 'no config file read'} (found from ${config.how})`,
			...relevant
				.slice(0, 12)
				.map(
					line =>
						`  ${line.line === 0 ? line.file : `${line.file}:${line.line}`}: ${line.line === 0 ? `${line.key}=${(line.addresses ?? [line.port]).join(',')}` : line.text}`,
				),
			...config.problems.map(problem => `  ${problem}`),
		];
	});
	const unreadable = configs.filter(
		c =>
			c.files.length === 0 &&
			c.problems.some(p => p.includes('permission denied')),
	);
	return {
		status: unreadable.length > 0 ? 'unknown' : 'passed',
		detail: configs
			.map(config => {
				const name =
					services.find(s => s.id === config.service)?.name ?? config.service;
				const listens = config.lines.filter(
					l =>
						!l.commented &&
						l.addresses &&
						l.port !== undefined &&
						/^listen$/i.test(l.key),
				);
				const where = config.addresses
					? config.addresses.join(', ')
					: 'the built-in default';
				const says =
					listens.length > 0
						? `listen ${listens.map(l => l.addresses!.map(a => `${a.includes(':') ? `[${a}]` : a}:${l.port}`).join(', ')).join(', ')}`
						: `listens on ${where}, port ${config.port ?? 'the built-in default'}`;
				return config.files.length > 0 || config.lines.length > 0
					? `${name}: ${says}`
					: `${name}: ${config.problems[0] ?? 'no config read'}`;
			})
			.join('; '),
		output,
		facts: {services: {configs}},
	};
};
