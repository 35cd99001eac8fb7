/** MongoDB: mongod.conf (YAML, net.bindIp / bindIpAll / port), mongod --bind_ip/--port/--bind_ip_all. */
import {
	scanConfig,
	settingsFromArgv,
	splitList,
	type LineSyntax,
} from '../parsers/service-config.js';
import {shellQuote} from '../text/sanitize.js';
import {optionValue, systemctl} from './command.js';
import {firewallLine} from './firewall-line.js';
import type {ServiceModule} from './types.js';

const syntax: LineSyntax = {
	setting: /^\s+(#\s*)?(bindIp|bindIpAll|port):\s*([^#\n]+)/,
	// A top-level key starts a section; only "net:" holds the listen settings.
	section: {header: /^([^\s#]\S*)/, keep: /^net:/},
	value(key, value) {
		if (key === 'port') {
			return /^\d+$/.test(value) ? {port: Number(value)} : undefined;
		}

		if (key === 'bindIpAll') {
			return value === 'true' ? {addresses: ['0.0.0.0', '::']} : undefined;
		}

		return {addresses: splitList(value)};
	},
};

export const mongodb: ServiceModule = {
	id: 'mongodb',
	name: 'MongoDB',
	ports: [27_017],
	processes: ['mongod'],
	units: ['mongod*'],
	configPaths: ['/etc/mongod.conf'],
	logPaths: ['/var/log/mongodb/mongod.log'],
	defaultAddresses: ['127.0.0.1'],
	exposure: `${firewallLine} and enable authorization (security.authorization: enabled).`,
	bindAll: 'net:\n  bindIpAll: true',
	syntax: {
		parse: (text, file) => scanConfig(text, file, syntax),
		commandLine: (argv, file) =>
			settingsFromArgv(
				argv,
				[
					{flag: '--bind_ip', key: 'bind_ip'},
					{flag: '--port', key: 'port'},
					{flag: '--bind_ip_all', key: 'bind_ip_all', value: '0.0.0.0,::'},
				],
				{file},
			),
		configFiles(argv) {
			const file = optionValue(argv, ['--config', '-f']);
			return {files: file ? [file] : []};
		},
		bindEdit: (address, _port, kept) =>
			`bindIp: ${[...kept, address].join(',')}`,
		setPort: port => `net:\n  port: ${port}`,
	},
	restart({systemd, root, config}) {
		if (systemd) {
			return systemctl(root, 'restart', 'mongod');
		}

		const file = config?.files[0] ?? '/etc/mongod.conf';
		return `${shellQuote(['mongod', '--config', file, '--shutdown'])}; ${shellQuote(['mongod', '--config', file, '--fork'])}`;
	},
};
