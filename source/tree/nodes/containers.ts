import type {Facts} from '../facts.js';
import type {CheckNode} from '../types.js';

const privateAddress =
	/^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|f[cd][\da-f]{2}:)/i;

/**
The containers steps run when the target is this host and it refused, or accepted and dropped at
once; or when a private address refused (it may be a container's own address on this host).
*/
export function containersApply(facts: Facts): true | string {
	const probe = facts.probe;
	if (facts.local?.isLocal !== true) {
		const refusedPrivate = probe?.addresses.some(
			a => a.outcome === 'refused' && privateAddress.test(a.address),
		);
		return refusedPrivate === true
			? true
			: 'the target is not this host (nor a private address a container here could have)';
	}

	if (
		probe?.outcome === 'refused' ||
		probe?.addresses.some(a => a.closedAfterAccept) === true
	) {
		return true;
	}

	return 'the target neither refused nor dropped the connection right after accepting it';
}

/** The containers checks of the tree (in the order they appear on screen). */
export const containersChecks: readonly CheckNode[] = [
	{
		kind: 'check',
		id: 'container-engine',
		writes: ['containers'],
		title: 'Container engine on this host',
		why: 'A container has its own network: the port a service listens on inside it reaches the host only when it is published. The engine knows every container, its state and its port mappings.',
		read: 'Lists each container with its state and mappings, as HOST_ADDRESS:HOST_PORT->CONTAINER_PORT. "unknown" means the engine could not be read (not root and not in the docker group, or not running): the command to check by hand is shown.',
		after: ['probe', 'local'],
		// The engine is asked while ss runs; the judge sees the listeners too.
		awaits: ['listeners'],
		when: facts => containersApply(facts),
		timeoutMs: 12_000,
	},
	{
		kind: 'check',
		id: 'container-port',
		writes: ['containers'],
		title: 'Follow the port into its container',
		why: "The chain is: host port, then the publishing (docker-proxy or a NAT rule), then the container's address and port, then the app's bind inside the container. Any link can break it.",
		read: 'Shows the mapping for the port and what listens inside the container (read from /proc/PID/net/tcp, its own network namespace). An app on 127.0.0.1 inside cannot be reached through a published port.',
		after: ['container-engine'],
		when: facts =>
			facts.containers === undefined
				? 'the container engine step did not run'
				: facts.containers.readable
					? (facts.containers.containers?.length ?? 0) > 0
						? true
						: 'the engine has no containers'
					: 'no container engine could be read',
		timeoutMs: 5000,
	},
	{
		kind: 'check',
		id: 'container-logs',
		writes: ['containers'],
		title: 'Why the container stopped',
		why: 'A stopped container publishes nothing: its port is gone with it. The exit code and its last log lines say why it stopped.',
		read: 'Exit code 0 means the app ended on its own; 1 or more an error (see the log); 137 a SIGKILL (docker stop, or out of memory); 143 a SIGTERM.',
		after: ['container-port'],
		when: facts =>
			facts.containers?.match?.kind === 'stopped'
				? true
				: 'no stopped container publishes this port',
		timeoutMs: 6000,
	},
	{
		kind: 'check',
		id: 'container-by-hand',
		writes: ['containers'],
		title: 'Check the container by hand',
		why: 'The service runs in a container, but the engine cannot be read from here (not root and not in the docker group, or the engine does not answer). These commands, run with sudo, walk the same chain.',
		read: 'First find the container that publishes the port and its state; then, if it exited, its log; if it runs, what listens inside it.',
		after: ['container-engine'],
		uses: ['container'],
		when(facts, answers) {
			const containers = facts.containers;
			if (!containers || containers.readable || containers.problem === 'none') {
				return 'the engine was read, or there is none';
			}

			return answers.container === 'yes'
				? true
				: 'the service does not run in a container (or the question was not answered)';
		},
		timeoutMs: 1000,
	},
];
