import {
	expandIncludes,
	isInclude,
	parseNginxConfig,
	type NginxDirective,
} from '../../parsers/nginx.js';
import type {CheckContext} from '../types.js';
import {masterOf} from './process.js';

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
	readonly command?: string;
	/** The options the master was started with, for `nginx -t` and `nginx -s reload`. */
	readonly options: readonly string[];
	readonly binary: string;
	readonly pid?: number;
};

export type NginxConfigError = {
	readonly ok: false;
	readonly error: string;
	readonly command?: string;
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

/**
Find and read the nginx config that serves the port: the master's command line (-c, -p) from
/proc, its files and includes read directly (exact file:line, nothing run); `nginx -T` through
the runner when the files cannot be read that way.
*/
export async function loadNginxConfig(
	context: CheckContext,
	pid: number | undefined,
): Promise<NginxConfig | NginxConfigError> {
	const {io} = context;
	let how = `the default path (${defaultConf})`;
	let options: {
		binary: string;
		conf?: string;
		prefix?: string;
		options: string[];
	} = {binary: 'nginx', options: []};
	let masterPid: number | undefined;
	if (pid !== undefined) {
		const master = await masterOf(io, pid, 'nginx');
		if (master) {
			masterPid = master.pid;
			options = nginxOptions(master.argv);
			how = `/proc/${master.pid}/cmdline: ${master.argv.join(' ')}`;
		} else {
			how = `/proc/${pid}/cmdline could not be read; the default path (${defaultConf})`;
		}
	}

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
	const base = {
		prefix,
		confFile,
		how,
		options: options.options,
		binary: options.binary,
		...(masterPid === undefined ? {} : {pid: masterPid}),
	};
	if (direct.files.length > 0) {
		return {ok: true, ...direct, ...base};
	}

	// The main file could not be read directly. `nginx -T` would read it as whoever runs this, but it
	// also opens (and may create) the error log and pid files: not read-only, so it stays a command
	// for the user to run.
	return {
		ok: false,
		error: `cannot read the nginx config: ${direct.problems[0] ?? `${confFile} could not be read`}`,
		command: [options.binary, '-T', ...options.options].join(' '),
	};
}

/** The error log files of this config (absolute), skipping stderr, syslog and memory targets. */
export function errorLogPaths(
	config: NginxConfig,
	logs: ReadonlyArray<{readonly path: string}>,
): string[] {
	const paths = logs
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
