/**
The judge of the container-port step, pure: which container should serve the port, and where its
chain breaks (host port → publishing by docker-proxy or NAT → container port → the app's bind inside
the container's network namespace). It decides a verdict; `port-explain.ts` puts it in words.
*/
import {isLoopback} from '../../net/address.js';
import type {
	ContainerInfo,
	ContainerPortBinding,
	Facts,
	NetnsListener,
} from '../../tree/facts.js';
import {
	addressOwner,
	bindingsFor,
	covers,
	publishersOf,
	type NetnsRead,
} from './chain.js';

/** What the measure read: the containers looked into and what listens inside each (by id). */
export type PortObservations = {
	readonly looked: readonly ContainerInfo[];
	readonly netns: ReadonlyMap<string, NetnsRead>;
};

/** Inside a publishing container, seen from its mapping. */
export type PublishedInside =
	| {readonly state: 'unread'; readonly dropped: boolean}
	| {readonly state: 'intact'; readonly reachable: readonly NetnsListener[]}
	| {
			readonly state: 'loopback';
			readonly onPort: readonly NetnsListener[];
			readonly dropped: boolean;
	  }
	| {
			readonly state: 'elsewhere';
			/** The one port the app listens on where the mapping can reach it. */
			readonly actual?: number;
			/** Ports it listens on, on loopback only. */
			readonly loopbackPorts: readonly number[];
	  };

/** Inside a container whose own address was dialed. */
export type DirectInside =
	| {readonly state: 'unread'}
	| {readonly state: 'reachable'; readonly onPort: readonly NetnsListener[]}
	| {readonly state: 'loopback'; readonly onPort: readonly NetnsListener[]}
	| {readonly state: 'elsewhere'; readonly ports: readonly number[]};

export type PortVerdict =
	| {
			readonly kind: 'direct';
			readonly container: ContainerInfo;
			readonly address: string;
			readonly inside: DirectInside;
	  }
	| {
			readonly kind: 'published';
			readonly container: ContainerInfo;
			readonly bindings: readonly ContainerPortBinding[];
			/** A dialed address (not loopback) that no mapping covers, when every such address is uncovered. */
			readonly uncovered?: string;
			readonly inside: PublishedInside;
	  }
	| {
			readonly kind: 'stopped';
			readonly container: ContainerInfo;
			readonly bindings: readonly ContainerPortBinding[];
	  }
	| {
			/** Listens on the port inside, published under another host port. */
			readonly kind: 'published-elsewhere';
			readonly container: ContainerInfo;
			readonly elsewhere: readonly ContainerPortBinding[];
			readonly others: readonly string[];
	  }
	| {
			/** Listens on the port inside, not published at all. */
			readonly kind: 'unpublished';
			readonly container: ContainerInfo;
			readonly loopbackOnly: boolean;
			/** Every dialed address is loopback: publish on 127.0.0.1 only. */
			readonly local: boolean;
			readonly others: readonly string[];
	  }
	| {
			/** Exposes the port (documentation only), inside unreadable. */
			readonly kind: 'exposed';
			readonly container: ContainerInfo;
	  }
	| {
			readonly kind: 'none';
			readonly running: readonly ContainerInfo[];
			readonly unread: readonly ContainerInfo[];
			readonly hostNetwork: readonly string[];
	  };

function publishedInside(
	read: NetnsRead | undefined,
	containerPort: number,
	dropped: boolean,
): PublishedInside {
	if (!read?.listeners) {
		return {state: 'unread', dropped};
	}

	const onPort = read.listeners.filter(l => l.port === containerPort);
	const reachable = onPort.filter(l => !isLoopback(l.address));
	if (reachable.length > 0) {
		return {state: 'intact', reachable};
	}

	if (onPort.length > 0) {
		return {state: 'loopback', onPort, dropped};
	}

	const reachablePorts = [
		...new Set(
			read.listeners.filter(l => !isLoopback(l.address)).map(l => l.port),
		),
	];
	const loopbackPorts = [...new Set(read.listeners.map(l => l.port))].filter(
		p => !reachablePorts.includes(p),
	);
	return {
		state: 'elsewhere',
		...(reachablePorts.length === 1 ? {actual: reachablePorts[0]} : {}),
		loopbackPorts,
	};
}

/** The dialed address no mapping covers, when every non-loopback address the probe tried is one. */
function uncoveredAddress(
	facts: Facts,
	bindings: readonly ContainerPortBinding[],
): string | undefined {
	const probes = (facts.probe?.addresses ?? []).filter(
		p => !isLoopback(p.address),
	);
	const uncovered = probes.filter(
		p => p.outcome !== 'open' && !bindings.some(b => covers(b, p.address)),
	);
	return uncovered.length > 0 && uncovered.length === probes.length
		? uncovered[0]!.address
		: undefined;
}

