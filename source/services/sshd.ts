/** OpenSSH server: sshd_config (Port, ListenAddress, Include; stops at the first Match), sshd -p. */
import {
	addressPort,
	scanConfig,
	settingsFromArgv,
	type LineSyntax,
} from '../parsers/service-config.js';
import {asRoot, optionValue} from './command.js';
import {firewallLine} from './firewall-line.js';
import type {ServiceModule} from './types.js';

const syntax: LineSyntax = {
	setting: /^\s*(#\s*)?(port|listenaddress|include)\s+(\S+)/i,
	includeKey: /^include$/i,
	stop: /^\s*match\s/i,
	value(key, value) {
		if (/^port$/i.test(key)) {
			return /^\d+$/.test(value) ? {port: Number(value)} : undefined;
		}

		const spec = addressPort(value);
		return {
			addresses: [spec.address ?? value],
			...(spec.port === undefined ? {} : {port: spec.port}),
		};
	},
};

export const sshd: ServiceModule = {
	id: 'sshd',
	name: 'OpenSSH server',
	ports: [22],
	processes: ['sshd'],
	units: ['ssh.service', 'sshd.service'],
	configPaths: ['/etc/ssh/sshd_config'],
	logPaths: ['/var/log/auth.log', '/var/log/secure'],
	defaultAddresses: ['0.0.0.0', '::'],
	exposure: `${firewallLine}, and allow keys only (PasswordAuthentication no).`,
	bindAll: 'ListenAddress 0.0.0.0\nListenAddress ::',
	syntax: {
		parse: (text, file) => scanConfig(text, file, syntax),
		commandLine: (argv, file) =>
			settingsFromArgv(argv, [{flag: '-p', key: 'Port'}], {file}),
		configFiles(argv) {
			const file = optionValue(argv, ['-f']);
			return {files: file ? [file] : []};
		},
		bindEdit: address => `ListenAddress ${address}`,
		setPort: port => `Port ${port}`,
	},
	restart({systemd, root, config}) {
		const file = config?.files[0];
		const test = asRoot(root, ['sshd', '-t', ...(file ? ['-f', file] : [])]);
		return systemd
			? `${test} && ${asRoot(root, ['systemctl', 'restart', 'ssh'])}`
			: `${test} && ${root ? '' : 'sudo '}kill -HUP "$(cat /run/sshd.pid)"`;
	},
};
