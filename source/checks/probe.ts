import type {AddressProbe} from '../tree/facts.js';
import {hostPort} from '../net/address.js';
import type {CheckResult} from '../tree/types.js';
import {connectMeaning, outcomeOf} from './outcomes.js';
import {defineCheck, type JudgeInput} from './define.js';
import type {CheckContext} from './types.js';

/** One connect per resolved address, in resolution order. */
export type ProbeObservations = {
	readonly probes: readonly AddressProbe[];
};

const describe = (probe: AddressProbe) => {
	const what =
		probe.outcome === 'open'
			? probe.closedAfterAccept
				? 'accepted, then closed at once by the other side'
				: 'accepted (SYN, SYN-ACK)'
			: probe.code === 'ECONNRESET'
				? 'accepted, then reset at once by the other side'
				: probe.outcome === 'refused'
					? 'refused (a reset or an ICMP port-unreachable came back)'
					: probe.outcome === 'timeout'
						? 'no answer (SYN dropped?)'
						: connectMeaning(probe.code);
	return `${hostPort(probe.address, 0).replace(/:0$/, '')} ${what} in ${probe.ms} ms [${probe.code}]`;
};

/** A real TCP connect to every address, concurrently, each with its own timer. */
export async function measureProbe({
	target,
	facts,
	io,
	timeoutMs,
	signal,
	onCommand,
	onLine,
}: CheckContext): Promise<ProbeObservations> {
	const resolved = facts.resolution?.ok ? facts.resolution.addresses : [];
	onCommand(
		`connect() to ${resolved.map(a => hostPort(a.address, target.port)).join(', ')} (timeout ${timeoutMs} ms each)`,
	);
	const probes = await Promise.all(
		resolved.map(async ({address, family, source}): Promise<AddressProbe> => {
			const result = await io.connect(address, target.port, timeoutMs, signal);
			const done: AddressProbe = {
				address,
				family,
				source,
				outcome: outcomeOf(result.code),
				ms: result.ms,
				code: result.code,
				...(result.closedAfterAccept ? {closedAfterAccept: true} : {}),
			};
			onLine(describe(done));
			return done;
		}),
	);
	return {probes};
}

/** Pure: what the connects got, as the step's verdict and the probe facts. */
export function judgeProbe(
	{probes}: ProbeObservations,
	{target}: Pick<JudgeInput, 'target'>,
): CheckResult {
	const first = probes[0]!;
	const output = probes.map(p => describe(p));
	const allOpen = probes.every(p => p.outcome === 'open');
	const summary =
		probes.length === 1
			? `${hostPort(first.address, target.port)}: ${first.outcome} in ${first.ms} ms`
			: `first address ${hostPort(first.address, target.port)}: ${first.outcome}; ${probes
					.slice(1)
					.map(p => `${p.address}: ${p.outcome}`)
					.join(', ')}`;
	return {
		status: allOpen ? 'passed' : 'problem',
		detail: summary,
		command: `connect ${probes.map(p => hostPort(p.address, target.port)).join(' ')}`,
		output,
		facts: {
			probe: {
				outcome: first.outcome,
				address: first.address,
				ms: first.ms,
				addresses: probes,
			},
		},
	};
}

export const probe = defineCheck<ProbeObservations>({
	measure: measureProbe,
	judge: judgeProbe,
});
