/** Apache httpd: Listen [ADDRESS:]PORT lines (they add up), Include/IncludeOptional, apachectl. */
import {
	addressPort,
	scanConfig,
	type LineSyntax,
} from '../parsers/service-config.js';
import {hostPort} from '../net/address.js';
import {optionValue, asRoot} from './command.js';
import {firewallLine} from './firewall-line.js';
import type {ServiceModule} from './types.js';

const syntax: LineSyntax = {
	// Group 1 (the comment mark) is always empty: a commented Listen says nothing.
	setting: /^\s*()(listen)\s+(\S+)/i,
	includeLine: /^\s*include(?:optional)?\s+(\S+)/i,
	value(_key, value) {
		const spec = addressPort(value);
		return {
			key: 'Listen',
			addresses: [spec.address ?? '*'],
			...(spec.port === undefined ? {} : {port: spec.port}),
		};
	},
};

export const apache: ServiceModule = {
	id: 'apache',
	name: 'Apache httpd',
	ports: [80, 443, 8080],
	processes: ['apache2', 'httpd'],
	units: ['apache2*', 'httpd*'],
	configPaths: [
		'/etc/apache2/ports.conf',
		'/etc/httpd/conf/httpd.conf',
		'/etc/apache2/apache2.conf',
	],
	logPaths: ['/var/log/apache2/error.log', '/var/log/httpd/error_log'],
	defaultAddresses: ['*'],
	exposure: `${firewallLine} (the site becomes reachable by every host that can route here).`,
	bindAll: 'Listen {port}',
	syntax: {
		parse: (text, file) => scanConfig(text, file, syntax),
		commandLine: () => [],
		configFiles(argv) {
			const file = optionValue(argv, ['-f']);
			return {files: file ? [file] : []};
		},
		bindEdit: (address, port) => `Listen ${hostPort(address, port)}`,
		setPort: port => `Listen ${port}`,
	},
	restart({systemd, root}) {
		const test = asRoot(root, ['apachectl', 'configtest']);
		return systemd
			? `${test} && ${asRoot(root, ['systemctl', 'reload', 'apache2'])}`
			: `${test} && ${asRoot(root, ['apachectl', 'graceful'])}`;
	},
};
