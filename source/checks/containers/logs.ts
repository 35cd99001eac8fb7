import {shellQuote} from '../../text/sanitize.js';
import type {CheckRun} from '../types.js';
import {formatBinding} from '../../parsers/docker-inspect.js';
import {parseDockerError, parseDockerLogs} from '../../parsers/docker-logs.js';
import type {Fix} from '../../tree/types.js';
import {bindingsFor, cliOf, inspectOf} from './diagnose.js';

const tail = 20;

/** The container that should serve the port is stopped: its exit code and last log lines say why. */
export const containerLogs: CheckRun = async context => {
	const {io, facts, target} = context;
	const match = facts.containers?.match;
	const container = facts.containers?.containers?.find(c => c.id === match?.id);
	if (!container || match?.kind !== 'stopped') {
		return {
			status: 'skipped',
			detail: 'no stopped container publishes this port',
		};
	}

	const cli = cliOf(facts.containers);
	const args = [
		...(facts.containers?.hostArgs ?? []),
		'logs',
		'--timestamps',
		'--tail',
		String(tail),
		container.id,
	];
	const display = `${cli} logs --timestamps --tail ${tail} ${container.name}`;
	context.onCommand(display);
	const result = await io.run(
		{file: facts.containers?.cli ?? 'docker', args, timeoutMs: 5000},
		{signal: context.signal},
	);
	const lines =
		result.exitCode === 0
			? parseDockerLogs(result.stdout, result.stderr).map(line => line.text)
			: [];
	const logProblem =
		result.exitCode === 0
			? undefined
			: result.timedOut
				? 'timed out'
				: parseDockerError(result.stderr).message ||
					`exit code ${result.exitCode ?? '?'}`;
	const last = lines.at(-1);
	const mapping = bindingsFor(container, target.port)
		.map(b => formatBinding(b))
		.join(', ');
	const how = container.oomKilled
		? ' (killed: out of memory)'
		: container.exitCode === 137
			? ' (SIGKILL: docker stop, or out of memory)'
			: container.exitCode === 143
				? ' (SIGTERM)'
				: '';
	const state =
		container.state === 'restarting'
			? `restarting (it keeps crashing: ${container.restartCount} restarts so far; last exit code ${container.exitCode}${how})`
			: container.state === 'created'
				? 'created but never started'
				: `${container.state} (exit code ${container.exitCode}${how})`;
	const evidence = [
		`${container.name} (${container.image}) is ${container.state}, exit code ${container.exitCode}${how}, finished ${container.finishedAt}; it publishes ${mapping} when running (${inspectOf(facts)})`,
		...(container.error ? [`engine error: ${container.error}`] : []),
		...(container.restartCount > 0
			? [`restarted ${container.restartCount} times`]
			: []),
		...(logProblem
			? [`${display}: ${logProblem}`]
			: lines.length > 0
				? lines.map(line => `log: ${line}`)
				: [`${display}: no output`]),
	];
	const start = container.compose
		? shellQuote([
				...cli.split(' '),
				'compose',
				...(container.compose.workingDir
					? ['--project-directory', container.compose.workingDir]
					: []),
				...(container.compose.configFiles ?? '')
					.split(',')
					.filter(Boolean)
					.flatMap(file => ['-f', file]),
				'up',
				'-d',
				container.compose.service,
			])
		: `${cli} start ${container.name}`;
	const fixes: Fix[] = [
		{
			command: `${cli} logs --tail 200 ${container.name}`,
			why: 'Read more of its log: the reason it stopped comes before the exit.',
		},
		{
			command: start,
			why: `Starts it again once the cause in the log is fixed; its port ${target.port} comes back with it.`,
		},
	];
	return {
		status: 'problem',
		detail: `${container.name} is ${state}${last ? `; last log line: ${last}` : ''}`,
		command: display,
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
};
