/** MySQL and MariaDB: my.cnf ([mysqld]/[mariadb]/[server] sections, !include/!includedir), mysqld --port/--bind-address. */
import {
	scanConfig,
	settingsFromArgv,
	type LineSyntax,
} from '../parsers/service-config.js';
import {optionValue, systemctl} from './command.js';
import {firewallLine} from './firewall-line.js';
import type {ServiceModule} from './types.js';

const syntax: LineSyntax = {
	setting: /^\s*(#\s*)?(bind[-_]address|port)\s*=\s*([^#\n]+)/,
	includeLine: /^\s*(!include(?:dir)?\s+\S+)/,
	includePattern(_key, line) {
		const [directive, path = ''] = line.split(/\s+/);
		return directive === '!includedir'
			? `${path.replace(/\/$/, '')}/*.cnf`
			: path;
	},
	section: {
		header: /^\s*\[([^\]]+)]/,
		keep: /^(mysqld|mariadb|server|mysqld-[\d.]+|mariadb-[\d.]+|mysqld_safe)$/,
	},
};

export const mysql: ServiceModule = {
	id: 'mysql',
	name: 'MySQL/MariaDB',
	ports: [3306],
	processes: ['mysqld', 'mariadbd'],
	units: ['mysql*', 'mariadb*'],
	configPaths: [
		'/etc/mysql/mysql.conf.d/mysqld.cnf',
		'/etc/mysql/mariadb.conf.d/50-server.cnf',
		'/etc/mysql/my.cnf',
		'/etc/my.cnf',
	],
	logPaths: [
		'/var/log/mysql/error.log',
		'/var/log/mariadb/mariadb.log',
		'/var/log/mysqld.log',
	],
	defaultAddresses: ['*'],
	exposure: `${firewallLine}, and give remote users a strong password (CREATE USER 'app'@'10.0.0.%').`,
	bindAll: 'bind-address = 0.0.0.0',
	syntax: {
		parse: (text, file) => scanConfig(text, file, syntax),
		commandLine: (argv, file) =>
			settingsFromArgv(
				argv,
				[
					{flag: '--bind-address', key: 'bind-address'},
					{flag: '--bind_address', key: 'bind_address'},
					{flag: '--port', key: 'port'},
				],
				{file},
			),
		configFiles(argv) {
			const file = optionValue(argv, ['--defaults-file']);
			return {files: file ? [file] : []};
		},
		// Before MySQL 8.0.13 bind-address takes one address: every address is the safe edit.
		bindEdit: () => 'bind-address = 0.0.0.0',
		setPort: port => `port = ${port}`,
		findConfig:
			'the [mysqld] section (where: mysqld --verbose --help | grep -A1 "Default options")',
	},
	restart: ({systemd, root}) =>
		systemd
			? systemctl(root, 'restart', 'mysql')
			: 'mysqladmin shutdown; mysqld_safe &',
};
