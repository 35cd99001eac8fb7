/**
A small tree for app flows: the real tree asks questions only in container and proxy situations,
so the question flows (ask, answer, go back) use this one, with its own check implementations.
*/
import {outcomeOf} from '../../source/checks/outcomes.js';
import type {CheckRun} from '../../source/checks/types.js';
import {causes} from '../../source/tree/causes.js';
import type {Tree} from '../../source/tree/types.js';

export const longCommand =
	'sudo sed -i.bak -e "s/^#\\?listen_addresses = .*/listen_addresses = \'*\'/" /etc/postgresql/15/main/postgresql.conf && sudo systemctl restart postgresql@15-main.service';

export const smallTree: Tree = {
	checks: [
		{
			kind: 'check',
			id: 'probe',
			title: 'Connect to the target',
			why: 'The experiment itself: one TCP connect.',
			read: 'refused means a reset came back.',
			after: [],
			when: () => true,
			timeoutMs: 3000,
		},
		{
			kind: 'check',
			id: 'backend',
			title: 'Ask the proxy about its backend',
			why: 'A proxy answers for the service.',
			read: 'A 502 names the backend that refuses.',
			after: ['probe'],
			uses: ['proxy'],
			when: (_facts, answers) =>
				answers.proxy === 'yes' ? true : 'no proxy in front',
			timeoutMs: 2000,
		},
		{
			kind: 'check',
			id: 'listener',
			title: 'What listens on the port',
			why: 'Nothing listening is the most common cause.',
			read: 'An empty list means nothing listens.',
			after: ['probe'],
			uses: ['proxy'],
			when: (_facts, answers) =>
				answers.proxy === 'no' ? true : 'a proxy answers for the service',
			timeoutMs: 2000,
		},
	],
	questions: [
		{
			kind: 'question',
			key: 'client',
			prompt: 'Does the client run on this host?',
			why: 'Listeners on loopback serve local clients only.',
			help: 'client=here|elsewhere',
			choices: [
				{value: 'here', label: 'On this host'},
				{value: 'elsewhere', label: 'Elsewhere'},
			],
			after: ['probe'],
			when: () => true,
			auto: () => ({
				value: 'here',
				evidence: 'the target 127.0.0.1 is an address of this host',
			}),
		},
		{
			kind: 'question',
			key: 'proxy',
			prompt: 'Is there a reverse proxy in front of the service?',
			why: 'Nothing on this host could tell, and a proxy changes who refuses.',
			help: 'proxy=yes|no',
			choices: [
				{value: 'yes', label: 'Yes'},
				{value: 'no', label: 'No'},
			],
			after: ['probe'],
			when: facts => facts.probe?.outcome === 'refused',
			auto: () => undefined,
		},
	],
	// The small tree's own checks may conclude what they conclude here (the driver enforces it).
	causes: causes.map(cause =>
		cause.id === 'upstream-refused' || cause.id === 'no-listener'
			? {...cause, concludedBy: [...cause.concludedBy, 'backend', 'listener']}
			: cause,
	),
};

export const smallRegistry: Readonly<Record<string, CheckRun>> = {
	async probe({target, io, timeoutMs, onCommand, onLine}) {
		const command = `connect ${target.host}:${target.port}`;
		onCommand(command);
		const result = await io.connect(target.host, target.port, timeoutMs);
		const outcome = outcomeOf(result.code);
		const line = `${target.host}:${target.port} ${outcome} [${result.code}]`;
		onLine(line);
		return {
			status: outcome === 'open' ? 'passed' : 'problem',
			detail: `${target.host}:${target.port}: ${outcome}`,
			command,
			output: [line],
			facts: {
				probe: {
					outcome,
					address: target.host,
					ms: result.ms,
					addresses: [
						{
							address: target.host,
							family: 4,
							source: 'literal',
							outcome,
							ms: result.ms,
							code: result.code,
						},
					],
				},
			},
		};
	},
	async backend({target}) {
		return {
			status: 'problem',
			detail: 'the proxy answers 502: its backend refuses',
			command: 'curl -sI http://127.0.0.1/',
			findings: [
				{
					id: 'upstream-refused',
					confidence: 'confirmed',
					summary: `The proxy on port ${target.port} answers, but its backend 127.0.0.1:9000 refuses.`,
					evidence: ['HTTP/1.1 502 Bad Gateway'],
					fixes: [
						{
							command: 'sudo nginx -T | grep -n upstream',
							why: 'Find the backend the proxy dials.',
						},
					],
				},
			],
		};
	},
	async listener({target}) {
		return {
			status: 'problem',
			detail: `nothing listens on port ${target.port}`,
			command: 'ss -ltnp',
			output: ['State  Recv-Q Send-Q Local Address:Port'],
			findings: [
				{
					id: 'no-listener',
					confidence: 'confirmed',
					summary: `Nothing listens on port ${target.port} on this host.`,
					evidence: ['ss -ltn shows no socket on port 5432'],
					fixes: [
						{
							command: 'sudo systemctl start postgresql',
							why: 'Start the service that should listen.',
						},
						{
							command: longCommand,
							why: 'Make it listen on every address, then restart it.',
						},
					],
				},
			],
		};
	},
};
