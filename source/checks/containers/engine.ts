import {shellQuote} from '../../text/sanitize.js';
import type {CheckContext, CheckRun, Io} from '../types.js';
import {
	formatBinding,
	parseDockerInspect,
	parseDockerPsIds,
} from '../../parsers/docker-inspect.js';
import {parseDockerError} from '../../parsers/docker-logs.js';
import type {ContainerFacts, ContainerInfo} from '../../tree/facts.js';

type Candidate = {
	readonly engine: 'docker' | 'podman';
	readonly cli: string;
	readonly hostArgs: readonly string[];
	/** Where it was found, for the report. */
	readonly socket: string;
};

type Attempt = {
	readonly candidate: Candidate;
	readonly problem: NonNullable<ContainerFacts['problem']>;
	readonly message: string;
	readonly command: string;
};

/** Most containers inspected in one go (newest first, as `docker ps` lists them). */
const maxContainers = 100;
const commandTimeoutMs = 5000;

async function exists(io: Io, path: string): Promise<boolean> {
	const slash = path.lastIndexOf('/');
	const names = await io.readDir(path.slice(0, slash) || '/');
	return names?.includes(path.slice(slash + 1)) ?? false;
}

const dockerCli = 'docker CLI (its current context)';
const podmanCli = 'podman CLI';

