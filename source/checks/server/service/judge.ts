/** Judge the service state: failed unit or log errors (service-failed), else running/not running, or could not tell. */
import {explainLog} from '../../../parsers/journal.js';
import {describeUnit} from '../../../parsers/systemd.js';
import {
	portName,
	serviceById,
	type ServiceModule,
} from '../../../services/index.js';
import type {CheckResult, Finding} from '../../../tree/types.js';
import type {JudgeInput} from '../../define.js';
import {asRoot} from '../../../services/command.js';
import {shellQuote} from '../../../text/sanitize.js';
import {restartCommand} from '../fixes.js';
import type {Running} from '../processes.js';
import {logEvidence, logFailedFinding, unitFailedFinding} from './explain.js';
import type {LogRead, ServiceObservations, UnitRead} from './measure.js';

type Verdict = {
	output: string[];
	findings: Finding[];
	commands: string[];
	/** What could not be read, with the command to run by hand. */
	blind: string[];
};

const runsFor = (service: ServiceModule, running: readonly Running[]) =>
	running.filter(p => service.processes.includes(p.name));

function journalProblem(unit: UnitRead, root: boolean): string | undefined {
	const journal = unit.journal!;
	if (journal.failed) {
		return `journalctl ${journal.failed}`;
	}

	return journal.stdout.trim() === '' && !root
		? `no journal lines visible (not root: add yourself to the systemd-journal or adm group, or run: sudo journalctl -u ${unit.state!.id} -n 20 --no-pager)`
		: undefined;
}

function judgeUnit(
	service: ServiceModule,
	unit: UnitRead,
	input: JudgeInput,
	verdict: Verdict,
): void {
	const root = input.uid === 0;
	if (unit.show.failed) {
		verdict.blind.push(
			`systemctl show ${unit.unit} ${unit.show.failed}: run by hand: ${shellQuote(['systemctl', 'status', unit.unit])}`,
		);
		return;
	}

	const {state} = unit;
	if (!state) {
		return;
	}

	verdict.output.push(describeUnit(state));
	if (!unit.journal) {
		if (state.activeState === 'inactive') {
			verdict.output.push(
				`${state.id} is stopped (not failed): start it with ${root ? '' : 'sudo '}systemctl start ${state.id}`,
			);
		}

		return;
	}

	verdict.commands.push(unit.journal.command);
	const explained = explainLog(unit.journal.stdout);
	const problem = journalProblem(unit, root);
	verdict.output.push(
		...logEvidence(explained.lines, unit.journal.stdout, '  '),
		...(problem ? [problem] : []),
	);
	verdict.findings.push(
		unitFailedFinding({
			service,
			port: input.target.port,
			state,
			log: {
				text: unit.journal.stdout,
				...explained,
				...(problem ? {problem} : {}),
			},
			root,
		}),
	);
}

function judgeSystemd(
	expected: readonly ServiceModule[],
	observations: ServiceObservations,
	input: JudgeInput,
	verdict: Verdict,
): void {
	for (const service of expected) {
		const read = observations.units[service.id];
		if (!read) {
			continue;
		}

		verdict.commands.push(read.list.command);
		if (read.list.failed) {
			verdict.blind.push(
				`systemctl list-units ${read.list.failed} for ${service.name}`,
			);
		}

		for (const unit of read.units) {
			judgeUnit(service, unit, input, verdict);
		}
	}
}

function judgeLogs(
	service: ServiceModule,
	logs: LogRead,
	input: JudgeInput,
	verdict: Verdict,
): void {
	for (const log of logs.files) {
		const explained = explainLog(log.text);
		if (explained.lines.length === 0) {
			continue;
		}

		verdict.output.push(
			`${log.path}:`,
			...explained.lines.map(l => `  ${l.text}`),
		);
		verdict.findings.push(
			logFailedFinding({
				service,
				port: input.target.port,
				path: log.path,
				...explained,
				restart: restartCommand(
					service,
					input.facts.services?.configs.find(c => c.service === service.id),
					{systemd: false, root: input.uid === 0},
				),
			}),
		);
		return;
	}

	const root = input.uid === 0;
	for (const {path, code} of logs.unreadable) {
		verdict.blind.push(
			`${path} cannot be read (${code}${root ? '' : ': not root'}): run by hand: ${asRoot(root, ['tail', '-n', '50', path])}`,
		);
	}
}

function summary(
	expected: readonly ServiceModule[],
	running: readonly Running[],
	systemd: boolean,
): string {
	const states = expected
		.map(
			s =>
				`${s.name} ${runsFor(s, running).length > 0 ? 'runs, but not on this port' : 'is not running'}`,
		)
		.join('; ');
	return `${states}; ${systemd ? 'no failed unit' : 'no systemd here, and no error in its log files'}`;
}

export function judgeServices(
	observations: ServiceObservations,
	input: JudgeInput,
): CheckResult {
	const {port} = input.target;
	const expected = observations.expected
		.map(id => serviceById(id))
		.filter(s => s !== undefined);
	if (expected.length === 0) {
		return {
			status: 'passed',
			detail: `no known service uses port ${portName(port)}: which program should listen there is for you to say (dev server, app)`,
		};
	}

	const {running} = observations;
	const systemd = input.facts.environment?.systemd ?? false;
	const verdict: Verdict = {
		output: expected.map(service => {
			const processes = runsFor(service, running);
			return processes.length > 0
				? `${service.name}: running (${processes
						.slice(0, 4)
						.map(p => `${p.name} pid ${p.pid}`)
						.join(', ')}), but not on port ${port}`
				: `${service.name}: no ${service.processes.join('/')} process runs`;
		}),
		findings: [],
		commands: [],
		blind: [],
	};
	if (systemd) {
		judgeSystemd(expected, observations, input, verdict);
	} else {
		const init = input.facts.environment
			? 'PID 1 is not systemd'
			: 'systemd state unknown';
		verdict.output.push(
			`no systemd here (${init}): looked at the process list and the services' own log files instead`,
		);
		for (const service of expected) {
			const logs = observations.logs[service.id];
			if (logs) {
				judgeLogs(service, logs, input, verdict);
			}
		}
	}

	const {findings, blind, commands, output} = verdict;
	const status =
		findings.length > 0 ? 'problem' : blind.length > 0 ? 'unknown' : 'passed';
	return {
		status,
		detail:
			findings[0]?.summary ??
			(blind.length > 0
				? `could not tell whether the service failed: ${blind.join('; ')}`
				: summary(expected, running, systemd)),
		...(commands.length > 0 ? {command: commands.join('; ')} : {}),
		output: [...output, ...blind],
		findings,
	};
}
