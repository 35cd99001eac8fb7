/**
The container-engine step: find a container engine (DOCKER_HOST, /var/run/docker.sock, rootless and podman
sockets, the podman CLI) and read every container: `ps -a -q` for the IDs, then one `inspect`.
Measure only; the judge and its words are in engine-judge.ts.
*/
import {shellQuote} from '../../text/sanitize.js';
import {
	parseDockerInspect,
	parseDockerPsIds,
} from '../../parsers/docker-inspect.js';
import {parseDockerError} from '../../parsers/docker-logs.js';
import {defineCheck} from '../define.js';
import type {CheckContext, Io} from '../types.js';
import {
	classify,
	commandTimeoutMs,
	dockerCli,
	judgeEngine,
	podmanCli,
	type Candidate,
	type EngineObservations,
	type EngineRead,
} from './engine-judge.js';

/** Most containers inspected in one go (newest first, as `docker ps` lists them). */
const maxContainers = 100;

async function exists(io: Io, path: string): Promise<boolean> {
	const slash = path.lastIndexOf('/');
	const names = await io.readDir(path.slice(0, slash) || '/');
	return names?.includes(path.slice(slash + 1)) ?? false;
}

/** Sockets of a rootless docker and of podman (rootful and rootless). */
async function socketCandidates(
	io: Io,
	runtime: string | undefined,
): Promise<Candidate[]> {
	const candidates: Candidate[] = [];
	if (runtime && (await exists(io, `${runtime}/docker.sock`))) {
		candidates.push({
			engine: 'docker',
			cli: 'docker',
			hostArgs: ['-H', `unix://${runtime}/docker.sock`],
			socket: `${runtime}/docker.sock`,
		});
	}

	for (const socket of [
		'/run/podman/podman.sock',
		...(runtime ? [`${runtime}/podman/podman.sock`] : []),
	]) {
		if (await exists(io, socket)) {
			candidates.push(
				{
					engine: 'podman',
					cli: 'docker',
					hostArgs: ['-H', `unix://${socket}`],
					socket,
				},
				{engine: 'podman', cli: 'podman', hostArgs: [], socket},
			);
		}
	}

	return candidates;
}

/** Engines to try, in the order a user's own `docker`/`podman` would pick them. */
export async function findCandidates(io: Io): Promise<Candidate[]> {
	const dockerHost = io.env['DOCKER_HOST'];
	if (dockerHost) {
		return [
			{
				engine: dockerHost.includes('podman') ? 'podman' : 'docker',
				cli: 'docker',
				hostArgs: [],
				socket: `DOCKER_HOST=${dockerHost}`,
			},
		];
	}

	const candidates: Candidate[] = [];
	const containerHost = io.env['CONTAINER_HOST'];
	if (containerHost) {
		candidates.push({
			engine: 'podman',
			cli: 'podman',
			hostArgs: [],
			socket: `CONTAINER_HOST=${containerHost}`,
		});
	}

	if (await exists(io, '/var/run/docker.sock')) {
		candidates.push({
			engine: 'docker',
			cli: 'docker',
			hostArgs: [],
			socket: '/var/run/docker.sock',
		});
	}

	const runtime =
		io.env['XDG_RUNTIME_DIR'] ??
		(io.uid === undefined ? undefined : `/run/user/${io.uid}`);
	candidates.push(...(await socketCandidates(io, runtime)));

	// The docker CLI on its own follows DOCKER_CONTEXT and the current context (~/.docker).
	if (!candidates.some(c => c.cli === 'docker' && c.hostArgs.length === 0)) {
		candidates.push({
			engine: 'docker',
			cli: 'docker',
			hostArgs: [],
			socket: dockerCli,
		});
	}

	// Podman needs no socket: its CLI reads the containers itself.
	if (!candidates.some(c => c.cli === 'podman')) {
		candidates.push({
			engine: 'podman',
			cli: 'podman',
			hostArgs: [],
			socket: podmanCli,
		});
	}

	return candidates;
}

