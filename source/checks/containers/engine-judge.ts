/**
The judge and words of container-engine, pure: from what each engine candidate answered, which
engine was read (and its containers), or why none could be, with the command to run by hand.
*/
import {formatBinding} from '../../parsers/docker-inspect.js';
import type {DockerError} from '../../parsers/docker-logs.js';
import {shellQuote, sudoArgs} from '../../text/sanitize.js';
import type {ContainerFacts, ContainerInfo} from '../../tree/facts.js';
import type {CheckResult} from '../../tree/types.js';
import type {JudgeInput} from '../define.js';

export type Candidate = {
	readonly engine: 'docker' | 'podman';
	readonly cli: string;
	readonly hostArgs: readonly string[];
	/** Where it was found, for the report. */
	readonly socket: string;
};

export const dockerCli = 'docker CLI (its current context)';
export const podmanCli = 'podman CLI';
export const commandTimeoutMs = 5000;

/** One candidate as read: `ps -a -q` and, when it listed containers, one `inspect`. */
export type EngineRead = {
	readonly candidate: Candidate;
	/** The `ps` command as shown. */
	readonly display: string;
	readonly ps: {
		readonly notFound: boolean;
		readonly timedOut: boolean;
		readonly exitCode: number | undefined;
		readonly error: DockerError;
	};
	/** The IDs listed (when `ps` succeeded). */
	readonly ids?: readonly string[];
	readonly inspect?: {
		readonly display: string;
		readonly containers: readonly ContainerInfo[];
		readonly timedOut: boolean;
		readonly error: DockerError;
	};
};

/** The candidates in the order tried; reading stops at the first engine that answered. */
export type EngineObservations = {
	readonly reads: readonly EngineRead[];
	/** CLIs not started, and why (no socket, context or storage for them to read). */
	readonly skipped?: readonly string[];
};

type Problem = NonNullable<ContainerFacts['problem']>;

/** What one read means: no CLI, no engine behind the CLI's default, a failure, or an answer. */
export type ReadKind =
	| {readonly kind: 'no-cli'}
	| {readonly kind: 'no-engine'}
	| {
			readonly kind: 'failed';
			readonly problem: Problem;
			readonly message: string;
	  }
	| {readonly kind: 'listed'};

