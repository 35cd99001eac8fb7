/**
The lines of a service's config file (or command line) that decide where it listens: one pure
function per syntax, each returning the lines with file:line, the addresses and the port they set.
Includes are returned as patterns for the caller (which reads the files) to follow.
*/
import type {ConfigLine} from '../tree/facts.js';
import type {ConfigSyntax} from '../tree/services.js';
import {
	parseNginxConfig,
	parseNginxListen,
	type NginxDirective,
} from './nginx.js';

export type ConfigParse = {
	readonly lines: ConfigLine[];
	/** Include patterns to follow (absolute, or relative to the including file's folder). */
	readonly includes: string[];
};

function unquote(value: string): string {
	return value.trim().replace(/^(["'])(.*)\1$/, '$2');
}

function splitList(value: string): string[] {
	return unquote(value)
		.split(/[\s,]+/)
		.map(item => item.trim().replace(/^-/, ''))
		.filter(Boolean);
}

/** "127.0.0.1:8080", "[::1]:80", "8080", "*:80" → address and port. */
function addressPort(spec: string): {address?: string; port?: number} {
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

function postgresql(text: string, file: string): ConfigParse {
	const lines: ConfigLine[] = [];
	const includes: string[] = [];
	for (const [index, raw] of text.split('\n').entries()) {
		const match =
			/^\s*(#\s*)?(listen_addresses|port|include|include_if_exists|include_dir)\s*=?\s*('(?:[^']|'')*'|[^\s#]+)/.exec(
				raw,
			);
		if (!match) {
			continue;
		}

		const commented = Boolean(match[1]);
		const key = match[2]!;
		const value = match[3]!.replace(/^'(.*)'$/, '$1').replaceAll("''", "'");
		if (key.startsWith('include')) {
			if (!commented) {
				includes.push(value);
			}

			continue;
		}

		const entry = directive({
			file,
			line: index + 1,
			raw,
			key,
			value,
			commented,
		});
		if (entry) {
			lines.push(entry);
		}
	}

	return {lines, includes};
}

/** A bind or port directive as a config line: a port, or the list of addresses (undefined: not a port). */
function directive(options: {
	readonly file: string;
	readonly line: number;
	readonly raw: string;
	readonly key: string;
	readonly value: string;
	readonly commented: boolean;
}): ConfigLine | undefined {
	const {file, line, raw, key, value, commented} = options;
	const base = {
		file,
		line,
		text: raw.trim(),
		key,
		...(commented ? {commented} : {}),
	};
	if (key !== 'port') {
		return {...base, addresses: splitList(value)};
	}

	// A port that is not a number (a variable, prose) says nothing.
	return /^\d+$/.test(value) ? {...base, port: Number(value)} : undefined;
}

function redis(text: string, file: string): ConfigParse {
	const lines: ConfigLine[] = [];
	const includes: string[] = [];
	for (const [index, raw] of text.split('\n').entries()) {
		const match = /^\s*(#\s*)?(bind|port|include)\s+([^#\n]+)/.exec(raw);
		if (!match) {
			continue;
		}

		const commented = Boolean(match[1]);
		const key = match[2]!;
		const value = match[3]!.trim();
		if (key === 'include') {
			if (!commented) {
				includes.push(value);
			}

			continue;
		}

		// Only the commented defaults the stock file ships ("# bind 127.0.0.1 -::1"), not prose.
		if (commented && !/^[\d.:*\s-]+$/.test(value)) {
			continue;
		}

		const entry = directive({
			file,
			line: index + 1,
			raw,
			key,
			value,
			commented,
		});
		if (entry) {
			lines.push(entry);
		}
	}

	return {lines, includes};
}

function mysql(text: string, file: string): ConfigParse {
	const lines: ConfigLine[] = [];
	const includes: string[] = [];
	let section = '';
	for (const [index, raw] of text.split('\n').entries()) {
		const include = /^\s*!include(dir)?\s+(\S+)/.exec(raw);
		if (include) {
			includes.push(
				include[1] ? `${include[2]!.replace(/\/$/, '')}/*.cnf` : include[2]!,
			);
			continue;
		}

		const header = /^\s*\[([^\]]+)]/.exec(raw);
		if (header) {
			section = header[1]!.trim().toLowerCase();
			continue;
		}

		if (
			!/^(mysqld|mariadb|server|mysqld-[\d.]+|mariadb-[\d.]+|mysqld_safe)$/.test(
				section,
			)
		) {
			continue;
		}

		const match = /^\s*(#\s*)?(bind[-_]address|port)\s*=\s*([^#\n]+)/.exec(raw);
		if (!match) {
			continue;
		}

		const commented = Boolean(match[1]);
		const key = match[2]!;
		const value = match[3]!.trim();
		const entry = directive({
			file,
			line: index + 1,
			raw,
			key,
			value,
			commented,
		});
		if (entry) {
			lines.push(entry);
		}
	}

	return {lines, includes};
}

function mongodb(text: string, file: string): ConfigParse {
	const lines: ConfigLine[] = [];
	let inNet = false;
	for (const [index, raw] of text.split('\n').entries()) {
		if (/^\S/.test(raw) && !raw.trim().startsWith('#')) {
			inNet = raw.startsWith('net:');
			continue;
		}

		const match = /^\s+(#\s*)?(bindIp|bindIpAll|port):\s*([^#\n]+)/.exec(raw);
		if (!inNet || !match) {
			continue;
		}

		const commented = Boolean(match[1]);
		const key = match[2]!;
		const value = match[3]!.trim();
		const base = {
			file,
			line: index + 1,
			text: raw.trim(),
			key,
			...(commented ? {commented} : {}),
		};
		if (key === 'port') {
			if (/^\d+$/.test(value)) {
				lines.push({...base, port: Number(value)});
			}
		} else if (key === 'bindIpAll') {
			if (value === 'true') {
				lines.push({...base, addresses: ['0.0.0.0', '::']});
			}
		} else {
			lines.push({...base, addresses: splitList(value)});
		}
	}

	return {lines, includes: []};
}

function elasticsearch(text: string, file: string): ConfigParse {
	const lines: ConfigLine[] = [];
	for (const [index, raw] of text.split('\n').entries()) {
		const match =
			/^\s*(#\s*)?(network\.host|network\.bind_host|http\.host|http\.port)\s*:\s*([^#\n]+)/.exec(
				raw,
			);
		if (!match) {
			continue;
		}

		const commented = Boolean(match[1]);
		const key = match[2]!;
		const value = unquote(match[3]!);
		const base = {
			file,
			line: index + 1,
			text: raw.trim(),
			key,
			...(commented ? {commented} : {}),
		};
		if (key === 'http.port') {
			const port = /^(\d+)/.exec(value);
			if (port) {
				lines.push({...base, port: Number(port[1])});
			}
		} else {
			const addresses = splitList(value.replaceAll(/^\[|]$/g, '')).map(a =>
				a === '_local_'
					? 'localhost'
					: a === '_site_' || a === '_global_'
						? '0.0.0.0'
						: a,
			);
			lines.push({...base, addresses});
		}
	}

	return {lines, includes: []};
}

function apache(text: string, file: string): ConfigParse {
	const lines: ConfigLine[] = [];
	const includes: string[] = [];
	for (const [index, raw] of text.split('\n').entries()) {
		const include = /^\s*include(?:optional)?\s+(\S+)/i.exec(raw);
		if (include) {
			includes.push(unquote(include[1]!));
			continue;
		}

		const match = /^\s*listen\s+(\S+)/i.exec(raw);
		if (!match) {
			continue;
		}

		const spec = addressPort(match[1]!);
		lines.push({
			file,
			line: index + 1,
			text: raw.trim(),
			key: 'Listen',
			addresses: [spec.address ?? '*'],
			...(spec.port === undefined ? {} : {port: spec.port}),
		});
	}

	return {lines, includes};
}

function sshd(text: string, file: string): ConfigParse {
	const lines: ConfigLine[] = [];
	const includes: string[] = [];
	for (const [index, raw] of text.split('\n').entries()) {
		if (/^\s*match\s/i.test(raw)) {
			break;
		}

		const match = /^\s*(#\s*)?(port|listenaddress|include)\s+(\S+)/i.exec(raw);
		if (!match) {
			continue;
		}

		const commented = Boolean(match[1]);
		const key = match[2]!;
		const value = match[3]!;
		if (/^include$/i.test(key)) {
			if (!commented) {
				includes.push(value);
			}

			continue;
		}

		const base = {
			file,
			line: index + 1,
			text: raw.trim(),
			key,
			...(commented ? {commented} : {}),
		};
		if (/^port$/i.test(key)) {
			if (/^\d+$/.test(value)) {
				lines.push({...base, port: Number(value)});
			}
		} else {
			const spec = addressPort(value);
			lines.push({
				...base,
				addresses: [spec.address ?? value],
				...(spec.port === undefined ? {} : {port: spec.port}),
			});
		}
	}

	return {lines, includes};
}

function walkNginx(
	directives: readonly NginxDirective[],
	visit: (directive: NginxDirective, parents: readonly string[]) => void,
	parents: readonly string[] = [],
) {
	for (const directive of directives) {
		visit(directive, parents);
		if (directive.block) {
			walkNginx(directive.block, visit, [...parents, directive.name]);
		}
	}
}

function nginx(text: string, file: string): ConfigParse {
	const lines: ConfigLine[] = [];
	const includes: string[] = [];
	const source = text.split('\n');
	walkNginx(parseNginxConfig(text, file).directives, (directive, parents) => {
		if (directive.name === 'include' && directive.args[0]) {
			includes.push(directive.args[0]);
			return;
		}

		if (directive.name !== 'listen' || parents.at(-1) !== 'server') {
			return;
		}

		const listen = parseNginxListen(directive.args, 80);
		if (!listen) {
			return;
		}

		const spec = directive.args[0] ?? '';
		const wildcard = spec.startsWith('[') ? '::' : '0.0.0.0';
		const address =
			listen.address === undefined || listen.address === '*'
				? wildcard
				: listen.address;
		lines.push({
			file,
			line: directive.line,
			text: (
				source[directive.line - 1] ?? `listen ${directive.args.join(' ')};`
			).trim(),
			key: 'listen',
			addresses: [address],
			port: listen.port,
		});
	});
	return {lines, includes};
}

export function parseServiceConfig(
	syntax: ConfigSyntax,
	text: string,
	file: string,
): ConfigParse {
	switch (syntax) {
		case 'postgresql': {
			return postgresql(text, file);
		}

		case 'nginx': {
			return nginx(text, file);
		}

		case 'redis': {
			return redis(text, file);
		}

		case 'mysql': {
			return mysql(text, file);
		}

		case 'mongodb': {
			return mongodb(text, file);
		}

		case 'elasticsearch': {
			return elasticsearch(text, file);
		}

		case 'apache': {
			return apache(text, file);
		}

		case 'sshd': {
			return sshd(text, file);
		}
	}
}

/** Settings given on the command line win over the file: postgres -c listen_addresses=... -p N -h ADDR, mysqld --port=N, ... */
export function parseCommandLineConfig(
	syntax: ConfigSyntax,
	argv: readonly string[],
	file: string,
): ConfigLine[] {
	const lines: ConfigLine[] = [];
	const shown = argv.join(' ');
	const add = (key: string, value: string) => {
		if (/port$/i.test(key)) {
			if (/^\d+$/.test(value)) {
				lines.push({file, line: 0, text: shown, key, port: Number(value)});
			}
		} else {
			lines.push({
				file,
				line: 0,
				text: shown,
				key,
				addresses: splitList(value),
			});
		}
	};

	for (let index = 1; index < argv.length; index++) {
		const argument = argv[index]!;
		const next = argv[index + 1];
		if (syntax === 'postgresql') {
			const setting = /^(?:-c|--)?(listen_addresses|port)=(.*)$/.exec(
				argument === '-c' && next ? next : argument,
			);
			if (setting) {
				add(setting[1]!, setting[2]!);
				if (argument === '-c') {
					index++;
				}
			} else if ((argument === '-p' || argument === '-h') && next) {
				add(argument === '-p' ? 'port' : 'listen_addresses', next);
			}
		} else if (
			syntax === 'mysql' ||
			syntax === 'mongodb' ||
			syntax === 'redis'
		) {
			const setting = /^--(bind[-_]address|bind_ip|port|bind)(?:=(.*))?$/.exec(
				argument,
			);
			if (setting) {
				add(setting[1]!, setting[2] ?? next ?? '');
			} else if (argument === '--bind_ip_all') {
				add('bind_ip_all', '0.0.0.0,::');
			}
		} else if (syntax === 'sshd' && argument === '-p' && next) {
			add('Port', next);
		}
	}

	return lines;
}

/** Config files named on a process's command line (before the distribution defaults). */
export function configFromCommandLine(
	syntax: ConfigSyntax,
	argv: readonly string[],
): {files: string[]; dir?: string} {
	const value = (names: readonly string[]): string | undefined => {
		for (let index = 1; index < argv.length; index++) {
			const argument = argv[index]!;
			for (const name of names) {
				if (argument === name && argv[index + 1]) {
					return argv[index + 1];
				}

				if (name.startsWith('--') && argument.startsWith(`${name}=`)) {
					return argument.slice(name.length + 1);
				}
			}
		}

		return undefined;
	};

	switch (syntax) {
		case 'postgresql': {
			const configFile =
				argv
					.find(a => a.startsWith('config_file='))
					?.slice('config_file='.length) ??
				argv
					.find(a => a.startsWith('--config-file='))
					?.slice('--config-file='.length) ??
				argv
					.find(a => a.startsWith('--config_file='))
					?.slice('--config_file='.length);
			const dir = value(['-D']);
			return {
				files: [
					configFile ??
						(dir ? `${dir.replace(/\/$/, '')}/postgresql.conf` : ''),
				].filter(Boolean),
				...(dir ? {dir} : {}),
			};
		}

		case 'nginx': {
			const prefix = value(['-p']);
			const conf = value(['-c']);
			if (!conf) {
				return {files: [], ...(prefix ? {dir: prefix} : {})};
			}

			const file = conf.startsWith('/')
				? conf
				: `${(prefix ?? '/etc/nginx').replace(/\/$/, '')}/${conf}`;
			return {files: [file], ...(prefix ? {dir: prefix} : {})};
		}

		case 'mysql': {
			const file = value(['--defaults-file']);
			return {files: file ? [file] : []};
		}

		case 'mongodb': {
			const file = value(['--config', '-f']);
			return {files: file ? [file] : []};
		}

		case 'redis': {
			const file = argv.slice(1).find(a => a.endsWith('.conf'));
			return {files: file ? [file] : []};
		}

		case 'apache':
		case 'sshd': {
			const file = value(['-f']);
			return {files: file ? [file] : []};
		}

		case 'elasticsearch': {
			const dir = argv
				.find(a => a.startsWith('-Des.path.conf='))
				?.slice('-Des.path.conf='.length);
			return {files: dir ? [`${dir}/elasticsearch.yml`] : []};
		}
	}
}

/**
What the lines say, last setting wins (the command line over the files): addresses (undefined when
only commented defaults are there) and port.
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
	// Nginx, Apache: several listen lines add up; the others: the last one wins.
	const multi = active.some(
		line =>
			line.key === 'listen' ||
			line.key === 'Listen' ||
			line.key === 'ListenAddress',
	);
	if (multi) {
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
