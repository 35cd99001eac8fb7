import {hostPort} from '../outcomes.js';
import type {CheckContext} from '../types.js';

export type PortListener = {
	readonly address: string;
	readonly port: number;
	readonly processes: ReadonlyArray<{
		readonly name: string;
		readonly pid: number;
	}>;
};

export type PortListeners = {
	readonly listeners: readonly PortListener[];
	/** Where they come from: the listeners step, or the ss command run here. */
	readonly source: string;
	/** False when process owners could not be seen (not root), or ss could not run. */
	readonly processesVisible: boolean;
	/** Set when nothing could be read, with why. */
	readonly error?: string;
};

/** One `ss -Htlnp` line → local address, port and the processes holding the socket. */
export function parseSsLine(line: string): PortListener | undefined {
	const columns = line.trim().split(/\s+/);
	const local = columns[3];
	if (!local) {
		return undefined;
	}

	const match = /^(?:\[([^\]]+)]|([^:]*(?:%[^:]+)?)):(\d+)$/.exec(local);
	if (!match) {
		return undefined;
	}

	const address = (match[1] ?? match[2] ?? '').replace(/%.*$/, '');
	const processes = [...line.matchAll(/\("([^"]+)",pid=(\d+)/g)].map(m => ({
		name: m[1]!,
		pid: Number(m[2]),
	}));
	return {
		address: address === '*' ? '0.0.0.0' : address,
		port: Number(match[3]),
		processes,
	};
}

/**
What listens on a TCP port of this host: from the listeners step when it ran, else a fresh
`ss -Htlnp 'sport = :PORT'` through the runner.
*/
export async function listenersOnPort(
	context: CheckContext,
	port: number,
): Promise<PortListeners> {
	const known = context.facts.listeners;
	if (known) {
		return {
			listeners: known.listeners
				.filter(l => l.port === port)
				.map(l => ({
					address: l.address,
					port: l.port,
					processes: l.process
						? [{name: l.process.name, pid: l.process.pid}]
						: [],
				})),
			source: known.command,
			processesVisible: known.processesVisible,
		};
	}

	const args = ['-Htlnp', `sport = :${port}`];
	context.onCommand(`ss ${args.join(' ')}`);
	const result = await context.io.run(
		{file: 'ss', args, timeoutMs: 3000},
		{signal: context.signal},
	);
	if (result.notFound || result.timedOut || result.exitCode !== 0) {
		return {
			listeners: [],
			source: result.command,
			processesVisible: false,
			error: result.notFound
				? 'ss is not installed'
				: result.timedOut
					? 'ss timed out'
					: `ss failed: ${result.stderr.trim().split('\n')[0] ?? ''}`,
		};
	}

	const listeners = result.stdout
		.split('\n')
		.map(line => parseSsLine(line))
		.filter(l => l !== undefined);
	return {
		listeners,
		source: result.command,
		processesVisible:
			context.io.uid === 0 || listeners.some(l => l.processes.length > 0),
	};
}

export function describeListener(listener: PortListener): string {
	const owner = listener.processes[0];
	return `${hostPort(listener.address, listener.port)}${owner ? ` (${owner.name} pid ${owner.pid})` : ''}`;
}
