import type {QuestionNode} from './types.js';

const yesNo = [
	{value: 'yes', label: 'Yes'},
	{value: 'no', label: 'No'},
] as const;

/** Clarifying questions: asked only when the tool cannot find the answer itself. */
export const questions: readonly QuestionNode[] = [
	{
		kind: 'question',
		key: 'container',
		prompt: 'Does the service run in a container (Docker, Podman)?',
		why: 'No container engine could be read from here, and a container changes where the service listens.',
		help: 'container=yes|no  the service runs in a container (Docker, Podman)',
		choices: yesNo,
		after: ['probe', 'local'],
		when: facts => facts.probe?.outcome === 'refused' && facts.local?.isLocal === true && facts.containers !== undefined && facts.containers.engine === undefined,
		auto: () => undefined,
	},
	{
		kind: 'question',
		key: 'proxy',
		prompt: 'Is there a reverse proxy or load balancer in front of the service?',
		why: 'A proxy or load balancer answers for the service: the refusal may be its connection to the backend, or its health checks.',
		help: 'proxy=yes|no  a reverse proxy or load balancer sits in front of the service',
		choices: yesNo,
		after: ['probe'],
		when: facts => facts.upstream !== undefined && facts.upstream.proxy === undefined && facts.probe?.outcome !== 'open',
		auto: () => undefined,
	},
];
