/**
Read the kernel's network counters through Io (/proc/net/snmp, /proc/net/snmp6, /proc/net/netstat).
They count for the whole network namespace: other traffic on this host moves them too, so a
judge compares deltas around its own connects and says how exact they were.
*/
import {
	parseProcNetPairs,
	parseSnmp6,
	type Counters,
} from '../parsers/proc-net-snmp.js';
import type {Io} from './types.js';

export type CounterSource =
	'/proc/net/snmp' | '/proc/net/snmp6' | '/proc/net/netstat';

export type CounterRead =
	| {readonly ok: true; readonly counters: Counters}
	| {readonly ok: false; readonly problem: string};

const parsers: Record<CounterSource, (text: string) => Map<string, number>> = {
	'/proc/net/snmp': parseProcNetPairs,
	'/proc/net/snmp6': parseSnmp6,
	'/proc/net/netstat': parseProcNetPairs,
};

/** Read and merge the given files; any one unreadable or empty makes the whole read fail. */
export async function readCounters(
	io: Io,
	sources: readonly CounterSource[],
): Promise<CounterRead> {
	const merged = new Map<string, number>();
	for (const source of sources) {
		const file = await io.readFile(source);
		if (!file.ok) {
			return {ok: false, problem: `${source}: ${file.code}`};
		}

		const counters = parsers[source](file.text);
		if (counters.size === 0) {
			return {ok: false, problem: `${source}: no counters could be read`};
		}

		for (const [key, value] of counters) {
			merged.set(key, value);
		}
	}

	return {ok: true, counters: merged};
}

/** After minus before for each key (undefined when either side lacks it). */
export function deltas(
	before: Counters,
	after: Counters,
	keys: readonly string[],
	read: (counters: Counters, key: string) => number | undefined,
): Record<string, number | undefined> {
	const result: Record<string, number | undefined> = {};
	for (const key of keys) {
		const start = read(before, key);
		const end = read(after, key);
		result[key] =
			start === undefined || end === undefined ? undefined : end - start;
	}

	return result;
}
