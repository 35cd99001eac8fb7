/**
The fixes of the container causes, pure. Everything taken from the engine (container and image
names, commands, environment, compose paths and labels, the CLI's -H socket) reaches a command only
through `shellQuote`, as one argv; prose fixes quote each such value the same way and hold no shell
syntax of their own, so pasting any of them into a shell runs nothing that came from the system.
*/
import {shellQuote, sudoArgs} from '../../text/sanitize.js';
import type {ContainerInfo, ContainerPortBinding} from '../../tree/facts.js';
import type {Fix} from '../../tree/types.js';
import {publishFlag} from './chain.js';

const loopbackPattern = /\b(?:127\.0\.0\.1|localhost)\b/;
const loopbackAll = /\b(?:127\.0\.0\.1|localhost)\b/g;

/** `docker compose ... up -d SERVICE` for a container made by compose. */
export function composeUp(
	container: ContainerInfo,
	cli: readonly string[],
): string | undefined {
	const compose = container.compose;
	if (!compose) {
		return undefined;
	}

	const files = (compose.configFiles ?? '').split(',').filter(Boolean);
	return shellQuote([
		...cli,
		'compose',
		...(compose.workingDir ? ['--project-directory', compose.workingDir] : []),
		...files.flatMap(file => ['-f', file]),
		'up',
		'-d',
		compose.service,
	]);
}

function composeFile(container: ContainerInfo): string {
	const compose = container.compose;
	return (
		compose?.configFiles?.split(',')[0] ??
		`${compose?.workingDir ?? '.'}/compose.yaml`
	);
}

/** What to change: the -p flags always, the command or one environment entry sometimes. */
type Recreate = {
	readonly publish: readonly string[];
	readonly cmd?: readonly string[];
	readonly env?: string;
};

/** The `docker run` that recreates this container with new -p flags (and maybe a new command or variable). */
function rerun(
	container: ContainerInfo,
	cli: readonly string[],
	change: Recreate,
): string {
	return shellQuote([
		...cli,
		'run',
		'-d',
		'--name',
		container.name,
		...change.publish.flatMap(flag => ['-p', flag]),
		...(change.env === undefined ? [] : ['-e', change.env]),
		container.image,
		...(change.cmd ?? container.cmd),
	]);
}

/** Publish flags of the container as they are, with one changed or added. */
export function publishFlags(
	container: ContainerInfo,
	change?: {readonly from?: ContainerPortBinding; readonly to: string},
): string[] {
	const flags: string[] = [];
	for (const binding of container.portBindings) {
		const changed =
			change?.from?.hostPort === binding.hostPort &&
			change.from.containerPort === binding.containerPort;
		flags.push(
			changed ? change.to : publishFlag(binding, binding.containerPort),
		);
	}

	if (change && !change.from) {
		flags.push(change.to);
	}

	return [...new Set(flags)];
}

const recreateWhy = (container: ContainerInfo, cli: readonly string[]) =>
	`A container's command and port mappings cannot change once it exists: remove it first (${shellQuote([...cli, 'rm', '-f', container.name])}) and repeat its other run options (environment, volumes, network).`;

/** A setting in the container's command or environment that pins the app to loopback. */
function loopbackSetting(
	container: ContainerInfo,
): {readonly cmd?: string[]; readonly env?: string} | undefined {
	if (container.cmd.some(argument => loopbackPattern.test(argument))) {
		return {
			cmd: container.cmd.map(argument =>
				argument.replaceAll(loopbackAll, '0.0.0.0'),
			),
		};
	}

	const variable = container.env.find(
		entry =>
			/^\w*(?:host|bind|addr|address|listen)\w*=/i.test(entry) &&
			loopbackPattern.test(entry.slice(entry.indexOf('=') + 1)),
	);
	return variable ? {env: variable} : undefined;
}

function settingFix(
	container: ContainerInfo,
	cli: readonly string[],
	containerPort: number,
): Fix {
	const setting = loopbackSetting(container);
	if (setting?.cmd) {
		return {
			command: rerun(container, cli, {
				publish: publishFlags(container),
				cmd: setting.cmd,
			}),
			why: `The container's command pins the app to loopback (${shellQuote(container.cmd)}); this runs it on 0.0.0.0 instead. ${recreateWhy(container, cli)}`,
		};
	}

	if (setting?.env) {
		const key = setting.env.slice(0, setting.env.indexOf('='));
		const value = setting.env
			.slice(key.length + 1)
			.replaceAll(loopbackAll, '0.0.0.0');
		return {
			command: rerun(container, cli, {
				publish: publishFlags(container),
				env: `${key}=${value}`,
			}),
			why: `The container's environment pins the app to loopback (${shellQuote([setting.env])}); this sets it to 0.0.0.0. ${recreateWhy(container, cli)}`,
		};
	}

	return {
		command: `Set the listen address of the app in ${shellQuote([container.name])} (image ${shellQuote([container.image])}) to 0.0.0.0:${containerPort}, e.g. --host 0.0.0.0, HOST=0.0.0.0, bind 0.0.0.0, server.address=0.0.0.0`,
		why: "Inside the container 127.0.0.1 is the container's own loopback; docker-proxy and NAT reach the app on the container's bridge address, which only 0.0.0.0 (or that address) accepts.",
	};
}

/** Make the app in the container listen on every address, not its own loopback. */
export function bindFixes(
	container: ContainerInfo,
	cli: readonly string[],
	containerPort: number,
): Fix[] {
	const up = composeUp(container, cli);
	return [
		...(container.compose && up
			? [
					{
						command: `In ${shellQuote([composeFile(container)])}, service ${shellQuote([container.compose.service])}: make the app listen on 0.0.0.0:${containerPort} (its command or environment), then: ${up}`,
						why: "Inside the container 127.0.0.1 is the container's own loopback: Docker forwards to the container's bridge address, which only 0.0.0.0 (or that address) accepts. Compose recreates the container with the change.",
					},
				]
			: []),
		settingFix(container, cli, containerPort),
	];
}

/** Publish a host port (`flag`, as `-p` takes it), replacing the mapping `from` when given. */
export function publishFixes(
	container: ContainerInfo,
	cli: readonly string[],
	flag: string,
	from?: ContainerPortBinding,
): Fix[] {
	const up = composeUp(container, cli);
	return [
		...(container.compose && up
			? [
					{
						command: `In ${shellQuote([composeFile(container)])}, service ${shellQuote([container.compose.service])}: ports: ["${flag}"], then: ${up}`,
						why: '`ports:` publishes on the host (`expose:` does not); compose recreates the container with the new mapping.',
					},
				]
			: []),
		{
			command: rerun(container, cli, {
				publish: publishFlags(container, {from, to: flag}),
			}),
			why: recreateWhy(container, cli),
		},
	];
}

/** `docker logs --tail N NAME`. */
export function logsCommand(
	container: ContainerInfo,
	cli: readonly string[],
	tail: number,
): string {
	return shellQuote([...cli, 'logs', '--tail', String(tail), container.name]);
}

/** Start a stopped container again: through compose when compose made it. */
export function startCommand(
	container: ContainerInfo,
	cli: readonly string[],
): string {
	return (
		composeUp(container, cli) ?? shellQuote([...cli, 'start', container.name])
	);
}

/** What listens inside a container's network namespace, to run by hand (root only). */
export function nsenterCommand(pid: number, uid: number | undefined): string {
	return shellQuote([
		...sudoArgs(uid),
		'nsenter',
		'-t',
		String(pid),
		'-n',
		'ss',
		'-Htln',
	]);
}
