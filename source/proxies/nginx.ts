/**
Nginx behind the proxy interface: the master's command line (-c, -p) from /proc, its config files
and includes read directly (exact file:line, nothing run), routing through model/proxy/nginx.ts,
and its error log read with `tail`.
*/
import {
	expandIncludes,
	isInclude,
	parseNginxConfig,
	parseNginxErrorLog,
	upstreamAddressOf,
	type NginxDirective,
} from '../parsers/nginx.js';
import {nginxErrorLogs, nginxProxyRoute} from '../model/proxy/nginx.js';
import type {ProxyLogEntry} from '../model/proxy/upstream.js';
import {shellQuote, privileged} from '../text/sanitize.js';
import {masterOf, programOf, type ProcessInfo} from './process.js';
import type {
	ErrorLogRead,
	LoadedConfig,
	ProxyDialect,
	ProxyIo,
} from './types.js';

/** Debian's build: --prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf. */
const defaultPrefix = '/usr/share/nginx/';
const defaultConf = '/etc/nginx/nginx.conf';

export type NginxConfig = {
	readonly ok: true;
	readonly directives: readonly NginxDirective[];
	readonly files: readonly string[];
	/** Files that could not be read, syntax problems. */
	readonly problems: readonly string[];
	readonly prefix: string;
	readonly confFile: string;
	/** How the config was found: "/proc/812/cmdline: -c /etc/nginx/nginx.conf", "default path". */
	readonly how: string;
	/** The options the master was started with, for `nginx -t` and `nginx -s reload`. */
	readonly options: readonly string[];
	readonly binary: string;
	readonly pid?: number;
};

export type NginxConfigError = {
	readonly ok: false;
	readonly error: string;
	/** The command that prints the whole config (as the user, by hand). */
	readonly byHand: readonly string[];
	readonly control: {
		readonly test: readonly string[];
		readonly reload: readonly string[];
	};
};

const dirname = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';
const join = (base: string, path: string) =>
	path.startsWith('/') ? path : `${base.replace(/\/$/, '')}/${path}`;

function globRegex(pattern: string): RegExp {
	const body = pattern
		.replaceAll(/[.+^${}()|\\]/g, '\\$&')
		.replaceAll('*', '[^/]*')
		.replaceAll('?', '[^/]');
	return new RegExp(`^${body}$`);
}

/** Nginx's command line: where its config and prefix are. */
export function nginxOptions(argv: readonly string[]): {
	binary: string;
	conf?: string;
	prefix?: string;
	options: string[];
} {
	const start = argv[0] === 'nginx:' ? argv.indexOf('process') + 1 : 0;
	const args = argv.slice(start);
	const binary = args[0] && !args[0].startsWith('-') ? args[0] : 'nginx';
	const value = (flag: string) => {
		const index = args.indexOf(flag);
		return index === -1 ? undefined : args[index + 1];
	};

	const conf = value('-c');
	const prefix = value('-p');
	return {
		binary,
		...(conf ? {conf} : {}),
		...(prefix ? {prefix} : {}),
		options: [...(prefix ? ['-p', prefix] : []), ...(conf ? ['-c', conf] : [])],
	};
}

type Reader = {
	readonly read: (path: string) => Promise<{text: string} | {error: string}>;
	readonly list: (directory: string) => Promise<readonly string[] | undefined>;
};

