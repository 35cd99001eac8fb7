/** Firewalld on top of nftables (or iptables): its state, the zone that decided, the zone's ports and services. */
import {
	parseFirewalldState,
	parseWords,
	parseZoneName,
} from '../../parsers/firewalld.js';
import type {CheckContext} from '../types.js';
import type {RuleRef} from './rules.js';

/** The zone whose chain holds the rule: filter_IN_public_deny → public (nft), IN_public_allow → public (iptables). */
export function zoneOfChain(chain: string): string | undefined {
	return /^(?:filter_)?IN_(.+?)(?:_pre|_log|_deny|_allow|_post)?$/.exec(
		chain,
	)?.[1];
}

export type FirewalldEvidence = {
	readonly zone?: string;
	/** The rich rule behind a rule in a zone's deny chain, as firewall-cmd prints it. */
	readonly richRule?: string;
	readonly lines: readonly string[];
};

export async function firewalldEvidence(
	context: CheckContext,
	by: RuleRef,
	iif: string | undefined,
): Promise<FirewalldEvidence> {
	const run = async (...args: string[]) => {
		context.onCommand(['firewall-cmd', ...args].join(' '));
		return context.io.run(
			{file: 'firewall-cmd', args, timeoutMs: 10_000},
			{signal: context.signal},
		);
	};

	const state = await run('--state');
	if (state.notFound) {
		const zone = zoneOfChain(by.chain);
		return {
			...(zone ? {zone} : {}),
			lines: [
				`firewalld's rules are loaded, but firewall-cmd is not installed${zone ? `; the rule is in zone ${zone}` : ''}`,
			],
		};
	}

	const running = parseFirewalldState(state.stdout + state.stderr);
	if (running !== 'running') {
		const zone = zoneOfChain(by.chain);
		return {
			...(zone ? {zone} : {}),
			lines: [
				`firewall-cmd --state: ${(state.stdout.trim() || state.stderr.trim()).split('\n')[0] ?? ''}`,
			],
		};
	}

	let zone = zoneOfChain(by.chain);
	let how = zone ? `the rule is in zone ${zone}'s chains` : '';
	if (!zone && iif && iif !== 'lo') {
		const ofInterface = await run(`--get-zone-of-interface=${iif}`);
		zone = parseZoneName(ofInterface.stdout);
		how = zone ? `interface ${iif} is in zone ${zone}` : '';
	}

	if (!zone) {
		zone = parseZoneName((await run('--get-default-zone')).stdout);
		how = zone ? `default zone ${zone}` : '';
	}

	if (!zone) {
		return {
			lines: [
				'firewalld is running; the zone could not be told (firewall-cmd --get-active-zones)',
			],
		};
	}

	let richRule: string | undefined;
	if (by.chain.endsWith('_deny')) {
		const port = String(context.target.port);
		richRule = (await run(`--zone=${zone}`, '--list-rich-rules')).stdout
			.split('\n')
			.map(line => line.trim())
			.find(
				line =>
					line.includes(`port="${port}"`) && /\b(?:reject|drop)\b/.test(line),
			);
	}

	const ports = parseWords(
		(await run(`--zone=${zone}`, '--list-ports')).stdout,
	);
	const services = parseWords(
		(await run(`--zone=${zone}`, '--list-services')).stdout,
	);
	return {
		zone,
		...(richRule ? {richRule} : {}),
		lines: [
			`firewalld is running; ${how}: services ${services.join(' ') || '(none)'}; ports ${ports.join(' ') || '(none)'}`,
			...(richRule ? [`firewalld rich rule in zone ${zone}: ${richRule}`] : []),
		],
	};
}
