/**
The observations of the proxy-upstream step (plain data, recorded by `measure`) and the pure
reading of one upstream's connection attempts: outcome, address dialed, on this host or not.
*/
import {
	hostPort,
	isLoopback,
	isWildcard,
	sameAddress,
} from '../../net/address.js';
import type {
	ProxyLogEntry,
	UpstreamServer,
} from '../../model/proxy/upstream.js';
import type {ProxyControl} from '../../proxies/types.js';
import type {ProxyKind} from '../../tree/facts.js';
import type {Outcome} from '../../tree/types.js';
import {outcomeOf} from '../outcomes.js';
import type {PortListeners} from './listening.js';

export type ConnectTry = {
	readonly address: string;
	readonly code: string;
	readonly ms: number;
};

/** What was tried for one upstream server. */
export type ServerProbe =
	| {readonly kind: 'unix'}
	| {readonly kind: 'no-port'}
	| {readonly kind: 'no-address'; readonly code: string}
	| {readonly kind: 'tried'; readonly tries: readonly ConnectTry[]};

export type ProbedServer = {
	readonly server: UpstreamServer;
	readonly probe: ServerProbe;
};

export type UpstreamObservations =
	| {readonly kind: 'unsupported'; readonly proxy?: ProxyKind}
	| {
			readonly kind: 'read';
			readonly label: string;
			/** Why these servers: server block and location, frontend and backend. */
			readonly route: readonly string[];
			readonly notes: readonly string[];
			readonly commands: readonly string[];
			/** Why no upstream can be named, when none can. */
			readonly none?: string;
			readonly logLines: readonly ProxyLogEntry[];
			readonly probed: readonly ProbedServer[];
			/** What listens on the port of each refused upstream on this host, by port. */
			readonly ports: Readonly<Record<number, PortListeners>>;
			/** This host's addresses (the upstream is local when it dials one). */
			readonly ownAddresses: readonly string[];
			readonly control: ProxyControl;
	  };

/** One upstream as the judge reads it. */
export type Assessed = {
	readonly server: UpstreamServer;
	readonly probe: ServerProbe;
	readonly outcome: Outcome | 'unknown';
	/** The address actually dialed ("[::1]:3000"), after resolving a name. */
	readonly dialed?: string;
	readonly local: boolean;
};

function isOwn(address: string, own: readonly string[]): boolean {
	return (
		isLoopback(address) ||
		isWildcard(address) ||
		own.some(a => sameAddress(a, address))
	);
}

/** One address that accepts is enough for the proxy; otherwise the first address speaks for all. */
export function chosenTry(tries: readonly ConnectTry[]): ConnectTry {
	return tries.find(t => outcomeOf(t.code) === 'open') ?? tries[0]!;
}

export function assess(
	probed: ProbedServer,
	ownAddresses: readonly string[],
): Assessed {
	const {server, probe} = probed;
	switch (probe.kind) {
		case 'unix': {
			return {server, probe, outcome: 'unknown', local: true};
		}

		case 'no-port': {
			return {server, probe, outcome: 'unknown', local: false};
		}

		case 'no-address': {
			return {server, probe, outcome: 'dns-failure', local: false};
		}

		case 'tried': {
			const chosen = chosenTry(probe.tries);
			return {
				server,
				probe,
				outcome: outcomeOf(chosen.code),
				dialed: hostPort(chosen.address, server.port!),
				local: isOwn(chosen.address, ownAddresses),
			};
		}
	}
}
