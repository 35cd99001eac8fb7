import {explainLog, reasonAdvice, type LogLine} from '../../parsers/journal.js';
import {
	describeUnit,
	parseListUnits,
	parseSystemctlShow,
	unitFailed,
	unitProperties,
	type UnitState,
} from '../../parsers/systemd.js';
import {
	portName,
	services,
	servicesForPort,
	type ServiceDef,
} from '../../tree/services.js';
import type {Finding} from '../../tree/types.js';
import type {CheckContext, CheckRun, Io} from '../types.js';
import {expandPath} from './config.js';
import {processList, sameNetns} from './processes.js';
import {restartCommand} from './fixes.js';

/** The services that should own the port: known for it, or configured for it (nginx listen 8080). */
function expectedServices(context: CheckContext): ServiceDef[] {
	const {port} = context.target;
	const fromConfig = (context.facts.services?.configs ?? [])
		.filter(
			c =>
				c.port === port || c.lines.some(l => !l.commented && l.port === port),
		)
		.map(c => services.find(s => s.id === c.service))
		.filter(s => s !== undefined);
	const result: ServiceDef[] = [];
	for (const service of [...fromConfig, ...servicesForPort(port)]) {
		if (!result.includes(service)) {
			result.push(service);
		}
	}

	return result;
}

async function unitsOf(
	context: CheckContext,
	service: ServiceDef,
): Promise<{units: string[]; command: string}> {
	const args = [
		'list-units',
		'--all',
		'--plain',
		'--no-legend',
		'--type=service',
		...service.units,
	];
	context.onCommand(`systemctl ${args.join(' ')}`);
	const listed = await context.io.run(
		{file: 'systemctl', args, timeoutMs: 5000},
		{signal: context.signal},
	);
	const units = parseListUnits(listed.stdout);
	return {
		units:
			units.length > 0
				? units
				: service.units.filter(u => u.endsWith('.service')),
		command: listed.command,
	};
}

async function showUnit(
	context: CheckContext,
	unit: string,
): Promise<UnitState | undefined> {
	const args = ['show', unit, `--property=${unitProperties.join(',')}`];
	context.onCommand(`systemctl ${args.join(' ')}`);
	const result = await context.io.run(
		{file: 'systemctl', args, timeoutMs: 5000},
		{signal: context.signal},
	);
	const parsed = parseSystemctlShow(result.stdout)[0];
	return parsed && parsed.loadState !== 'not-found'
		? {...parsed, id: parsed.id || unit}
		: undefined;
}

async function journal(
	context: CheckContext,
	unit: string,
): Promise<{text: string; command: string; problem?: string}> {
	const args = ['-u', unit, '-n', '20', '--no-pager', '-o', 'cat'];
	context.onCommand(`journalctl ${args.join(' ')}`);
	const result = await context.io.run(
		{file: 'journalctl', args, timeoutMs: 8000},
		{signal: context.signal},
	);
	for (const line of result.stdout.split('\n').filter(Boolean).slice(-5)) {
		context.onLine(line);
	}

	const problem = result.notFound
		? 'journalctl is not installed'
		: result.stdout.trim() === '' && context.io.uid !== 0
			? `no journal lines visible (not root: add yourself to the systemd-journal or adm group, or run: sudo journalctl -u ${unit} -n 20 --no-pager)`
			: undefined;
	return {
		text: result.stdout,
		command: result.command,
		...(problem ? {problem} : {}),
	};
}

