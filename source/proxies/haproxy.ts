/**
HAProxy behind the proxy interface: the config files from the process's command line (-f, a file
or a directory of *.cfg), read directly, and routing through model/proxy/haproxy.ts. Its log goes
to syslog or stderr, not to a file of its own: there is no error log to read here.
*/
import {
	haproxyConfigArgs,
	parseHaproxyConfig,
	type HaproxySection,
} from '../parsers/haproxy.js';
import {haproxyProxyRoute} from '../model/proxy/haproxy.js';
import {privileged} from '../text/sanitize.js';
import {masterOf, programOf, type ProcessInfo} from './process.js';
import type {LoadedConfig, ProxyDialect, ProxyIo} from './types.js';

const defaultConfig = '/etc/haproxy/haproxy.cfg';

/** In master-worker mode (-W, -Ws) the workers are children of a master with the same executable. */
export const haproxyRules = {
	isMaster: () => false,
	parentIsMaster: (parent: ProcessInfo) => programOf(parent) === 'haproxy',
};

async function configFiles(
	context: ProxyIo,
	pid: number | undefined,
): Promise<{files: string[]; how: string}> {
	const fallback = {files: [defaultConfig], how: 'the default path'};
	if (pid === undefined) {
		return fallback;
	}

	const master = await masterOf(context.io, pid, haproxyRules);
	if (!master) {
		return fallback;
	}

	const named = haproxyConfigArgs(master.process.argv);
	return {
		files: named.length > 0 ? named : [defaultConfig],
		how: `${master.how}: ${master.process.argv.join(' ')}`,
	};
}

type Read = {sections: HaproxySection[]; read: string[]; notes: string[]};

/** One -f argument: a file, or a directory whose *.cfg files are read in order. */
async function readPath(context: ProxyIo, path: string, into: Read) {
	const {io} = context;
	const file = await io.readFile(path);
	if (file.ok) {
		into.read.push(path);
		into.sections.push(...parseHaproxyConfig(file.text, path));
		return;
	}

	const names = await io.readDir(path);
	if (!names) {
		into.notes.push(
			`${path} could not be read (${file.code}); by hand: ${privileged(io.uid, ['cat', path])}`,
		);
		return;
	}

	for (const name of names.filter(n => n.endsWith('.cfg')).toSorted()) {
		const inner = await io.readFile(`${path}/${name}`);
		if (inner.ok) {
			into.read.push(`${path}/${name}`);
			into.sections.push(...parseHaproxyConfig(inner.text, `${path}/${name}`));
		}
	}
}

async function load(
	context: ProxyIo,
	pid: number | undefined,
): Promise<LoadedConfig> {
	const {files, how} = await configFiles(context, pid);
	context.onCommand(`read ${files.join(', ')}`);
	const into: Read = {sections: [], read: [], notes: []};
	for (const path of files) {
		await readPath(context, path, into);
	}

	const control = {
		test: ['haproxy', '-c', ...files.flatMap(f => ['-f', f])],
		reload: ['systemctl', 'reload', 'haproxy'],
	};
	const base = {
		notes: [`config: ${files.join(', ')} (from ${how})`, ...into.notes],
		commands: [`read ${into.read.join(', ') || files.join(', ')}`],
		errorLogs: [],
		control,
	};
	if (into.read.length === 0) {
		return {
			...base,
			error: `HAProxy's config could not be read: ${into.notes.at(-1) ?? ''}`,
		};
	}

	const {sections} = into;
	return {...base, route: request => haproxyProxyRoute(sections, request)};
}

export const haproxy: ProxyDialect = {
	label: 'HAProxy',
	load,
	readErrorLog: async () => ({entries: [], notes: [], commands: []}),
};