function published(
	facts: Facts,
	container: ContainerInfo,
	bindings: readonly ContainerPortBinding[],
	read: NetnsRead | undefined,
): PortVerdict {
	const dropped = (facts.probe?.addresses ?? []).some(p => p.closedAfterAccept);
	const uncovered = uncoveredAddress(facts, bindings);
	return {
		kind: 'published',
		container,
		bindings,
		...(uncovered === undefined ? {} : {uncovered}),
		inside: publishedInside(read, bindings[0]!.containerPort, dropped),
	};
}

function direct(
	container: ContainerInfo,
	address: string,
	port: number,
	read: NetnsRead | undefined,
): PortVerdict {
	if (!read?.listeners) {
		return {kind: 'direct', container, address, inside: {state: 'unread'}};
	}

	const onPort = read.listeners.filter(l => l.port === port);
	const inside: DirectInside = onPort.some(l => !isLoopback(l.address))
		? {state: 'reachable', onPort}
		: onPort.length > 0
			? {state: 'loopback', onPort}
			: {
					state: 'elsewhere',
					ports: [...new Set(read.listeners.map(l => l.port))],
				};
	return {kind: 'direct', container, address, inside};
}

/** No running container publishes the port: does one listen on it inside, unpublished? */
function unpublished(
	facts: Facts,
	port: number,
	containers: readonly ContainerInfo[],
	netns: ReadonlyMap<string, NetnsRead>,
): PortVerdict {
	const running = containers.filter(c => c.running && c.networkMode !== 'host');
	const candidates = running
		.map(container => {
			const inside =
				netns.get(container.id)?.listeners?.filter(l => l.port === port) ?? [];
			const elsewhere = container.ports.some(b => b.containerPort === port)
				? 2
				: 0;
			const loopback = inside.every(l => isLoopback(l.address)) ? 1 : 0;
			return {container, inside, rank: elsewhere + loopback};
		})
		.filter(c => c.inside.length > 0)
		.toSorted((a, b) => a.rank - b.rank);
	const best = candidates[0];
	if (best) {
		const {container, inside} = best;
		const others = candidates.slice(1).map(c => c.container.name);
		const elsewhere = container.ports.filter(b => b.containerPort === port);
		if (elsewhere.length > 0) {
			return {kind: 'published-elsewhere', container, elsewhere, others};
		}

		return {
			kind: 'unpublished',
			container,
			loopbackOnly: inside.every(l => isLoopback(l.address)),
			local: (facts.probe?.addresses ?? []).every(p => isLoopback(p.address)),
			others,
		};
	}

	const unread = running.filter(c => !netns.get(c.id)?.listeners);
	const exposing = unread.find(c => c.exposed.includes(port));
	if (exposing) {
		return {kind: 'exposed', container: exposing};
	}

	return {
		kind: 'none',
		running,
		unread,
		hostNetwork: containers
			.filter(c => c.running && c.networkMode === 'host')
			.map(c => c.name),
	};
}

/**
Which container should serve the port, and where the chain breaks. The stopped case only names the
container here; its exit code and log lines come from the container-logs step.
*/
export function decidePort(
	facts: Facts,
	port: number,
	netns: ReadonlyMap<string, NetnsRead>,
): PortVerdict {
	const containers = facts.containers?.containers ?? [];
	const owner = addressOwner(facts, containers);
	if (owner) {
		return direct(
			owner.container,
			owner.address,
			port,
			netns.get(owner.container.id),
		);
	}

	const publisher = publishersOf(facts, containers, port)[0];
	if (publisher) {
		return published(
			facts,
			publisher,
			bindingsFor(publisher, port),
			netns.get(publisher.id),
		);
	}

	const stopped = containers.find(
		c => !c.running && bindingsFor(c, port).length > 0,
	);
	if (stopped) {
		return {
			kind: 'stopped',
			container: stopped,
			bindings: bindingsFor(stopped, port),
		};
	}

	return unpublished(facts, port, containers, netns);
}

/** Which containers the measure looks into: the one dialed, else the publishers, else every running one. */
export function containersToRead(
	facts: Facts,
	port: number,
	limit: number,
): ContainerInfo[] {
	const containers = facts.containers?.containers ?? [];
	const owner = addressOwner(facts, containers);
	if (owner) {
		return [owner.container];
	}

	const publishers = containers.filter(
		c => c.running && bindingsFor(c, port).length > 0,
	);
	if (publishers.length > 0) {
		return publishers;
	}

	if (containers.some(c => !c.running && bindingsFor(c, port).length > 0)) {
		return [];
	}

	return containers
		.filter(c => c.running && c.networkMode !== 'host')
		.slice(0, limit);
}