async function loadTree(
	entry: string,
	reader: Reader,
	confDirectory: string,
): Promise<{
	directives: NginxDirective[];
	files: string[];
	problems: string[];
}> {
	const files: string[] = [];
	const problems: string[] = [];
	const load = async (
		path: string,
		depth: number,
	): Promise<NginxDirective[]> => {
		const read = await reader.read(path);
		if ('error' in read) {
			problems.push(`${path}: ${read.error}`);
			return [];
		}

		files.push(path);
		const parsed = parseNginxConfig(read.text, path);
		problems.push(...parsed.errors);
		const included = new Map<NginxDirective, NginxDirective[]>();
		const visit = async (directives: readonly NginxDirective[]) => {
			for (const directive of directives) {
				if (isInclude(directive) && depth < 10) {
					const pattern = join(confDirectory, directive.args[0]!);
					let paths = [pattern];
					if (/[*?[]/.test(pattern)) {
						const directory = dirname(pattern);
						const regex = globRegex(pattern.slice(directory.length + 1));
						const names = (await reader.list(directory)) ?? [];
						paths = names
							.filter(name => regex.test(name))
							.toSorted()
							.map(name => `${directory}/${name}`);
					}

					const loaded: NginxDirective[] = [];
					for (const included of paths) {
						loaded.push(...(await load(included, depth + 1)));
					}

					included.set(directive, loaded);
				} else if (directive.block) {
					await visit(directive.block);
				}
			}
		};

		await visit(parsed.directives);
		return expandIncludes(parsed.directives, directive =>
			included.get(directive),
		);
	};

	const directives = await load(entry, 0);
	return {directives, files, problems};
}

const nginxPrograms = new Set(['nginx', 'openresty']);
const isMasterTitle = (argv: readonly string[]) =>
	argv[0] === 'nginx:' && argv[1] === 'master';

/** The master has the title "nginx: master process ..." (a lone nginx keeps its own argv); workers are "nginx: worker process". */
export const nginxRules = {
	isMaster: (process: ProcessInfo) =>
		process.argv[0] !== 'nginx:' || isMasterTitle(process.argv),
	parentIsMaster: (parent: ProcessInfo) =>
		nginxPrograms.has(programOf(parent) ?? '') && isMasterTitle(parent.argv),
};

type Located = {
	how: string;
	options: ReturnType<typeof nginxOptions>;
	pid?: number;
};

async function locate(
	context: ProxyIo,
	pid: number | undefined,
): Promise<Located> {
	const fallback = {binary: 'nginx', options: []};
	if (pid === undefined) {
		return {how: `the default path (${defaultConf})`, options: fallback};
	}

	const master = await masterOf(context.io, pid, nginxRules);
	if (!master) {
		return {
			how: `/proc/${pid}/cmdline could not be read; the default path (${defaultConf})`,
			options: fallback,
		};
	}

	return {
		how: `${master.how}: ${master.process.argv.join(' ')}`,
		options: nginxOptions(master.process.argv),
		pid: master.process.pid,
	};
}

/**
Find and read the nginx config that serves the port: the master's command line (-c, -p) from
/proc, its files and includes read directly (exact file:line, nothing run). `nginx -T` is never
run: it also opens (and may create) the error log and pid files, so it stays a command for the
user when the files cannot be read.
*/
export async function loadNginxConfig(
	context: ProxyIo,
	pid: number | undefined,
): Promise<NginxConfig | NginxConfigError> {
	const {io} = context;
	const {how, options, pid: masterPid} = await locate(context, pid);
	const prefix = options.prefix
		? `${options.prefix.replace(/\/$/, '')}/`
		: defaultPrefix;
	const confFile = options.conf ? join(prefix, options.conf) : defaultConf;
	context.onCommand(`read ${confFile} and its includes`);
	const direct = await loadTree(
		confFile,
		{
			async read(path) {
				const file = await io.readFile(path);
				return file.ok ? {text: file.text} : {error: file.code};
			},
			list: async directory => io.readDir(directory),
		},
		dirname(confFile),
	);
	if (direct.files.length > 0) {
		return {
			ok: true,
			...direct,
			prefix,
			confFile,
			how,
			options: options.options,
			binary: options.binary,
			...(masterPid === undefined ? {} : {pid: masterPid}),
		};
	}

	return {
		ok: false,
		error: `cannot read the nginx config: ${direct.problems[0] ?? `${confFile} could not be read`}`,
		byHand: [options.binary, '-T', ...options.options],
		control: control(options.binary, options.options),
	};
}

/** The error log files of this config (absolute), skipping stderr, syslog and memory targets. */
export function errorLogPaths(config: NginxConfig): string[] {
	const paths = nginxErrorLogs(config.directives)
		.map(l => l.path)
		.filter(
			path =>
				path !== 'stderr' &&
				!path.startsWith('syslog:') &&
				!path.startsWith('memory:') &&
				path !== '/dev/null',
		);
	const absolute = paths.map(path => join(config.prefix, path));
	return [
		...new Set(absolute.length > 0 ? absolute : ['/var/log/nginx/error.log']),
	];
}

const control = (binary: string, options: readonly string[]) => ({
	test: [binary, ...options, '-t'],
	reload: [binary, ...options, '-s', 'reload'],
});

async function load(
	context: ProxyIo,
	pid: number | undefined,
): Promise<LoadedConfig> {
	const config = await loadNginxConfig(context, pid);
	if (!config.ok) {
		return {
			notes: [config.error],
			commands: [],
			error: `${config.error}; run by hand: ${privileged(context.io.uid, config.byHand)} | grep -nE 'listen|proxy_pass|upstream|server '`,
			errorLogs: ['/var/log/nginx/error.log'],
			control: config.control,
		};
	}

	return {
		route: request => nginxProxyRoute(config.directives, request),
		notes: [
			`config: ${config.confFile} (from ${config.how}), ${config.files.length} file${config.files.length === 1 ? '' : 's'} read`,
			...config.problems.slice(0, 3).map(p => `config problem: ${p}`),
		],
		commands: [`read ${config.files.join(', ')}`],
		errorLogs: errorLogPaths(config),
		control: control(config.binary, config.options),
	};
}

async function tailLog(
	context: ProxyIo,
	path: string,
): Promise<{entries: ProxyLogEntry[]; note?: string; command: string}> {
	const args = ['-n', '200', '--', path];
	context.onCommand(shellQuote(['tail', ...args]));
	const result = await context.io.run(
		{file: 'tail', args, timeoutMs: 3000},
		{signal: context.signal},
	);
	if (result.exitCode === 0) {
		return {
			entries: parseNginxErrorLog(result.stdout).flatMap(e =>
				e.upstream !== undefined &&
				/connect\(\) failed|upstream/.test(e.message)
					? [{upstream: upstreamAddressOf(e.upstream), raw: e.raw}]
					: [],
			),
			command: result.command,
		};
	}

	const reason = result.notFound
		? 'tail is not installed'
		: result.timedOut
			? 'tail timed out'
			: (result.stderr.trim().split('\n')[0] ?? 'unreadable');
	return {
		entries: [],
		note: `error log ${path} could not be read (${reason}); by hand: ${privileged(context.io.uid, ['tail', '-n', '50', path])}`,
		command: result.command,
	};
}

async function readErrorLog(
	context: ProxyIo,
	paths: readonly string[],
): Promise<ErrorLogRead> {
	const entries: ProxyLogEntry[] = [];
	const notes: string[] = [];
	const commands: string[] = [];
	for (const path of paths.slice(0, 3)) {
		const tail = await tailLog(context, path);
		commands.push(tail.command);
		if (tail.note) {
			notes.push(tail.note);
		}

		entries.push(...tail.entries);
	}

	return {entries, notes, commands};
}

export const nginx: ProxyDialect = {label: 'nginx', load, readErrorLog};