export function classify(read: EngineRead): ReadKind {
	const {ps, candidate} = read;
	if (ps.notFound) {
		return {kind: 'no-cli'};
	}

	if (!ps.timedOut && ps.exitCode === 0) {
		return {kind: 'listed'};
	}

	// The docker CLI alone dials the default socket, which is known not to exist: no engine here.
	if (
		candidate.socket === dockerCli &&
		ps.error.kind === 'not-running' &&
		ps.error.message.includes('unix:///var/run/docker.sock')
	) {
		return {kind: 'no-engine'};
	}

	const problem: Problem = ps.timedOut
		? 'timeout'
		: ps.error.kind === 'permission' || ps.error.kind === 'not-running'
			? ps.error.kind
			: 'error';
	return {
		kind: 'failed',
		problem,
		message: ps.timedOut
			? 'timed out'
			: ps.error.message || `exit code ${ps.exitCode ?? '?'}`,
	};
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

const problemRank: Record<Problem, number> = {
	permission: 0,
	'not-running': 1,
	timeout: 2,
	error: 3,
	none: 4,
};

type Attempt = {
	readonly candidate: Candidate;
	readonly problem: Problem;
	readonly message: string;
	readonly command: string;
};

function byHand(attempt: Attempt, uid: number | undefined): string {
	const list = shellQuote([
		attempt.candidate.cli,
		...attempt.candidate.hostArgs,
		'ps',
		'-a',
	]);
	switch (attempt.problem) {
		case 'permission': {
			// Only a user who is not root meets a closed socket: sudo, or membership of the docker group.
			return `not root and not in the docker group, so the engine's socket is closed to this user. Check by hand: ${shellQuote([...sudoArgs(uid), attempt.candidate.cli, ...attempt.candidate.hostArgs, 'ps', '-a'])}`;
		}

		case 'not-running': {
			return `the engine does not answer (is it running?). Check by hand: ${shellQuote([...sudoArgs(uid), 'systemctl', 'status', attempt.candidate.engine])} ; ${list}`;
		}

		case 'timeout': {
			return `the engine did not answer within ${commandTimeoutMs / 1000} s. Check by hand: ${list}`;
		}

		default: {
			return `check by hand: ${list}`;
		}
	}
}

function engineFacts(
	candidate: Candidate,
	rest: Omit<ContainerFacts, 'engine' | 'cli' | 'hostArgs' | 'socket'>,
): CheckResult['facts'] {
	return {
		containers: {
			engine: candidate.engine,
			cli: candidate.cli,
			hostArgs: candidate.hostArgs,
			socket: candidate.socket,
			...rest,
		},
	};
}

/** The engine answered: its containers, or why inspecting them failed. */
function answered(read: EngineRead, commands: readonly string[]): CheckResult {
	const {candidate, inspect} = read;
	const ids = read.ids ?? [];
	const containers = inspect?.containers ?? [];
	if (ids.length > 0 && containers.length === 0) {
		const said = inspect?.error.message ?? '';
		const message = inspect?.timedOut
			? 'timed out'
			: said === ''
				? 'no output'
				: said;
		return {
			status: 'unknown',
			detail: `${candidate.engine} lists ${ids.length} containers, but inspecting them failed (${message}). Check by hand: ${shellQuote([candidate.cli, ...candidate.hostArgs, 'inspect', ids[0]!])}`,
			command: commands.join(' ; '),
			facts: engineFacts(candidate, {
				readable: false,
				problem: 'error',
				message,
			}),
		};
	}

	const running = containers.filter(c => c.running).length;
	return {
		status: 'passed',
		detail: `${candidate.engine} (${candidate.socket}): ${containers.length} container${containers.length === 1 ? '' : 's'}, ${running} running`,
		command: commands.join(' ; '),
		output: containers.slice(0, 20).map(c => describe(c)),
		facts: engineFacts(candidate, {readable: true, containers}),
	};
}

/** No engine answered: the worst failure, a socket without a CLI, or no engine at all. */
function unanswered(
	attempts: readonly Attempt[],
	seen: {commands: string[]; unread: string[]; notes: string[]},
	uid: number | undefined,
): CheckResult {
	const {commands, unread, notes} = seen;
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
		detail: `${candidate.engine} at ${candidate.socket} could not be read: ${byHand(worst, uid)}`,
		command: commands.join(' ; '),
		output: [...attempts.map(a => `${a.command}: ${a.message}`), ...notes],
		facts: engineFacts(candidate, {
			readable: false,
			problem: worst.problem,
			message: worst.message,
		}),
	};
}

/** Walk the reads in the order tried, as the measure did, and say what was found. */
export function judgeEngine(
	observations: EngineObservations,
	input: JudgeInput,
): CheckResult {
	const attempts: Attempt[] = [];
	const seen = {
		commands: [] as string[],
		unread: [] as string[],
		notes: [...(observations.skipped ?? [])],
	};
	for (const read of observations.reads) {
		const {candidate, display} = read;
		const kind = classify(read);
		if (kind.kind === 'no-cli') {
			if (candidate.socket === dockerCli || candidate.socket === podmanCli) {
				seen.notes.push(`no ${candidate.cli} CLI`);
			} else {
				seen.unread.push(candidate.socket);
			}

			continue;
		}

		seen.commands.push(display);
		if (kind.kind === 'no-engine') {
			seen.notes.push(
				'the docker CLI is installed, but no engine runs here (no /var/run/docker.sock)',
			);
			continue;
		}

		if (kind.kind === 'failed') {
			attempts.push({...kind, candidate, command: display});
			continue;
		}

		// An empty engine must not hide one that could not be read (podman as a user, docker denied).
		if ((read.ids ?? []).length === 0 && attempts.length > 0) {
			seen.notes.push(`${display}: no containers`);
			continue;
		}

		return answered(read, [
			...seen.commands,
			...(read.inspect ? [read.inspect.display] : []),
		]);
	}

	return unanswered(attempts, seen, input.uid);
}
