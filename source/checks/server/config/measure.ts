/** Which services' config to read (those on the target port, then those known for it), and read them. */
import type {
	Listener,
	Listeners,
	ServiceConfigFacts,
} from '../../../tree/facts.js';
import {
	services,
	servicesForPort,
	type ServiceModule,
} from '../../../services/index.js';
import type {CheckContext} from '../../types.js';
import {processList, sameNetns} from '../processes.js';
import {readServiceConfig} from './read.js';

export type ConfigObservations = {
	/** Services to read: none means no known service listens on or is known for the port. */
	readonly wanted: readonly string[];
	readonly configs: readonly ServiceConfigFacts[];
};

/** The owner process (the lowest pid: a master, not a worker) of listeners that belong to a service. */
function ownerOf(
	listeners: readonly Listener[],
	service: ServiceModule,
): number | undefined {
	const pids = listeners
		.flatMap(l => l.processes ?? (l.process ? [l.process] : []))
		.filter(p => service.processes.includes(p.name))
		.map(p => p.pid);
	return pids.length > 0 ? Math.min(...pids) : undefined;
}

type Wanted = {service: ServiceModule; pid?: number};

/** Which services to read: those listening on the target port, then those the port is known for. */
export function servicesToRead(
	port: number,
	listeners: Listeners | undefined,
): Wanted[] {
	const result: Wanted[] = [];
	const add = (service: ServiceModule, pid: number | undefined) => {
		if (service.syntax && !result.some(r => r.service.id === service.id)) {
			result.push({service, ...(pid === undefined ? {} : {pid})});
		}
	};

	const onPort = listeners?.onPort(port) ?? [];
	for (const service of services) {
		const pid = ownerOf(onPort, service);
		if (pid !== undefined) {
			add(service, pid);
		}
	}

	// Only a service with a config syntax is read, and only the listeners of its processes give a pid: the others are not built.
	for (const service of servicesForPort(port).filter(s => s.syntax)) {
		if (!result.some(r => r.service.id === service.id)) {
			add(service, ownerOf(listeners?.named(service.processes) ?? [], service));
		}
	}

	return result;
}

/** The owner is hidden (not root) or not listening: its process still shows in /proc (cmdline is world-readable). */
async function findPids(context: CheckContext, wanted: Wanted[]) {
	if (wanted.every(w => w.pid !== undefined)) {
		return;
	}

	const running = await processList(context.io);
	for (const entry of wanted.filter(w => w.pid === undefined)) {
		const names = entry.service.processes.filter(name => name !== 'java');
		const mine = await sameNetns(context, running, [{processes: names}]);
		const pids = mine.filter(p => names.includes(p.name)).map(p => p.pid);
		if (pids.length > 0) {
			entry.pid = Math.min(...pids);
		}
	}
}

export async function measureConfig(
	context: CheckContext,
): Promise<ConfigObservations> {
	const wanted = servicesToRead(
		context.target.port,
		context.facts.listeners?.listeners,
	);
	await findPids(context, wanted);
	const configs: ServiceConfigFacts[] = [];
	for (const {service, pid} of wanted) {
		const config = await readServiceConfig(context, service, pid);
		if (config) {
			configs.push(config);
		}
	}

	return {wanted: wanted.map(w => w.service.id), configs};
}
