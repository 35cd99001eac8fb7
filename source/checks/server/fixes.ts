/**
Fix builders shared by the server checks (pure). Text from the system (paths, argv, config values)
reaches a command only through `shellQuote` (or, for config values written back into an edit, only
when it is an address-like token); `sudo` is added only when not root.
*/
import type {ConfigLine, ServiceConfigFacts} from '../../tree/facts.js';
import type {Fix} from '../../tree/types.js';
import {safeTokens} from '../../services/command.js';
import type {ServiceModule} from '../../services/index.js';
import {shellQuote} from '../../text/sanitize.js';

/** Where this host is: systemd or not, root or not (what restart commands depend on). */
export type HostKind = {readonly systemd: boolean; readonly root: boolean};

/** "FILE:LINE" of a config line (the file quoted for the shell). */
export function placeOf(line: ConfigLine): string {
	const file = shellQuote([line.file]);
	return line.line === 0 ? file : `${file}:${line.line}`;
}

function where(
	line: ConfigLine | undefined,
	config: ServiceConfigFacts | undefined,
	service: ServiceModule,
): string {
	if (line && line.line > 0) {
		return placeOf(line);
	}

	const file = config?.files[0];
	return file
		? shellQuote([file])
		: (service.syntax?.findConfig ??
				service.configPaths[0] ??
				'its config file');
}

/** How to restart (or reload) the service on this host. */
export function restartCommand(
	service: ServiceModule,
	config: ServiceConfigFacts | undefined,
	host: HostKind,
): string {
	return service.restart({...host, ...(config ? {config} : {})});
}

/** Fixes that make the service listen on the dialed address: the config edit, then the restart. */
export function bindFixes(
	service: ServiceModule,
	read: {
		readonly config: ServiceConfigFacts | undefined;
		/** The line that sets where it listens now. */
		readonly bindLine: ConfigLine | undefined;
		/** Where it listens now, when no config line can say (its config file is not known). */
		readonly listening?: readonly string[];
	},
	to: {readonly address: string; readonly port: number},
	host: HostKind,
): Fix[] {
	const {config, bindLine} = read;
	const {address, port} = to;
	if (!service.syntax) {
		return [
			{
				command: service.bindAll.replaceAll('PORT', String(port)),
				why: `Make the server listen on ${address} (or 0.0.0.0 / :: for every address), not only where it does now. ${service.exposure}`,
			},
		];
	}

	const kept = safeTokens(
		bindLine?.addresses ?? read.listening ?? service.defaultAddresses,
	).filter(a => a !== address);
	const edit = service.syntax.bindEdit(address, port, kept);
	const restart = {
		command: restartCommand(service, config, host),
		why: `${service.name} reads its listen addresses only at start: restart (or reload) it for the change to apply.`,
	};
	if (bindLine?.line === 0) {
		return [
			{
				command: `${edit}  (on ${service.name}'s command line)`,
				why: `The address is set on the command line (${bindLine.text}), which wins over the config file: change it where ${service.name} is started. ${service.exposure}`,
			},
			restart,
		];
	}

	const was = bindLine ? ` (now: ${bindLine.text})` : '';
	const all =
		service.id === 'postgresql' ? " ('*' listens on every address)" : '';
	return [
		{
			command: `${where(bindLine, config, service)}: ${edit}`,
			why: `Listen on ${address} as well${all}${was}. ${service.exposure}`,
		},
		restart,
	];
}
