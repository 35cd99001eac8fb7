import type {ConfigLine, Facts, ServiceConfigFacts} from '../../tree/facts.js';
import type {ServiceDef} from '../../tree/services.js';
import type {Fix} from '../../tree/types.js';
import {hostPort} from '../../net/address.js';

const findConfig: Readonly<Record<string, string>> = {
	postgresql:
		"postgresql.conf (where: sudo -u postgres psql -tAc 'SHOW config_file')",
	nginx: 'the nginx config (where: sudo nginx -T | grep -n listen)',
	mysql:
		'the [mysqld] section (where: mysqld --verbose --help | grep -A1 "Default options")',
};

function where(
	line: ConfigLine | undefined,
	config: ServiceConfigFacts | undefined,
	service: ServiceDef,
): string {
	if (line && line.line > 0) {
		return `${line.file}:${line.line}`;
	}

	return (
		config?.files[0] ??
		findConfig[service.id] ??
		service.configPaths[0] ??
		'its config file'
	);
}

/** The data or config folder the restart command needs (postgres -D DIR, nginx -p PREFIX). */
function commandLineValue(
	config: ServiceConfigFacts | undefined,
	flag: string,
): string | undefined {
	const how = config?.how ?? '';
	const match = new RegExp(`(?:^|\\s)${flag}\\s+(\\S+)`).exec(
		how.replace(/^[^:]*:\s*/, ' '),
	);
	return match?.[1];
}

/** How to restart (or reload) the service on this host: systemctl where systemd runs, its own command otherwise. */
export function restartCommand(
	service: ServiceDef,
	config: ServiceConfigFacts | undefined,
	facts: Facts,
): string {
	if (facts.environment?.systemd) {
		return service.restartSystemd;
	}

	if (service.id === 'postgresql') {
		const dir =
			commandLineValue(config, '-D') ??
			(config?.files[0]
				? config.files[0].replace(/\/[^/]+$/, '')
				: '/var/lib/postgresql/DATA');
		return `sudo -u postgres pg_ctl -D ${dir} restart`;
	}

	if (service.id === 'nginx') {
		const options = [
			...(commandLineValue(config, '-c')
				? ['-c', commandLineValue(config, '-c')!]
				: []),
			...(commandLineValue(config, '-p')
				? ['-p', commandLineValue(config, '-p')!]
				: []),
		].join(' ');
		const nginx = options ? `nginx ${options}` : 'nginx';
		return `${nginx} -t && ${nginx} -s reload`;
	}

	const file = config?.files[0] ?? service.configPaths[0] ?? '';
	return service.restartOther
		.replaceAll('{dir}', file.replace(/\/[^/]+$/, ''))
		.replaceAll('{file}', file);
}

/** The config line to write so the service also listens on `address` (keeping loopback where the syntax allows). */
export function bindEdit(
	service: ServiceDef,
	address: string,
	port: number,
	current: ConfigLine | undefined,
): string {
	const kept = (current?.addresses ?? service.defaultAddresses).filter(
		a => a !== address,
	);
	switch (service.id) {
		case 'postgresql': {
			return `listen_addresses = '${[...kept, address].join(',')}'`;
		}

		case 'nginx': {
			return `listen ${hostPort(address, port)};`;
		}

		case 'apache': {
			return `Listen ${hostPort(address, port)}`;
		}

		case 'redis': {
			return `bind ${[...kept, address].join(' ')}`;
		}

		case 'mysql': {
			return 'bind-address = 0.0.0.0';
		}

		case 'mongodb': {
			return `bindIp: ${[...kept, address].join(',')}`;
		}

		case 'elasticsearch': {
			return `network.host: [${[...kept.map(a => (a === 'localhost' ? '_local_' : a)), address].join(', ')}]`;
		}

		case 'sshd': {
			return `ListenAddress ${address}`;
		}

		default: {
			return service.bindAll.replaceAll('PORT', String(port));
		}
	}
}

/** Fixes that make the service listen on the dialed address: the config edit, then the restart. */
export function bindFixes(
	service: ServiceDef,
	config: ServiceConfigFacts | undefined,
	bindLine: ConfigLine | undefined,
	address: string,
	port: number,
	facts: Facts,
): Fix[] {
	if (!service.syntax) {
		return [
			{
				command: service.bindAll.replaceAll('PORT', String(port)),
				why: `Make the server listen on ${address} (or 0.0.0.0 / :: for every address), not only where it does now. ${service.exposure}`,
			},
		];
	}

	const edit = bindEdit(service, address, port, bindLine);
	if (bindLine?.line === 0) {
		return [
			{
				command: `${edit}  (on ${service.name}'s command line: ${bindLine.text})`,
				why: `The address is set on the command line (${bindLine.file}), which wins over the config file: change it where ${service.name} is started. ${service.exposure}`,
			},
			{
				command: restartCommand(service, config, facts),
				why: `${service.name} reads its listen addresses only at start.`,
			},
		];
	}

	const was = bindLine
		? ` (now: ${bindLine.line === 0 ? `${bindLine.key} on the command line` : bindLine.text})`
		: '';
	const all =
		service.id === 'postgresql' ? " ('*' listens on every address)" : '';
	return [
		{
			command: `${where(bindLine, config, service)}: ${edit}`,
			why: `Listen on ${address} as well${all}${was}. ${service.exposure}`,
		},
		{
			command: restartCommand(service, config, facts),
			why: `${service.name} reads its listen addresses only at start: restart (or reload) it for the change to apply.`,
		},
	];
}
