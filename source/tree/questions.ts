import type {Facts} from './facts.js';
import {proxyAnswer, proxyQuestionApplies} from './nodes/proxy.js';
import type {AutoAnswer, QuestionNode} from './types.js';

const yesNo = [
	{value: 'yes', label: 'Yes'},
	{value: 'no', label: 'No'},
] as const;

const containerProcesses = new Set([
	'docker-proxy',
	'rootlessport',
	'conmon',
	'slirp4netns',
	'pasta',
	'podman',
]);

/** A container engine's port forwarder listening on the port (docker-proxy, rootlessport...). */
function containerForwarder(facts: Facts, port: number | undefined) {
	return port === undefined
		? undefined
		: facts.listeners?.listeners
				.onPort(port)
				.find(l => l.process && containerProcesses.has(l.process.name));
}

/** Yes when a container is tied to the port, no when a readable engine (or none at all) has none; else ask. */
function containerAnswer(facts: Facts): AutoAnswer | undefined {
	const containers = facts.containers;
	const port = facts.target?.port;
	if (containers?.container && containers.match) {
		const how = {
			published: 'publishes',
			stopped: 'publishes (but is stopped)',
			listening: 'listens inside on',
			exposed: 'exposes',
			address: 'has the target address, and should listen on',
		}[containers.match.kind];
		return {
			value: 'yes',
			evidence: `${containers.engine ?? 'docker'}: container ${containers.container.name} ${how} port ${port ?? '?'}`,
		};
	}

	if (containers?.readable) {
		return {
			value: 'no',
			evidence: `${containers.engine ?? 'docker'}: none of ${containers.containers?.length ?? 0} containers publishes or listens on port ${port ?? '?'}`,
		};
	}

	const proxy = containerForwarder(facts, port);
	if (proxy?.process) {
		return {
			value: 'yes',
			evidence: `${proxy.process.name} (pid ${proxy.process.pid}) listens on port ${port ?? '?'}: a container engine publishes it`,
		};
	}

	if (containers?.problem === 'none') {
		return {
			value: 'no',
			evidence: `no container engine on this host (${containers.message ?? 'no DOCKER_HOST, no Docker or Podman socket'})`,
		};
	}

	return undefined;
}

/** Clarifying questions: asked only when the tool cannot find the answer itself. */
export const questions: readonly QuestionNode[] = [
	{
		kind: 'question',
		key: 'container',
		prompt: 'Does the service run in a container (Docker, Podman)?',
		why: 'No container engine could be read from here, and a container changes where the service listens.',
		help: 'container=yes|no  the service runs in a container (Docker, Podman)',
		choices: yesNo,
		after: ['container-engine', 'container-port'],
		// Only where the container steps ran (a local target that refused or dropped at once); for a
		// private address that is not this host, only what the engine showed (never asked).
		when: facts =>
			facts.containers !== undefined &&
			(facts.local?.isLocal === true || facts.containers.readable),
		auto: containerAnswer,
	},
	{
		kind: 'question',
		key: 'proxy',
		prompt:
			'Is there a reverse proxy or load balancer in front of the service?',
		why: 'A proxy or load balancer answers for the service: the refusal may be its connection to the backend, or its health checks.',
		help: 'proxy=yes|no  a reverse proxy or load balancer sits in front of the service',
		choices: yesNo,
		after: ['reverse-proxy'],
		when: proxyQuestionApplies,
		auto: proxyAnswer,
	},
];
