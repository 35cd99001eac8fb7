import {parseSsListeners} from '../../parsers/ss.js';
import {hostPort} from '../../net/address.js';
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
			listeners: known.listeners.onPort(port).map(l => ({
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

	const listeners = parseSsListeners(result.stdout).listeners.map(l => ({
		address: l.address.replace(/%.*$/, ''),
		port: l.port,
		processes: l.processes ?? (l.process ? [l.process] : []),
	}));
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
