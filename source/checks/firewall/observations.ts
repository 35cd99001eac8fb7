/** What the firewall step measures: the rules read, the packet per address, counters, ufw and firewalld state. */
import type {Packet} from '../../model/firewall/index.js';
import type {Rulesets} from '../../model/firewall/rulesets.js';
import type {UfwStatus} from '../../parsers/ufw.js';
import type {AddressProbe} from '../../tree/facts.js';
import type {ConnectResult} from '../types.js';
import type {Readings} from './read.js';

/** One more connect, and the rules read again after it (for the deciding rule's counters). */
export type Recount = {
	readonly connect: ConnectResult;
	readonly after: Rulesets;
};

export type UfwObservation =
	| {readonly kind: 'missing'}
	| {readonly kind: 'failed'; readonly line: string}
	| {readonly kind: 'read'; readonly status: UfwStatus};

export type FirewalldObservation =
	| {readonly kind: 'missing'}
	| {readonly kind: 'stopped'; readonly line: string}
	| {
			readonly kind: 'running';
			readonly zone?: string;
			/** How the zone was found: "interface eth0 is in zone public", "default zone public". */
			readonly how: string;
			/** `--list-rich-rules` of the zone, read when the rule is in a zone's deny chain. */
			readonly richRules?: readonly string[];
			readonly ports: readonly string[];
			readonly services: readonly string[];
	  };

export type ProbeObservation = {
	readonly probe: AddressProbe;
	/** Another host: only this host's output path is walked. */
	readonly outbound?: boolean;
	/** The SYN as this host's client (or the remote client) sends it. */
	readonly packet: Packet;
	readonly recount?: Recount;
	readonly ufw?: UfwObservation;
	readonly firewalld?: FirewalldObservation;
};

export type FirewallObservations = {
	readonly families: ReadonlyArray<4 | 6>;
	readonly readings: Readings;
	/** Empty when the rules could not be read (nothing to walk). */
	readonly probes: readonly ProbeObservation[];
	/** `firewall-cmd --state`, asked when nft could not be read and the rules read accept. */
	readonly firewalldState?: string;
};