function logEvidence(
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

/** The tail of a service's own log files (where no systemd runs): newest files of its log folders. */
async function readLogs(
	io: Io,
	service: ServiceDef,
): Promise<Array<{path: string; text: string}>> {
	const logs: Array<{path: string; text: string}> = [];
	for (const pattern of service.logPaths) {
		for (const path of await expandPath(io, pattern)) {
			const entries = await io.readDir(path);
			const files = entries
				? entries
						.filter(
							entry =>
								/\.log$|error_log$|\.log\.\d+$/.test(entry) &&
								!entry.endsWith('.gz'),
						)
						.toSorted()
						.slice(-2)
						.map(entry => `${path}/${entry}`)
				: [path];
			for (const file of files) {
				const read = await io.readFile(file);
				if (read.ok) {
					logs.push({
						path: file,
						text: read.text.split('\n').slice(-200).join('\n'),
					});
				}
			}
		}
	}

	return logs;
}

/** Why nothing listens: is the service that should own the port running, and if it failed, why (unit state and log lines)? */
export const serviceState: CheckRun = async context => {
	const {target, facts, io} = context;
	const {port} = target;
	const expected = expectedServices(context);
	if (expected.length === 0) {
		return {
			status: 'passed',
			detail: `no known service uses port ${portName(port)}: which program should listen there is for you to say (dev server, app)`,
		};
	}

	const running = await sameNetns(context, await processList(io), expected);
	const output: string[] = [];
	const findings: Finding[] = [];
	const commands: string[] = [];
	for (const service of expected) {
		const processes = running.filter(p => service.processes.includes(p.name));
		output.push(
			processes.length > 0
				? `${service.name}: running (${processes
						.slice(0, 4)
						.map(p => `${p.name} pid ${p.pid}`)
						.join(', ')}), but not on port ${port}`
				: `${service.name}: no ${service.processes.join('/')} process runs`,
		);
	}

	if (facts.environment?.systemd) {
		for (const service of expected.filter(s => s.units.length > 0)) {
			const {units, command} = await unitsOf(context, service);
			commands.push(command);
			for (const unit of units.slice(0, 4)) {
				const state = await showUnit(context, unit);
				if (!state) {
					continue;
				}

				output.push(describeUnit(state));
				if (!unitFailed(state)) {
					if (state.activeState === 'inactive') {
						output.push(
							`${state.id} is stopped (not failed): start it with sudo systemctl start ${state.id}`,
						);
					}

					continue;
				}

				const log = await journal(context, state.id);
				commands.push(log.command);
				const explained = explainLog(log.text);
				output.push(
					...logEvidence(explained.lines, log.text, '  '),
					...(log.problem ? [log.problem] : []),
				);
				findings.push({
					id: 'service-failed',
					confidence: 'confirmed',
					summary: `${service.name} should listen on port ${port}, but its unit ${state.id} is ${state.activeState}/${state.subState}${state.execMainStatus ? ` (exit status ${state.execMainStatus})` : ''}${state.nRestarts ? ` after ${state.nRestarts} restarts` : ''}${explained.reason ? `: ${reasonAdvice[explained.reason]}` : ''}.`,
					evidence: [
						`systemctl show ${state.id}: ${describeUnit(state)}`,
						...logEvidence(
							explained.lines,
							log.text,
							`journalctl -u ${state.id}: `,
						),
						...(log.problem ? [log.problem] : []),
					],
					fixes: [
						...(explained.reason
							? [
									{
										command: `journalctl -u ${state.id} -n 50 --no-pager`,
										why: `Read the whole story: ${reasonAdvice[explained.reason]}.`,
									},
								]
							: [
									{
										command: `journalctl -u ${state.id} -n 50 --no-pager`,
										why: 'Read why it stopped.',
									},
								]),
						...(explained.reason === 'address-in-use'
							? [
									{
										command: `sudo ss -ltnp 'sport = :${port}'`,
										why: 'Who holds the port now.',
									},
								]
							: []),
						{
							command: `sudo systemctl restart ${state.id}`,
							why: 'Start it again once the cause is fixed (systemctl reset-failed clears a start-limit-hit).',
						},
					],
				});
			}
		}
	} else {
		const init = facts.environment
			? 'PID 1 is not systemd'
			: 'systemd state unknown';
		output.push(
			`no systemd here (${init}): looked at the process list and the services' own log files instead`,
		);
		for (const service of expected) {
			if (running.some(p => service.processes.includes(p.name))) {
				continue;
			}

			const logs = await readLogs(io, service);
			for (const log of logs) {
				const explained = explainLog(log.text);
				if (explained.lines.length === 0) {
					continue;
				}

				output.push(`${log.path}:`, ...explained.lines.map(l => `  ${l.text}`));
				findings.push({
					id: 'service-failed',
					confidence: 'likely',
					summary: `${service.name} should listen on port ${port}, but no ${service.processes[0] ?? ''} process runs and its log ends with errors${explained.reason ? `: ${reasonAdvice[explained.reason]}` : ''}.`,
					evidence: [
						`no ${service.processes.join('/')} process runs (/proc/*/comm)`,
						...explained.lines.map(l => `${log.path}: ${l.text}`),
					],
					fixes: [
						{
							command: `tail -n 50 ${log.path}`,
							why: explained.reason
								? `${reasonAdvice[explained.reason]}.`
								: 'Read why it stopped.',
						},
						{
							command: restartCommand(
								service,
								facts.services?.configs.find(c => c.service === service.id),
								facts,
							),
							why: `Start ${service.name} again once the cause is fixed.`,
						},
					],
				});
				break;
			}
		}
	}

	return {
		status: findings.length > 0 ? 'problem' : 'passed',
		detail:
			findings[0]?.summary ??
			`${expected
				.map(
					s =>
						`${s.name} ${running.some(p => s.processes.includes(p.name)) ? 'runs, but not on this port' : 'is not running'}`,
				)
				.join(
					'; ',
				)}; ${facts.environment?.systemd ? 'no failed unit' : 'no systemd here, and no error in its log files'}`,
		...(commands.length > 0 ? {command: commands.join('; ')} : {}),
		output,
		findings,
	};
};
