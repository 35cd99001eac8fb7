import {parseAddress} from '../net/address.js';
import type {ContainerInfo, ContainerPortBinding} from '../tree/facts.js';
import {asObject, isObject, type Json} from '../text/json.js';

const object = asObject;
const string = (value: unknown): string =>
	typeof value === 'string' ? value : '';
const number = (value: unknown): number =>
	typeof value === 'number' && Number.isFinite(value) ? value : 0;
const strings = (value: unknown): string[] =>
	Array.isArray(value) ? value.filter(v => typeof v === 'string') : [];

/** "8080/tcp" → {port: 8080, protocol: 'tcp'}. */
function portKey(key: string): {port: number; protocol: string} | undefined {
	const match = /^(\d+)(?:\/(\w+))?$/.exec(key);
	if (!match) {
		return undefined;
	}

	return {port: Number(match[1]), protocol: match[2] ?? 'tcp'};
}

/** NetworkSettings.Ports or HostConfig.PortBindings: {"8080/tcp": [{"HostIp": "", "HostPort": "18080"}]}. */
function parseBindings(value: unknown): ContainerPortBinding[] {
	const bindings: ContainerPortBinding[] = [];
	for (const [key, list] of Object.entries(object(value))) {
		const container = portKey(key);
		if (!container || !Array.isArray(list)) {
			continue;
		}

		for (const entry of list) {
			const host = object(entry);
			const hostPort = Number.parseInt(string(host['HostPort']), 10);
			const hostIp = string(host['HostIp']);
			// The engine only ever writes an address here: anything else is not a mapping to show or copy.
			if (
				!Number.isInteger(hostPort) ||
				hostPort <= 0 ||
				hostPort > 65_535 ||
				(hostIp !== '' && !parseAddress(hostIp))
			) {
				continue;
			}

			bindings.push({
				containerPort: container.port,
				protocol: container.protocol,
				hostIp,
				hostPort,
			});
		}
	}

	return bindings;
}

function parseExposed(value: unknown): number[] {
	return Object.keys(object(value))
		.map(key => portKey(key))
		.filter(port => port?.protocol === 'tcp')
		.map(port => port!.port);
}

function parseAddresses(settings: Json): string[] {
	const addresses = new Set<string>();
	for (const key of ['IPAddress', 'GlobalIPv6Address']) {
		const address = string(settings[key]);
		if (address) {
			addresses.add(address);
		}
	}

	for (const network of Object.values(object(settings['Networks']))) {
		for (const key of ['IPAddress', 'GlobalIPv6Address']) {
			const address = string(object(network)[key]);
			if (address) {
				addresses.add(address);
			}
		}
	}

	return [...addresses];
}

function parseContainer(value: Json): ContainerInfo | undefined {
	const id = string(value['Id']) || string(value['ID']);
	if (!id) {
		return undefined;
	}

	const state = object(value['State']);
	const config = object(value['Config']);
	const host = object(value['HostConfig']);
	const settings = object(value['NetworkSettings']);
	const labels = object(config['Labels']);
	const label = (key: string) => string(labels[key]) || undefined;
	const project = label('com.docker.compose.project');
	const service = label('com.docker.compose.service');
	const path = string(value['Path']);
	const status =
		string(state['Status']) ||
		(state['Running'] === true ? 'running' : 'unknown');
	return {
		id,
		name: string(value['Name']).replace(/^\//, '') || id.slice(0, 12),
		image:
			string(config['Image']) ||
			string(value['ImageName']) ||
			string(value['Image']),
		state: status,
		// A restarting container has no process and no ports in effect: it is down, between crashes.
		running: state['Running'] === true && state['Restarting'] !== true,
		pid: number(state['Pid']),
		exitCode: number(state['ExitCode']),
		oomKilled: state['OOMKilled'] === true,
		error: string(state['Error']),
		startedAt: string(state['StartedAt']),
		finishedAt: string(state['FinishedAt']),
		restartCount: number(value['RestartCount']),
		command: [...(path ? [path] : []), ...strings(value['Args'])],
		cmd: strings(config['Cmd']),
		env: strings(config['Env']),
		networkMode: string(host['NetworkMode']),
		addresses: parseAddresses(settings),
		ports: parseBindings(settings['Ports']),
		portBindings: parseBindings(host['PortBindings']),
		exposed: parseExposed(config['ExposedPorts']),
		...(project && service
			? {
					compose: {
						project,
						service,
						...(label('com.docker.compose.project.working_dir')
							? {workingDir: label('com.docker.compose.project.working_dir')}
							: {}),
						...(label('com.docker.compose.project.config_files')
							? {configFiles: label('com.docker.compose.project.config_files')}
							: {}),
					},
				}
			: {}),
	};
}

/**
The output of `docker inspect ID...` (or `podman inspect`, which keeps Docker's field names): a
JSON array of containers. Total: odd input gives [] and unknown entries are left out.
*/
export function parseDockerInspect(stdout: string): ContainerInfo[] {
	let data: unknown;
	try {
		data = JSON.parse(stdout);
	} catch {
		return [];
	}

	if (!Array.isArray(data)) {
		return [];
	}

	return data.flatMap(entry => {
		const container = isObject(entry) ? parseContainer(entry) : undefined;
		return container ? [container] : [];
	});
}

/** The IDs `docker ps -a -q --no-trunc` prints, one a line. */
export function parseDockerPsIds(stdout: string): string[] {
	return stdout
		.split('\n')
		.map(line => line.trim())
		.filter(line => /^[\da-f]{12,64}$/i.test(line));
}

/** "127.0.0.1:18080->8080/tcp", as `docker ps` shows a mapping. */
export function formatBinding(binding: ContainerPortBinding): string {
	const host =
		binding.hostIp === ''
			? '0.0.0.0'
			: binding.hostIp.includes(':')
				? `[${binding.hostIp}]`
				: binding.hostIp;
	return `${host}:${binding.hostPort}->${binding.containerPort}/${binding.protocol}`;
}
