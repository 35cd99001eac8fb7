/** The words, evidence and fixes of service-failed (pure). */
import {
	reasonAdvice,
	type LogLine,
	type LogReason,
} from '../../../parsers/journal.js';
import {describeUnit, type UnitState} from '../../../parsers/systemd.js';
import {asRoot} from '../../../services/command.js';
import type {ServiceModule} from '../../../services/index.js';
import {shellQuote} from '../../../text/sanitize.js';
import type {Finding, Fix} from '../../../tree/types.js';

/** The explaining log lines, else the last five lines as they are. */
export function logEvidence(
	lines: readonly LogLine[],
	raw: string,
	prefix: string,
): string[] {
	if (lines.length > 0) {
		return lines.map(l => `${prefix}${l.text}`);
	}

	return raw
		.split('\n')
		.filter(Boolean)
		.slice(-5)
		.map(line => `${prefix}${line}`);
}

const advice = (reason: LogReason | undefined) =>
	reason ? `: ${reasonAdvice[reason]}` : '';

export function unitFailedFinding(options: {
	readonly service: ServiceModule;
	readonly port: number;
	readonly state: UnitState;
	readonly log: {
		readonly text: string;
		readonly lines: readonly LogLine[];
		readonly reason?: LogReason;
		readonly problem?: string;
	};
	readonly root: boolean;
}): Finding {
	const {service, port, state, log, root} = options;
	const unit = shellQuote([state.id]);
	const fixes: Fix[] = [
		{
			command: `journalctl -u ${unit} -n 50 --no-pager`,
			why: log.reason
				? `Read the whole story: ${reasonAdvice[log.reason]}.`
				: 'Read why it stopped.',
		},
		...(log.reason === 'address-in-use'
			? [
					{
						command: asRoot(root, ['ss', '-ltnp', `sport = :${port}`]),
						why: 'Who holds the port now.',
					},
				]
			: []),
		{
			command: asRoot(root, ['systemctl', 'restart', state.id]),
			why: 'Start it again once the cause is fixed (systemctl reset-failed clears a start-limit-hit).',
		},
	];
	return {
		id: 'service-failed',
		confidence: 'confirmed',
		summary: `${service.name} should listen on port ${port}, but its unit ${state.id} is ${state.activeState}/${state.subState}${state.execMainStatus ? ` (exit status ${state.execMainStatus})` : ''}${state.nRestarts ? ` after ${state.nRestarts} restarts` : ''}${advice(log.reason)}.`,
		evidence: [
			`systemctl show ${state.id}: ${describeUnit(state)}`,
			...logEvidence(log.lines, log.text, `journalctl -u ${state.id}: `),
			...(log.problem ? [log.problem] : []),
		],
		fixes,
	};
}

export function logFailedFinding(options: {
	readonly service: ServiceModule;
	readonly port: number;
	readonly path: string;
	readonly lines: readonly LogLine[];
	readonly reason?: LogReason;
	readonly restart: string;
}): Finding {
	const {service, port, path, lines, reason} = options;
	return {
		id: 'service-failed',
		confidence: 'likely',
		summary: `${service.name} should listen on port ${port}, but no ${service.processes[0] ?? ''} process runs and its log ends with errors${advice(reason)}.`,
		evidence: [
			`no ${service.processes.join('/')} process runs (/proc/*/comm)`,
			...lines.map(l => `${path}: ${l.text}`),
		],
		fixes: [
			{
				command: shellQuote(['tail', '-n', '50', path]),
				why: reason ? `${reasonAdvice[reason]}.` : 'Read why it stopped.',
			},
			{
				command: options.restart,
				why: `Start ${service.name} again once the cause is fixed.`,
			},
		],
	};
}
