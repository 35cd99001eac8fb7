/**
The container-logs step: the container that should serve the port is stopped; its exit code and last log
lines say why. Measure runs `docker logs`; the judge and its words are in logs-explain.ts.
*/
import {shellQuote} from '../../text/sanitize.js';
import {parseDockerError, parseDockerLogs} from '../../parsers/docker-logs.js';
import {defineCheck} from '../define.js';
import {cliArgv} from './chain.js';
import {
	judgeLogs,
	stoppedMatch,
	type LogsObservations,
} from './logs-explain.js';

const tail = 20;

export const containerLogsCheck = defineCheck<LogsObservations>({
	async measure(context) {
		const {io, facts} = context;
		const container = stoppedMatch(facts);
		if (!container) {
			return {};
		}

		const hostArgs = facts.containers?.hostArgs ?? [];
		const args = [
			...hostArgs,
			'logs',
			'--timestamps',
			'--tail',
			String(tail),
			container.id,
		];
		const display = shellQuote([
			...cliArgv(facts.containers),
			'logs',
			'--timestamps',
			'--tail',
			String(tail),
			container.name,
		]);
		context.onCommand(display);
		const result = await io.run(
			{file: facts.containers?.cli ?? 'docker', args, timeoutMs: 5000},
			{signal: context.signal},
		);
		if (result.exitCode === 0) {
			return {
				display,
				lines: parseDockerLogs(result.stdout, result.stderr).map(
					line => line.text,
				),
			};
		}

		return {
			display,
			problem: result.timedOut
				? 'timed out'
				: parseDockerError(result.stderr).message ||
					`exit code ${result.exitCode ?? '?'}`,
		};
	},
	judge: judgeLogs,
});
