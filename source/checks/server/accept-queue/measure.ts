/**
The accept queue of the listener that takes the timed-out address: its queue and backlog now
(`ss -Htln 'sport = :PORT'`: Recv-Q and Send-Q), and the kernel's listen-overflow counters
(/proc/net/netstat, TcpExt ListenOverflows and ListenDrops) around one more connect.
*/
import {counter} from '../../../parsers/proc-net-snmp.js';
import {parseSsListeners} from '../../../parsers/ss.js';
import type {AddressProbe, Listener} from '../../../tree/facts.js';
import {deltas, readCounters} from '../../kernel-counters.js';
import type {CheckContext} from '../../types.js';
import {accepts} from '../address.js';

export type OverflowDelta = {
	readonly before: {readonly overflows: number; readonly drops: number};
	readonly overflows: number;
	readonly drops: number;
};

export type QueueObservations = {
	/** The local address that timed out. */
	readonly probe: AddressProbe;
	/** The listeners that take it, with their queues as ss shows them now (else as the listeners step read them). */
	readonly listeners: readonly Listener[];
	/** The ss command, or why it could not be read. */
	readonly ss: {readonly command: string; readonly problem?: string};
	/** ListenOverflows and ListenDrops across the extra connect; undefined when unreadable. */
	readonly counters?: OverflowDelta;
	readonly countersProblem?: string;
	/** The extra connect. */
	readonly connect: {readonly code: string; readonly ms: number};
	/** The sysctl net.core.somaxconn (undefined when unreadable). */
	readonly somaxconn?: number;
};

/** The first local address that timed out, and the listeners on the port that take it. */
export function takers(context: CheckContext) {
	const local = new Set(context.facts.local?.localTargets);
	const probe = context.facts.probe?.addresses.find(
		a => a.outcome === 'timeout' && local.has(a.address),
	);
	const listeners = context.facts.listeners;
	const taking =
		probe && listeners
			? listeners.listeners
					.onPort(context.target.port)
					.filter(l => accepts(l, probe.address, listeners.bindv6only))
			: [];
	return {probe, taking};
}

const keys = ['TcpExt.ListenOverflows', 'TcpExt.ListenDrops'];

async function readQueues(
	context: CheckContext,
	taking: readonly Listener[],
): Promise<{listeners: Listener[]; ss: QueueObservations['ss']}> {
	const args = ['-Htln', `sport = :${context.target.port}`];
	context.onCommand(`ss ${args.join(' ')}`);
	const result = await context.io.run(
		{file: 'ss', args, timeoutMs: 5000},
		{signal: context.signal},
	);
	const now =
		result.exitCode === 0 ? parseSsListeners(result.stdout).listeners : [];
	const problem = result.notFound
		? 'ss is not installed (package iproute2)'
		: result.exitCode === 0
			? undefined
			: `ss ${result.timedOut ? 'timed out' : 'failed'}`;
	const listeners = taking.map(listener => {
		const fresh = now.find(
			l => l.address === listener.address && l.port === listener.port,
		);
		return fresh?.backlog === undefined
			? listener
			: {...listener, acceptQueue: fresh.acceptQueue, backlog: fresh.backlog};
	});
	return {
		listeners,
		ss: {command: result.command, ...(problem ? {problem} : {})},
	};
}

export async function measureQueue(
	context: CheckContext,
): Promise<QueueObservations> {
	const {probe, taking} = takers(context);
	const {io, target} = context;
	const queues = await readQueues(context, taking);
	context.onCommand(
		`cat /proc/net/netstat; connect ${probe!.address} port ${target.port}; cat /proc/net/netstat`,
	);
	const before = await readCounters(io, ['/proc/net/netstat']);
	const result = await io.connect(
		probe!.address,
		target.port,
		Math.min(context.timeoutMs, 1500),
		context.signal,
	);
	const after = await readCounters(io, ['/proc/net/netstat']);
	const somaxconn = await io.readFile('/proc/sys/net/core/somaxconn');
	let counters: OverflowDelta | undefined;
	if (before.ok && after.ok) {
		const d = deltas(before.counters, after.counters, keys, counter);
		const start = keys.map(key => counter(before.counters, key));
		if (d[keys[0]!] !== undefined && d[keys[1]!] !== undefined) {
			counters = {
				before: {overflows: start[0]!, drops: start[1]!},
				overflows: d[keys[0]!]!,
				drops: d[keys[1]!]!,
			};
		}
	}

	const problem = before.ok
		? after.ok
			? undefined
			: after.problem
		: before.problem;
	return {
		probe: probe!,
		listeners: queues.listeners,
		ss: queues.ss,
		...(counters ? {counters} : {}),
		...(counters
			? {}
			: {countersProblem: problem ?? 'TcpExt ListenOverflows not found'}),
		connect: {code: result.code, ms: result.ms},
		...(somaxconn.ok && /^\d+\s*$/.test(somaxconn.text)
			? {somaxconn: Number(somaxconn.text.trim())}
			: {}),
	};
}
