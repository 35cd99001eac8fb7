/** Nginx as a service: `listen` in server blocks (through the nginx parser), -c/-p, nginx -t && reload. */
import type {ConfigLine} from '../tree/facts.js';
import {
	parseNginxConfig,
	parseNginxListen,
	type NginxDirective,
} from '../parsers/nginx.js';
import type {ConfigParse} from '../parsers/service-config.js';
import {hostPort} from '../net/address.js';
import {asRoot, optionValue} from './command.js';
import {firewallLine} from './firewall-line.js';
import type {ServiceModule} from './types.js';

function walk(
	directives: readonly NginxDirective[],
	visit: (directive: NginxDirective, parent: string | undefined) => void,
	parent?: string,
) {
	for (const directive of directives) {
		visit(directive, parent);
		if (directive.block) {
			walk(directive.block, visit, directive.name);
		}
	}
}

function listenLine(
	directive: NginxDirective,
	source: readonly string[],
	file: string,
): ConfigLine | undefined {
	const listen = parseNginxListen(directive.args, 80);
	if (!listen) {
		return undefined;
	}

	const wildcard = (directive.args[0] ?? '').startsWith('[') ? '::' : '0.0.0.0';
	const address =
		listen.address === undefined || listen.address === '*'
			? wildcard
			: listen.address;
	return {
		file,
		line: directive.line,
		text: (
			source[directive.line - 1] ?? `listen ${directive.args.join(' ')};`
		).trim(),
		key: 'listen',
		addresses: [address],
		port: listen.port,
	};
}

function parse(text: string, file: string): ConfigParse {
	const lines: ConfigLine[] = [];
	const includes: string[] = [];
	const source = text.split('\n');
	walk(parseNginxConfig(text, file).directives, (directive, parent) => {
		if (directive.name === 'include' && directive.args[0]) {
			includes.push(directive.args[0]);
		} else if (directive.name === 'listen' && parent === 'server') {
			const line = listenLine(directive, source, file);
			if (line) {
				lines.push(line);
			}
		}
	});
	return {lines, includes};
}

/** The -c and -p options as the master was started with them (for nginx -t and reload). */
function startOptions(argv: readonly string[]): string[] {
	const conf = optionValue(argv, ['-c']);
	const prefix = optionValue(argv, ['-p']);
	return [...(conf ? ['-c', conf] : []), ...(prefix ? ['-p', prefix] : [])];
}

export const nginx: ServiceModule = {
	id: 'nginx',
	name: 'nginx',
	ports: [80, 443, 8080],
	processes: ['nginx'],
	units: ['nginx*'],
	configPaths: ['/etc/nginx/nginx.conf'],
	logPaths: ['/var/log/nginx/error.log'],
	defaultAddresses: ['0.0.0.0'],
	exposure: `${firewallLine} (the site becomes reachable by every host that can route here).`,
	bindAll: 'listen {port};  listen [::]:{port};',
	syntax: {
		parse,
		commandLine: () => [],
		configFiles(argv) {
			const prefix = optionValue(argv, ['-p']);
			const conf = optionValue(argv, ['-c']);
			const dir = prefix ? {dir: prefix} : {};
			if (!conf) {
				return {
					files: prefix ? [`${prefix.replace(/\/$/, '')}/conf/nginx.conf`] : [],
					...dir,
				};
			}

			const file = conf.startsWith('/')
				? conf
				: `${(prefix ?? '/etc/nginx').replace(/\/$/, '')}/${conf}`;
			return {files: [file], ...dir};
		},
		includesFromPrefix: true,
		bindEdit: (address, port) => `listen ${hostPort(address, port)};`,
		setPort: port => `listen ${port};`,
		findConfig: 'the nginx config (where: sudo nginx -T | grep -n listen)',
	},
	restart({systemd, root, config}) {
		if (systemd) {
			return `${asRoot(root, ['nginx', '-t'])} && ${asRoot(root, ['systemctl', 'reload', 'nginx'])}`;
		}

		const options = startOptions(config?.argv ?? []);
		return `${asRoot(root, ['nginx', ...options, '-t'])} && ${asRoot(root, ['nginx', ...options, '-s', 'reload'])}`;
	},
};
