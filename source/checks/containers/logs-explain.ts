/** The judge and words of container-logs, pure: why the stopped container stopped, and how to start it. */
import {formatBinding} from '../../parsers/docker-inspect.js';
import type {ContainerInfo, Facts} from '../../tree/facts.js';
import type {CheckResult, Fix} from '../../tree/types.js';
import type {JudgeInput} from '../define.js';
import {bindingsFor, cliArgv, inspectOf} from './chain.js';
import {logsCommand, startCommand} from './fixes.js';

/** `docker logs` as read: its lines (stdout and stderr merged in time order), or why it could not be read. */
export type LogsObservations = {
	/** The command as shown; absent when no stopped container publishes the port. */
	readonly display?: string;
	readonly lines?: readonly string[];
	readonly problem?: string;
};

/** The stopped container the port step tied to the port, if any. */
export function stoppedMatch(facts: Facts): ContainerInfo | undefined {
	const match = facts.containers?.match;
	return match?.kind === 'stopped'
		? facts.containers?.containers?.find(c => c.id === match.id)
		: undefined;
}

/** " (killed: out of memory)", " (SIGTERM)": what the exit code says about how it ended. */
function howItEnded(container: ContainerInfo): string {
	if (container.oomKilled) {
		return ' (killed: out of memory)';
	}

	return container.exitCode === 137
		? ' (SIGKILL: docker stop, or out of memory)'
		: container.exitCode === 143
			? ' (SIGTERM)'
			: '';
}

function stateText(container: ContainerInfo, how: string): string {
	if (container.state === 'restarting') {
		return `restarting (it keeps crashing: ${container.restartCount} restarts so far; last exit code ${container.exitCode}${how})`;
	}

	return container.state === 'created'
		? 'created but never started'
		: `${container.state} (exit code ${container.exitCode}${how})`;
}

function logLines(observations: LogsObservations): string[] {
	const lines = observations.lines ?? [];
	if (observations.problem !== undefined) {
		return [`${observations.display ?? ''}: ${observations.problem}`];
	}

	return lines.length > 0
		? lines.map(line => `log: ${line}`)
		: [`${observations.display ?? ''}: no output`];
}

/** The stopped container named by container-port: container-exited, with its exit code and last log line. */
export function judgeLogs(
	observations: LogsObservations,
	input: JudgeInput,
): CheckResult {
	const {facts, target} = input;
	const container = stoppedMatch(facts);
	if (!container || observations.display === undefined) {
		return {
			status: 'skipped',
			detail: 'no stopped container publishes this port',
		};
	}

	const cli = cliArgv(facts.containers);
	const lines = observations.lines ?? [];
	const last = lines.at(-1);
	const mapping = bindingsFor(container, target.port)
		.map(b => formatBinding(b))
		.join(', ');
	const how = howItEnded(container);
	const state = stateText(container, how);
	const evidence = [
		`${container.name} (${container.image}) is ${container.state}, exit code ${container.exitCode}${how}, finished ${container.finishedAt}; it publishes ${mapping} when running (${inspectOf(facts)})`,
		...(container.error ? [`engine error: ${container.error}`] : []),
		...(container.restartCount > 0
			? [`restarted ${container.restartCount} times`]
			: []),
		...logLines(observations),
	];
	const fixes: Fix[] = [
		{
			command: logsCommand(container, cli, 200),
			why: 'Read more of its log: the reason it stopped comes before the exit.',
		},
		{
			command: startCommand(container, cli),
			why: `Starts it again once the cause in the log is fixed; its port ${target.port} comes back with it.`,
		},
	];
	return {
		status: 'problem',
		detail: `${container.name} is ${state}${last ? `; last log line: ${last}` : ''}`,
		command: observations.display,
		output: lines.slice(-5),
		findings: [
			{
				id: 'container-exited',
				confidence: 'confirmed',
				summary: `Container ${container.name}, which publishes port ${target.port}, is ${state}${last ? `; its last log line: "${last}"` : ''}.`,
				evidence,
				fixes,
			},
		],
	};
}
