/** Connect to a refused address a few more times, reading the kernel's ICMP and TCP counters around each. */
import {counter, type Counters} from '../../parsers/proc-net-snmp.js';
import {deltas, readCounters, type CounterSource} from '../kernel-counters.js';
import type {CheckContext} from '../types.js';
import type {Family} from '../../tree/facts.js';

/** How many more connects: few enough to stay fast, enough that an exact match repeats. */
export const repeatCount = 3;

/** Counter deltas across one connect (host-wide: other traffic adds to them). */
export type RepeatDelta = {
	/** ICMP destination-unreachable received (Icmp InDestUnreachs, or Icmp6InDestUnreachs). */
	readonly icmp?: number;
	/** Connections this host opened (Tcp ActiveOpens): 1 when nothing else connected meanwhile. */
	readonly opens?: number;
	/** Segments retransmitted (Tcp RetransSegs): a SYN sent again after an error arrived while the socket was busy. */
	readonly retransmits?: number;
};

export type Repeat = {
	readonly code: string;
	readonly ms: number;
	readonly delta?: RepeatDelta;
};

export type AnswerObservations = {
	readonly address: string;
	readonly family: Family;
	readonly port: number;
	readonly repeats: readonly Repeat[];
	/** The counters could not be read: why. */
	readonly problem?: string;
};

const icmpKey = (family: Family) =>
	family === 6 ? 'Icmp6InDestUnreachs' : 'Icmp.InDestUnreachs';

const sources = (family: Family): CounterSource[] =>
	family === 6 ? ['/proc/net/snmp', '/proc/net/snmp6'] : ['/proc/net/snmp'];

function deltaOf(
	before: Counters,
	after: Counters,
	family: Family,
): RepeatDelta {
	const keys = [icmpKey(family), 'Tcp.ActiveOpens', 'Tcp.RetransSegs'];
	const d = deltas(before, after, keys, counter);
	return {
		...(d[keys[0]!] === undefined ? {} : {icmp: d[keys[0]!]}),
		...(d['Tcp.ActiveOpens'] === undefined
			? {}
			: {opens: d['Tcp.ActiveOpens']}),
		...(d['Tcp.RetransSegs'] === undefined
			? {}
			: {retransmits: d['Tcp.RetransSegs']}),
	};
}

/** The first refused address (the one a client dials first, when it refused). */
export function refusedAddress(context: CheckContext) {
	return context.facts.probe?.addresses.find(a => a.outcome === 'refused');
}

export async function measureAnswer(
	context: CheckContext,
): Promise<AnswerObservations> {
	const {io, target, signal} = context;
	const probe = refusedAddress(context)!;
	const base = {
		address: probe.address,
		family: probe.family,
		port: target.port,
	};
	const files = sources(probe.family);
	context.onCommand(
		`cat ${files.join(' ')}; connect ${probe.address} port ${target.port}; cat again (${repeatCount} times)`,
	);
	const repeats: Repeat[] = [];
	const timeoutMs = Math.min(context.timeoutMs, 2500);
	for (let index = 0; index < repeatCount; index++) {
		const before = await readCounters(io, files);
		if (!before.ok) {
			return {...base, repeats, problem: before.problem};
		}

		const result = await io.connect(
			probe.address,
			target.port,
			timeoutMs,
			signal,
		);
		const after = await readCounters(io, files);
		if (!after.ok) {
			return {...base, repeats, problem: after.problem};
		}

		const repeat = {
			code: result.code,
			ms: result.ms,
			delta: deltaOf(before.counters, after.counters, probe.family),
		};
		repeats.push(repeat);
		context.onLine(
			`connect #${index + 1}: ${result.code} in ${result.ms} ms, ICMP unreachable +${repeat.delta.icmp ?? '?'}`,
		);
		if (result.code !== 'ECONNREFUSED') {
			break;
		}
	}

	return {...base, repeats};
}
