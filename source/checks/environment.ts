import type {CheckResult} from '../tree/types.js';
import {defineCheck, type JudgeInput} from './define.js';
import type {CheckContext} from './types.js';

/** What was read from files and the environment, before any judgement. */
export type EnvironmentObservations = {
	readonly platform: string;
	readonly uid: number | undefined;
	/** Which container marker file exists, if any. */
	readonly marker?: {readonly path: string; readonly engine: string};
	/** The /proc/1/cgroup line naming a container runtime, if any. */
	readonly cgroupLine?: string;
	readonly kubernetesServiceHost: boolean;
	/** /proc/1/comm, trimmed, or undefined when unreadable. */
	readonly init?: string;
};

const markers = [
	['/.dockerenv', 'Docker'],
	['/run/.containerenv', 'Podman'],
] as const;

/** Platform, privileges, container, init system: read from files, no command needed. */
export async function measureEnvironment({
	io,
}: CheckContext): Promise<EnvironmentObservations> {
	// The files are read side by side (each is a few hundred bytes of /proc or a marker).
	const [found, cgroup, comm] = await Promise.all([
		Promise.all(markers.map(async ([path]) => (await io.readFile(path)).ok)),
		io.readFile('/proc/1/cgroup'),
		io.readFile('/proc/1/comm'),
	]);
	const index = found.indexOf(true);
	const marker: EnvironmentObservations['marker'] =
		index === -1
			? undefined
			: {path: markers[index]![0], engine: markers[index]![1]};
	const cgroupLine =
		!marker && cgroup.ok
			? cgroup.text
					.split('\n')
					.find(l => /docker|kubepods|containerd|libpod/.test(l))
			: undefined;
	return {
		platform: io.platform,
		uid: io.uid,
		...(marker ? {marker} : {}),
		...(cgroupLine ? {cgroupLine} : {}),
		kubernetesServiceHost: Boolean(io.env['KUBERNETES_SERVICE_HOST']),
		...(comm.ok ? {init: comm.text.trim()} : {}),
	};
}

function containerOf(observations: EnvironmentObservations): {
	value: boolean;
	evidence: string;
} {
	if (observations.marker) {
		const {path, engine} = observations.marker;
		return {value: true, evidence: `${path} exists (${engine})`};
	}

	if (observations.cgroupLine) {
		return {
			value: true,
			evidence: `/proc/1/cgroup: ${observations.cgroupLine.trim()}`,
		};
	}

	if (observations.kubernetesServiceHost) {
		return {value: true, evidence: 'KUBERNETES_SERVICE_HOST is set (a pod)'};
	}

	return {
		value: false,
		evidence:
			'no /.dockerenv, no /run/.containerenv, no container in /proc/1/cgroup',
	};
}

/** Pure: the environment in words and facts. */
export function judgeEnvironment(
	observations: EnvironmentObservations,
	_input?: JudgeInput,
): CheckResult {
	const {platform, uid} = observations;
	const isRoot = uid === 0;
	const inContainer = containerOf(observations);
	const init = observations.init ?? 'unknown';
	const systemd = init === 'systemd';
	const linux = platform === 'linux';
	const lines = [
		`platform: ${platform}${linux ? '' : ' (Linux first: listener, service and firewall steps need Linux and will say unknown)'}`,
		`user: ${isRoot ? 'root' : `uid ${uid ?? '?'} (not root: process owners and firewall rules may be hidden)`}`,
		`container: ${inContainer.value ? 'yes' : 'no'} (${inContainer.evidence})`,
		`init: ${init}${systemd ? '' : ' (no systemd: services are looked up by process and log files)'}`,
	];
	return {
		status: linux ? 'passed' : 'unknown',
		detail: `${platform}, ${isRoot ? 'root' : 'not root'}, ${inContainer.value ? 'in a container' : 'not in a container'}, ${systemd ? 'systemd' : `init ${init}`}`,
		output: lines,
		facts: {environment: {platform, isRoot, inContainer, systemd}},
	};
}

export const environment = defineCheck<EnvironmentObservations>({
	measure: measureEnvironment,
	judge: judgeEnvironment,
});
