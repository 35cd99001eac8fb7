/** Redis and Valkey: redis.conf (bind, port, include), redis-server FILE --port/--bind. */
import {
	scanConfig,
	settingsFromArgv,
	type LineSyntax,
} from '../parsers/service-config.js';
import {shellQuote} from '../text/sanitize.js';
import {systemctl} from './command.js';
import {firewallLine} from './firewall-line.js';
import type {ServiceModule} from './types.js';

const syntax: LineSyntax = {
	setting: /^\s*(#\s*)?(bind|port|include)\s+([^#\n]+)/,
	includeKey: /^include$/,
	// Only the commented defaults the stock file ships ("# bind 127.0.0.1 -::1"), not prose.
	commentedDefault: /^[\d.:*\s-]+$/,
};

export const redis: ServiceModule = {
	id: 'redis',
	name: 'Redis',
	ports: [6379],
	processes: ['redis-server', 'valkey-server'],
	units: ['redis*', 'valkey*'],
	configPaths: [
		'/etc/redis/redis.conf',
		'/etc/redis.conf',
		'/etc/valkey/valkey.conf',
	],
	logPaths: ['/var/log/redis/redis-server.log', '/var/log/redis'],
	defaultAddresses: ['*'],
	exposure: `${firewallLine} and set requirepass (Redis has no password by default; protected-mode refuses remote clients without one).`,
	bindAll: 'bind 0.0.0.0 ::',
	syntax: {
		parse: (text, file) => scanConfig(text, file, syntax),
		commandLine: (argv, file) =>
			settingsFromArgv(
				argv,
				[
					{flag: '--bind', key: 'bind'},
					{flag: '--port', key: 'port'},
				],
				{file},
			),
		configFiles(argv) {
			const file = argv.slice(1).find(a => a.endsWith('.conf'));
			return {files: file ? [file] : []};
		},
		bindEdit: (address, _port, kept) => `bind ${[...kept, address].join(' ')}`,
		setPort: port => `port ${port}`,
		findConfig:
			'the redis.conf it was started with (where: redis-cli -p PORT INFO server | grep config_file)',
	},
	restart({systemd, root, config}) {
		if (systemd) {
			return systemctl(root, 'restart', 'redis-server');
		}

		const file = config?.files[0];
		return file
			? `redis-cli shutdown; ${shellQuote(['redis-server', file])} &`
			: 'redis-cli shutdown, then start redis-server with its config file';
	},
};
