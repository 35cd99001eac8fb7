/** Measure the managers on top of the rules: `ufw status numbered`, firewalld's state, zone, ports and rich rules. */
import {zoneOfChain} from '../../model/firewall/firewalld.js';
import type {RuleRef} from '../../model/firewall/index.js';
import {
	parseFirewalldState,
	parseWords,
	parseZoneName,
} from '../../parsers/firewalld.js';
import {parseUfwStatus} from '../../parsers/ufw.js';
import type {CheckContext, RunResult} from '../types.js';
import type {FirewalldObservation, UfwObservation} from './observations.js';

const firstLine = (result: RunResult) =>
	(result.stdout.trim() || result.stderr.trim()).split('\n')[0] ?? '';

export async function measureUfw(
	context: CheckContext,
): Promise<UfwObservation> {
	context.onCommand('ufw status numbered');
	const result = await context.io.run(
		{file: 'ufw', args: ['status', 'numbered'], timeoutMs: 10_000},
		{signal: context.signal},
	);
	if (result.notFound) {
		return {kind: 'missing'};
	}

	if (result.exitCode !== 0) {
		return {
			kind: 'failed',
			line: (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '',
		};
	}

	return {kind: 'read', status: parseUfwStatus(result.stdout)};
}

function firewallCmd(context: CheckContext) {
	return async (...args: string[]) => {
		context.onCommand(['firewall-cmd', ...args].join(' '));
		return context.io.run(
			{file: 'firewall-cmd', args, timeoutMs: 10_000},
			{signal: context.signal},
		);
	};
}

/** The zone that holds the rule: by its chain, else the incoming interface's zone, else the default zone. */
async function findZone(
	run: ReturnType<typeof firewallCmd>,
	by: RuleRef,
	iif: string | undefined,
): Promise<{zone?: string; how: string}> {
	const ofChain = zoneOfChain(by.chain);
	if (ofChain) {
		return {zone: ofChain, how: `the rule is in zone ${ofChain}'s chains`};
	}

	if (iif && iif !== 'lo') {
		const zone = parseZoneName(
			(await run(`--get-zone-of-interface=${iif}`)).stdout,
		);
		if (zone) {
			return {zone, how: `interface ${iif} is in zone ${zone}`};
		}
	}

	const zone = parseZoneName((await run('--get-default-zone')).stdout);
	return zone ? {zone, how: `default zone ${zone}`} : {how: ''};
}

export async function measureFirewalld(
	context: CheckContext,
	by: RuleRef,
	iif: string | undefined,
): Promise<FirewalldObservation> {
	const run = firewallCmd(context);
	const state = await run('--state');
	if (state.notFound) {
		return {kind: 'missing'};
	}

	if (parseFirewalldState(state.stdout + state.stderr) !== 'running') {
		return {kind: 'stopped', line: firstLine(state)};
	}

	const {zone, how} = await findZone(run, by, iif);
	if (!zone) {
		return {kind: 'running', how, ports: [], services: []};
	}

	const richRules = by.chain.endsWith('_deny')
		? (await run(`--zone=${zone}`, '--list-rich-rules')).stdout.split('\n')
		: undefined;
	const ports = parseWords(
		(await run(`--zone=${zone}`, '--list-ports')).stdout,
	);
	const services = parseWords(
		(await run(`--zone=${zone}`, '--list-services')).stdout,
	);
	return {
		kind: 'running',
		zone,
		how,
		...(richRules ? {richRules} : {}),
		ports,
		services,
	};
}
