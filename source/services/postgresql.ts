/** PostgreSQL: postgresql.conf (listen_addresses, port, include*), postgres -D/-c/-p/-h, pg_ctl. */
import {
	scanConfig,
	settingsFromArgv,
	type LineSyntax,
} from '../parsers/service-config.js';
import {shellQuote} from '../text/sanitize.js';
import {dirname, optionValue, systemctl} from './command.js';
import {firewallLine} from './firewall-line.js';
import type {ServiceModule} from './types.js';

const syntax: LineSyntax = {
	setting:
		/^\s*(#\s*)?(listen_addresses|port|include|include_if_exists|include_dir)\s*=?\s*('(?:[^']|'')*'|[^\s#]+)/,
	includeKey: /^include/,
	includePattern: (key, value) =>
		key === 'include_dir'
			? `${unquoted(value).replace(/\/$/, '')}/*.conf`
			: unquoted(value),
	value(key, value) {
		const plain = unquoted(value);
		if (key === 'port') {
			return /^\d+$/.test(plain) ? {port: Number(plain)} : undefined;
		}

		return {addresses: plain.split(/[\s,]+/).filter(Boolean)};
	},
};

function unquoted(value: string): string {
	return value.replace(/^'(.*)'$/, '$1').replaceAll("''", "'");
}

/** The data folder pg_ctl needs: postgres -D DIR, else the config file's folder. */
function dataDir(argv: readonly string[], files: readonly string[]): string {
	return (
		optionValue(argv, ['-D']) ??
		(files[0] ? dirname(files[0]) : '/var/lib/postgresql/DATA')
	);
}

export const postgresql: ServiceModule = {
	id: 'postgresql',
	name: 'PostgreSQL',
	ports: [5432, 5433],
	processes: ['postgres', 'postmaster'],
	units: ['postgresql*'],
	configPaths: [
		'/etc/postgresql/*/main/postgresql.conf',
		'/var/lib/pgsql/data/postgresql.conf',
		'/var/lib/postgresql/data/postgresql.conf',
	],
	logPaths: ['/var/log/postgresql', '/var/lib/pgsql/data/log'],
	defaultAddresses: ['localhost'],
	exposure: `${firewallLine} and require passwords for remote hosts in pg_hba.conf (host ... scram-sha-256).`,
	bindAll: "listen_addresses = '*'",
	syntax: {
		parse: (text, file) => scanConfig(text, file, syntax),
		commandLine: (argv, file) =>
			settingsFromArgv(
				argv,
				[
					{flag: '-c'},
					{flag: '--listen_addresses', key: 'listen_addresses'},
					{flag: '--port', key: 'port'},
					{flag: '-p', key: 'port'},
					{flag: '-h', key: 'listen_addresses'},
				],
				{file, settings: /^(listen_addresses|port)$/},
			),
		configFiles(argv) {
			const configFile = argv
				.map(a => /^(?:--config[-_]file=|config_file=)(.+)$/.exec(a)?.[1])
				.find(Boolean);
			const dir = optionValue(argv, ['-D']);
			return {
				files: [
					configFile ??
						(dir ? `${dir.replace(/\/$/, '')}/postgresql.conf` : ''),
				].filter(Boolean),
				...(dir ? {dir} : {}),
			};
		},
		bindEdit: (address, _port, kept) =>
			`listen_addresses = '${[...kept, address].join(',')}'`,
		setPort: port => `port = ${port}`,
		findConfig:
			"postgresql.conf (where: sudo -u postgres psql -tAc 'SHOW config_file')",
	},
	restart({systemd, root, config}) {
		if (systemd) {
			return systemctl(root, 'restart', 'postgresql');
		}

		// Pg_ctl refuses to run as root: switch to the postgres user, root or not.
		return shellQuote([
			'sudo',
			'-u',
			'postgres',
			'pg_ctl',
			'-D',
			dataDir(config?.argv ?? [], config?.files ?? []),
			'restart',
		]);
	},
};
