/**
Is the service that should own the port running? The process list (same network namespace), and
with systemd each unit's state and, for a failed one, its journal; without systemd its own log
files. Every read keeps whether it worked: a timed-out systemctl or an unreadable log folder is
"could not tell", never "not running" or "no error".
*/
import {
	parseListUnits,
	parseSystemctlShow,
	unitFailed,
	unitProperties,
	type UnitState,
} from '../../../parsers/systemd.js';
import {
	services,
	servicesForPort,
	type ServiceModule,
} from '../../../services/index.js';
import {shellQuote} from '../../../text/sanitize.js';
import type {CheckContext, Io, RunResult} from '../../types.js';
import {expandPath} from '../files.js';
import {processList, sameNetns, type Running} from '../processes.js';

/** One command's output, and why it could not be read (timed out, not installed, canceled). */
export type CommandRead = {
	readonly command: string;
	readonly stdout: string;
	readonly failed?: string;
};

export type UnitRead = {
	readonly unit: string;
	readonly show: CommandRead;
	/** The unit as systemctl shows it (undefined: not found, or show failed). */
	readonly state?: UnitState;
	/** Read for a failed unit only. */
	readonly journal?: CommandRead;
};

export type LogRead = {
	readonly files: ReadonlyArray<{readonly path: string; readonly text: string}>;
	/** Log files or folders that exist but could not be read (EACCES as a user). */
	readonly unreadable: ReadonlyArray<{
		readonly path: string;
		readonly code: string;
	}>;
};

export type ServiceObservations = {
	/** Ids of the services that should own the port. */
	readonly expected: readonly string[];
	readonly running: readonly Running[];
	/** Per service, with systemd: the units listed and read. */
	readonly units: Readonly<
		Record<string, {readonly list: CommandRead; readonly units: UnitRead[]}>
	>;
	/** Per service not running, without systemd: its own log files. */
	readonly logs: Readonly<Record<string, LogRead>>;
};

function failure(result: RunResult): string | undefined {
	if (result.notFound) {
		return 'not installed';
	}

	if (result.timedOut) {
		return 'timed out';
	}

	return result.canceled ? 'canceled' : undefined;
}

async function run(
	context: CheckContext,
	file: string,
	args: readonly string[],
	timeoutMs: number,
): Promise<CommandRead> {
	context.onCommand(shellQuote([file, ...args]));
	const result = await context.io.run(
		{file, args, timeoutMs},
		{signal: context.signal},
	);
	const failed = failure(result);
	return {
		command: result.command,
		stdout: result.stdout,
		...(failed ? {failed} : {}),
	};
}

/** The services that should own the port: known for it, or configured for it (nginx listen 8080). */
export function expectedServices(context: {
	readonly target: {readonly port: number};
	readonly facts: CheckContext['facts'];
}): ServiceModule[] {
	const {port} = context.target;
	const fromConfig = (context.facts.services?.configs ?? [])
		.filter(
			c =>
				c.port === port || c.lines.some(l => !l.commented && l.port === port),
		)
		.map(c => services.find(s => s.id === c.service))
		.filter(s => s !== undefined);
	return [...new Set([...fromConfig, ...servicesForPort(port)])];
}

async function readUnit(
	context: CheckContext,
	unit: string,
): Promise<UnitRead> {
	const show = await run(
		context,
		'systemctl',
		['show', unit, `--property=${unitProperties.join(',')}`],
		5000,
	);
	const parsed = parseSystemctlShow(show.stdout)[0];
	const state =
		parsed && parsed.loadState !== 'not-found'
			? {...parsed, id: parsed.id || unit}
			: undefined;
	if (!state || !unitFailed(state)) {
		return {unit, show, ...(state ? {state} : {})};
	}

	const journal = await run(
		context,
		'journalctl',
		['-u', state.id, '-n', '20', '--no-pager', '-o', 'cat'],
		8000,
	);
	for (const line of journal.stdout.split('\n').filter(Boolean).slice(-5)) {
		context.onLine(line);
	}

	return {unit, show, state, journal};
}

async function readUnits(context: CheckContext, service: ServiceModule) {
	const list = await run(
		context,
		'systemctl',
		[
			'list-units',
			'--all',
			'--plain',
			'--no-legend',
			'--type=service',
			...service.units,
		],
		5000,
	);
	const listed = parseListUnits(list.stdout);
	const names =
		listed.length > 0
			? listed
			: service.units.filter(u => u.endsWith('.service'));
	const units: UnitRead[] = [];
	for (const unit of names.slice(0, 4)) {
		units.push(await readUnit(context, unit));
	}

	return {list, units};
}

const logFile = (entry: string) =>
	/\.log$|error_log$|\.log\.\d+$/.test(entry) && !entry.endsWith('.gz');

/** A log folder's newest two log files, or the path itself when it is a file. */
async function logFilesAt(io: Io, path: string): Promise<string[]> {
	const entries = await io.readDir(path);
	return entries
		? entries
				.filter(entry => logFile(entry))
				.toSorted()
				.slice(-2)
				.map(entry => `${path}/${entry}`)
		: [path];
}

/** The tail of a service's own log files (where no systemd runs). */
async function readLogs(io: Io, service: ServiceModule): Promise<LogRead> {
	const files: Array<{path: string; text: string}> = [];
	const unreadable: Array<{path: string; code: string}> = [];
	for (const pattern of service.logPaths) {
		for (const path of await expandPath(io, pattern)) {
			for (const file of await logFilesAt(io, path)) {
				const read = await io.readFile(file);
				if (read.ok) {
					files.push({
						path: file,
						text: read.text.split('\n').slice(-200).join('\n'),
					});
				} else if (read.code === 'EACCES' || read.code === 'EPERM') {
					unreadable.push({path: file, code: read.code});
				}
			}
		}
	}

	return {files, unreadable};
}

export async function measureServices(
	context: CheckContext,
): Promise<ServiceObservations> {
	const expected = expectedServices(context);
	if (expected.length === 0) {
		return {expected: [], running: [], units: {}, logs: {}};
	}

	const running = await sameNetns(
		context,
		await processList(context.io),
		expected,
	);
	const units: Record<string, {list: CommandRead; units: UnitRead[]}> = {};
	const logs: Record<string, LogRead> = {};
	for (const service of expected) {
		if (context.facts.environment?.systemd) {
			if (service.units.length > 0) {
				units[service.id] = await readUnits(context, service);
			}
		} else if (!running.some(p => service.processes.includes(p.name))) {
			logs[service.id] = await readLogs(context.io, service);
		}
	}

	return {expected: expected.map(s => s.id), running, units, logs};
}