/** Engines to try, in the order a user's own `docker`/`podman` would pick them. */
async function findCandidates(io: Io): Promise<Candidate[]> {
	const candidates: Candidate[] = [];
	const dockerHost = io.env['DOCKER_HOST'];
	if (dockerHost) {
		candidates.push({
			engine: dockerHost.includes('podman') ? 'podman' : 'docker',
			cli: 'docker',
			hostArgs: [],
			socket: `DOCKER_HOST=${dockerHost}`,
		});
		return candidates;
	}

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

function describe(container: ContainerInfo): string {
	const ports = container.running ? container.ports : container.portBindings;
	const state = container.running
		? 'running'
		: `${container.state} (${container.exitCode})`;
	const mapping =
		ports.length > 0
			? ports.map(p => formatBinding(p)).join(', ')
			: container.exposed.length > 0
				? `exposes ${container.exposed.join(', ')} (not published)`
				: 'no ports';
	return `${container.name}  ${state}  ${mapping}  ${container.image}`;
}

const problemRank: Record<Attempt['problem'], number> = {
	permission: 0,
	'not-running': 1,
	timeout: 2,
	error: 3,
	none: 4,
};

function byHand(attempt: Attempt): string {
	const list = shellQuote([
		attempt.candidate.cli,
		...attempt.candidate.hostArgs,
		'ps',
		'-a',
	]);
	switch (attempt.problem) {
		case 'permission': {
			return `not root and not in the docker group, so the engine's socket is closed to this user. Check by hand: sudo ${list}`;
		}

		case 'not-running': {
			return `the engine does not answer (is it running?). Check by hand: sudo systemctl status ${attempt.candidate.engine} ; ${list}`;
		}

		case 'timeout': {
			return `the engine did not answer within ${commandTimeoutMs / 1000} s. Check by hand: ${list}`;
		}

		default: {
			return `check by hand: ${list}`;
		}
	}
}

/**
Find a container engine (DOCKER_HOST, /var/run/docker.sock, rootless and podman sockets, the
podman CLI) and read every container: `ps -a -q` for the IDs, then one `inspect`.
*/
export const containerEngine: CheckRun = async (context: CheckContext) => {
	const {io} = context;
	const attempts: Attempt[] = [];
	const commands: string[] = [];
	const unread: string[] = [];
	const notes: string[] = [];
	for (const candidate of await findCandidates(io)) {
		const base = [...candidate.hostArgs];
		const psArgs = [...base, 'ps', '-a', '-q', '--no-trunc'];
		const display = shellQuote([candidate.cli, ...psArgs]);
		context.onCommand(display);
		const ps = await io.run(
			{file: candidate.cli, args: psArgs, timeoutMs: commandTimeoutMs},
			{signal: context.signal},
		);
		if (ps.notFound) {
			if (candidate.socket === dockerCli || candidate.socket === podmanCli) {
				notes.push(`no ${candidate.cli} CLI`);
			} else {
				unread.push(candidate.socket);
			}

			continue;
		}

		commands.push(display);
		if (ps.timedOut || ps.exitCode !== 0) {
			const error = parseDockerError(ps.stderr);
			// The docker CLI alone dials the default socket, which is known not to exist: no engine here.
			if (
				candidate.socket === dockerCli &&
				error.kind === 'not-running' &&
				error.message.includes('unix:///var/run/docker.sock')
			) {
				notes.push(
					'the docker CLI is installed, but no engine runs here (no /var/run/docker.sock)',
				);
				continue;
			}

			const problem = ps.timedOut
				? 'timeout'
				: error.kind === 'permission' || error.kind === 'not-running'
					? error.kind
					: 'error';
			attempts.push({
				candidate,
				problem,
				message: ps.timedOut
					? 'timed out'
					: error.message || `exit code ${ps.exitCode ?? '?'}`,
				command: display,
			});
			continue;
		}

		const ids = parseDockerPsIds(ps.stdout).slice(0, maxContainers);
		// An empty engine must not hide one that could not be read (podman as a user, docker denied).
		if (ids.length === 0 && attempts.length > 0) {
			notes.push(`${display}: no containers`);
			continue;
		}

		let containers: ContainerInfo[] = [];
		if (ids.length > 0) {
			const inspectArgs = [...base, 'inspect', '--type', 'container', ...ids];
			const inspectDisplay = shellQuote([
				candidate.cli,
				...base,
				'inspect',
				'--type',
				'container',
				`<${ids.length} IDs>`,
			]);
			context.onCommand(inspectDisplay);
			const inspect = await io.run(
				{file: candidate.cli, args: inspectArgs, timeoutMs: commandTimeoutMs},
				{signal: context.signal},
			);
			commands.push(inspectDisplay);
			containers = parseDockerInspect(inspect.stdout);
			if (containers.length === 0) {
				const message = inspect.timedOut
					? 'timed out'
					: parseDockerError(inspect.stderr).message || 'no output';
				return {
					status: 'unknown',
					detail: `${candidate.engine} lists ${ids.length} containers, but inspecting them failed (${message}). Check by hand: ${shellQuote([candidate.cli, ...base, 'inspect', ids[0]!])}`,
					command: commands.join(' ; '),
					facts: {
						containers: {
							engine: candidate.engine,
							cli: candidate.cli,
							hostArgs: base,
							socket: candidate.socket,
							readable: false,
							problem: 'error',
							message,
						},
					},
				};
			}
		}

		const running = containers.filter(c => c.running).length;
		return {
			status: 'passed',
			detail: `${candidate.engine} (${candidate.socket}): ${containers.length} container${containers.length === 1 ? '' : 's'}, ${running} running`,
			command: commands.join(' ; '),
			output: containers.slice(0, 20).map(c => describe(c)),
			facts: {
				containers: {
					engine: candidate.engine,
					cli: candidate.cli,
					hostArgs: base,
					socket: candidate.socket,
					readable: true,
					containers,
				},
			},
		};
	}

	const worst = attempts.toSorted(
		(a, b) => problemRank[a.problem] - problemRank[b.problem],
	)[0];
	if (!worst && unread.length > 0) {
		return {
			status: 'unknown',
			detail: `Found ${unread[0]!}, but neither the docker nor the podman CLI is installed to read it. Check by hand: install the docker CLI, then docker ps -a`,
			facts: {
				containers: {
					readable: false,
					problem: 'error',
					message: 'no docker or podman CLI',
				},
			},
		};
	}

	if (!worst) {
		return {
			status: 'passed',
			detail: `No container engine here: DOCKER_HOST is not set, no Docker or Podman socket, ${notes.join(', ')}.`,
			...(commands.length > 0 ? {command: commands.join(' ; ')} : {}),
			facts: {
				containers: {
					readable: false,
					problem: 'none',
					message: `no DOCKER_HOST, no Docker or Podman socket, ${notes.join(', ')}`,
				},
			},
		};
	}

	const {candidate} = worst;
	return {
		status: 'unknown',
		detail: `${candidate.engine} at ${candidate.socket} could not be read: ${byHand(worst)}`,
		command: commands.join(' ; '),
		output: [...attempts.map(a => `${a.command}: ${a.message}`), ...notes],
		facts: {
			containers: {
				engine: candidate.engine,
				cli: candidate.cli,
				hostArgs: candidate.hostArgs,
				socket: candidate.socket,
				readable: false,
				problem: worst.problem,
				message: worst.message,
			},
		},
	};
};
