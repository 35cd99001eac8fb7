import type {CheckRun} from './types.js';

/** Platform, privileges, container, init system: read from files, no command needed. */
export const environment: CheckRun = async ({io}) => {
	const isRoot = io.uid === 0;
	let inContainer = {
		value: false,
		evidence:
			'no /.dockerenv, no /run/.containerenv, no container in /proc/1/cgroup',
	};
	for (const [path, engine] of [
		['/.dockerenv', 'Docker'],
		['/run/.containerenv', 'Podman'],
	] as const) {
		if ((await io.readFile(path)).ok) {
			inContainer = {value: true, evidence: `${path} exists (${engine})`};
			break;
		}
	}

	if (!inContainer.value) {
		const cgroup = await io.readFile('/proc/1/cgroup');
		const line = cgroup.ok
			? cgroup.text
					.split('\n')
					.find(l => /docker|kubepods|containerd|libpod/.test(l))
			: undefined;
		if (line) {
			inContainer = {value: true, evidence: `/proc/1/cgroup: ${line.trim()}`};
		} else if (io.env['KUBERNETES_SERVICE_HOST']) {
			inContainer = {
				value: true,
				evidence: 'KUBERNETES_SERVICE_HOST is set (a pod)',
			};
		}
	}

	const comm = await io.readFile('/proc/1/comm');
	const init = comm.ok ? comm.text.trim() : 'unknown';
	const systemd = init === 'systemd';
	const linux = io.platform === 'linux';
	const lines = [
		`platform: ${io.platform}${linux ? '' : ' (Linux first: listener, service and firewall steps need Linux and will say unknown)'}`,
		`user: ${isRoot ? 'root' : `uid ${io.uid ?? '?'} (not root: process owners and firewall rules may be hidden)`}`,
		`container: ${inContainer.value ? 'yes' : 'no'} (${inContainer.evidence})`,
		`init: ${init}${systemd ? '' : ' (no systemd: services are looked up by process and log files)'}`,
	];
	return {
		status: linux ? 'passed' : 'unknown',
		detail: `${io.platform}, ${isRoot ? 'root' : 'not root'}, ${inContainer.value ? 'in a container' : 'not in a container'}, ${systemd ? 'systemd' : `init ${init}`}`,
		output: lines,
		facts: {environment: {platform: io.platform, isRoot, inContainer, systemd}},
	};
};