/**
Why a CLI with no socket to dial need not be started (it would find nothing and costs more than the
rest of a local diagnosis): the docker CLI with no DOCKER_CONTEXT and no context in ~/.docker would
dial /var/run/docker.sock, already known absent; podman with no container storage has no containers.
Only decided when HOME is known; otherwise the CLI is asked, as before.
*/
export async function notStarted(
	io: Io,
	cli: 'docker' | 'podman',
): Promise<string | undefined> {
	const home = io.env['HOME']?.replace(/\/+$/, '');
	if (!home) {
		return undefined;
	}

	if (cli === 'docker') {
		const contexts = await io.readDir(`${home}/.docker/contexts/meta`);
		return io.env['DOCKER_CONTEXT'] === undefined && !contexts?.length
			? 'no docker context in ~/.docker (docker not started)'
			: undefined;
	}

	const storage =
		io.uid === 0
			? '/var/lib/containers/storage'
			: `${io.env['XDG_DATA_HOME'] ?? `${home}/.local/share`}/containers/storage`;
	return (await exists(io, storage))
		? undefined
		: `no podman storage at ${storage} (podman not started)`;
}

/** `inspect` every listed container in one go. */
async function inspectAll(
	context: CheckContext,
	candidate: Candidate,
	ids: readonly string[],
): Promise<NonNullable<EngineRead['inspect']>> {
	const base = candidate.hostArgs;
	const display = shellQuote([
		candidate.cli,
		...base,
		'inspect',
		'--type',
		'container',
		`<${ids.length} IDs>`,
	]);
	context.onCommand(display);
	const inspect = await context.io.run(
		{
			file: candidate.cli,
			args: [...base, 'inspect', '--type', 'container', ...ids],
			timeoutMs: commandTimeoutMs,
		},
		{signal: context.signal},
	);
	return {
		display,
		containers: parseDockerInspect(inspect.stdout),
		timedOut: inspect.timedOut,
		error: parseDockerError(inspect.stderr),
	};
}

/** `ps -a -q` on one candidate (and `inspect` when it lists containers). */
async function readCandidate(
	context: CheckContext,
	candidate: Candidate,
): Promise<EngineRead> {
	const psArgs = [...candidate.hostArgs, 'ps', '-a', '-q', '--no-trunc'];
	const display = shellQuote([candidate.cli, ...psArgs]);
	context.onCommand(display);
	const ps = await context.io.run(
		{file: candidate.cli, args: psArgs, timeoutMs: commandTimeoutMs},
		{signal: context.signal},
	);
	const read: EngineRead = {
		candidate,
		display,
		ps: {
			notFound: ps.notFound,
			timedOut: ps.timedOut,
			exitCode: ps.exitCode,
			error: parseDockerError(ps.stderr),
		},
	};
	if (classify(read).kind !== 'listed') {
		return read;
	}

	const ids = parseDockerPsIds(ps.stdout).slice(0, maxContainers);
	if (ids.length === 0) {
		return {...read, ids};
	}

	return {...read, ids, inspect: await inspectAll(context, candidate, ids)};
}

/**
Whether the judge stops at this read: the engine answered with containers, or answered empty with
no failure before it (an empty engine must not hide one that could not be read).
*/
function answeredHere(
	read: EngineRead,
	readSoFar: readonly EngineRead[],
): boolean {
	if (classify(read).kind !== 'listed') {
		return false;
	}

	return (
		(read.ids ?? []).length > 0 ||
		!readSoFar.some(r => classify(r).kind === 'failed')
	);
}

export const containerEngineCheck = defineCheck<EngineObservations>({
	async measure(context) {
		const reads: EngineRead[] = [];
		const skipped: string[] = [];
		for (const candidate of await findCandidates(context.io)) {
			const reason =
				candidate.socket === dockerCli || candidate.socket === podmanCli
					? await notStarted(context.io, candidate.cli as 'docker' | 'podman')
					: undefined;
			if (reason) {
				skipped.push(reason);
				continue;
			}

			const read = await readCandidate(context, candidate);
			const stop = answeredHere(read, reads);
			reads.push(read);
			if (stop) {
				break;
			}
		}

		return {reads, skipped};
	},
	judge: judgeEngine,
});
