/**
`systemctl show UNIT --property=...`: KEY=VALUE lines (one block per unit, blocks separated by an
empty line). Properties, not the human `systemctl status` text, so the wording never matters.
*/

export type UnitState = {
	readonly id: string;
	readonly loadState?: string;
	readonly activeState?: string;
	readonly subState?: string;
	/** Success, exit-code, signal, core-dump, timeout, start-limit-hit, ... */
	readonly result?: string;
	readonly execMainStatus?: number;
	/** 1 exited, 2 killed, 3 dumped (CLD_* codes). */
	readonly execMainCode?: number;
	readonly nRestarts?: number;
	readonly mainPid?: number;
	readonly fragmentPath?: string;
	readonly exitTimestamp?: string;
	readonly properties: Readonly<Record<string, string>>;
};

export const unitProperties = [
	'Id',
	'LoadState',
	'ActiveState',
	'SubState',
	'Result',
	'ExecMainStatus',
	'ExecMainCode',
	'NRestarts',
	'MainPID',
	'FragmentPath',
	'ExecMainExitTimestamp',
] as const;

function numberOf(value: string | undefined): number | undefined {
	if (value === undefined || value === '' || !/^-?\d+$/.test(value)) {
		return undefined;
	}

	return Number(value);
}

export function parseSystemctlShow(stdout: string): UnitState[] {
	const units: UnitState[] = [];
	for (const block of stdout.split(/\n\s*\n/)) {
		const properties: Record<string, string> = {};
		for (const line of block.split('\n')) {
			const index = line.indexOf('=');
			if (index > 0) {
				properties[line.slice(0, index).trim()] = line.slice(index + 1).trim();
			}
		}

		if (Object.keys(properties).length === 0) {
			continue;
		}

		const get = (key: string) => properties[key];
		const execMainStatus = numberOf(get('ExecMainStatus'));
		const execMainCode = numberOf(get('ExecMainCode'));
		const nRestarts = numberOf(get('NRestarts'));
		const mainPid = numberOf(get('MainPID'));
		units.push({
			id: get('Id') ?? '',
			...(get('LoadState') ? {loadState: get('LoadState')} : {}),
			...(get('ActiveState') ? {activeState: get('ActiveState')} : {}),
			...(get('SubState') ? {subState: get('SubState')} : {}),
			...(get('Result') ? {result: get('Result')} : {}),
			...(execMainStatus === undefined ? {} : {execMainStatus}),
			...(execMainCode === undefined ? {} : {execMainCode}),
			...(nRestarts === undefined ? {} : {nRestarts}),
			...(mainPid === undefined ? {} : {mainPid}),
			...(get('FragmentPath') ? {fragmentPath: get('FragmentPath')} : {}),
			...(get('ExecMainExitTimestamp')
				? {exitTimestamp: get('ExecMainExitTimestamp')}
				: {}),
			properties,
		});
	}

	return units;
}

/** The unit is down because it failed (or keeps failing), not because nobody started it. */
export function unitFailed(unit: UnitState): boolean {
	return (
		unit.activeState === 'failed' ||
		unit.subState === 'auto-restart' ||
		(unit.result !== undefined &&
			unit.result !== 'success' &&
			unit.activeState !== 'active')
	);
}

/** One line for evidence: "postgresql@15-main.service: failed (Result=exit-code, ExecMainStatus=1, NRestarts=5)". */
export function describeUnit(unit: UnitState): string {
	const parts = [
		unit.result ? `Result=${unit.result}` : '',
		unit.execMainStatus === undefined
			? ''
			: `ExecMainStatus=${unit.execMainStatus}`,
		unit.nRestarts === undefined ? '' : `NRestarts=${unit.nRestarts}`,
		unit.exitTimestamp ? `exited ${unit.exitTimestamp}` : '',
	].filter(Boolean);
	return `${unit.id}: ${unit.activeState ?? '?'}/${unit.subState ?? '?'}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** `systemctl list-units --all --plain --no-legend --type=service PATTERN` → unit names. */
export function parseListUnits(stdout: string): string[] {
	return stdout
		.split('\n')
		.map(
			line =>
				line
					.trim()
					.replace(/^\u25CF\s*/, '')
					.split(/\s+/)[0] ?? '',
		)
		.filter(name => name.endsWith('.service'));
}
