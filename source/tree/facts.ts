/**
Facts: what the checks measured, the input of the tree's predicates and of later checks.
Each area owns its own section below; a check adds to Facts only through its result.
*/
import type {Outcome} from './types.js';

// --- target and probe (foundation) ------------------------------------------------------------

export type Target = {
	/** What the user typed. */
	readonly input: string;
	/** Host name or address, without brackets. */
	readonly host: string;
	readonly port: number;
	/** URL scheme, lower case, when the input was a URL. */
	readonly scheme?: string;
};

export type Family = 4 | 6;

export type ResolvedAddress = {
	readonly address: string;
	readonly family: Family;
	/** "literal", "/etc/hosts:3", or "dns". */
	readonly source: string;
};

export type Resolution =
	| {readonly ok: true; readonly addresses: readonly ResolvedAddress[]}
	| {readonly ok: false; readonly code: string; readonly message: string};

export type AddressProbe = {
	readonly address: string;
	readonly family: Family;
	readonly source: string;
	readonly outcome: Outcome;
	readonly ms: number;
	/** errno code from the kernel (ECONNREFUSED, EHOSTUNREACH, ...), or "connect". */
	readonly code: string;
	/** Accepted and then closed or reset within a moment without sending anything (docker-proxy signature). */
	readonly closedAfterAccept?: boolean;
};

export type ProbeFacts = {
	readonly outcome: Outcome;
	/** The address a client on this host dials first ("" when the name did not resolve). */
	readonly address: string;
	readonly ms: number;
	readonly addresses: readonly AddressProbe[];
};

export type LocalFacts = {
	/** Addresses of this host's interfaces (loopback included). */
	readonly addresses: readonly string[];
	/** True when the first-dialed address (or any resolved one) belongs to this host. */
	readonly isLocal: boolean;
	/** Resolved addresses that belong to this host. */
	readonly localTargets: readonly string[];
	readonly hostname: string;
};

export type EnvironmentFacts = {
	readonly platform: string;
	readonly isRoot: boolean;
	/** Running inside a container, and the evidence (/.dockerenv, /run/.containerenv, cgroup). */
	readonly inContainer: {readonly value: boolean; readonly evidence: string};
	/** PID 1 is systemd. */
	readonly systemd: boolean;
};

export type ProxyEnvFacts = {
	/** The variable that applies to this target, its value with credentials removed. */
	readonly variable?: string;
	readonly proxy?: {readonly host: string; readonly port: number; readonly display: string};
	readonly bypassedBy?: string;
};

// --- server side (listeners, services) ---------------------------------------------------------

export type Listener = {
	/** Local address as the kernel reports it: "0.0.0.0", "::", "127.0.0.1", "::ffff:127.0.0.1", "fe80::1%eth0". */
	readonly address: string;
	readonly port: number;
	readonly family: Family;
	/** For "::" listeners: true when IPv6-only (no IPv4 connections), undefined when not known. */
	readonly v6only?: boolean;
	readonly process?: {readonly name: string; readonly pid: number; readonly user?: string};
};

export type ListenerFacts = {
	readonly source: 'ss' | 'proc' | 'lsof';
	readonly command: string;
	readonly listeners: readonly Listener[];
	/** False when process owners could not be seen (not root). */
	readonly processesVisible: boolean;
};

// --- firewall -----------------------------------------------------------------------------------

export type FirewallFacts = {
	/** What decides this connection: the rule named exactly, or the policy. */
	readonly verdict: 'accept' | 'reject' | 'drop' | 'uncertain' | 'unknown';
	readonly rule?: string;
	readonly manager?: 'iptables' | 'nftables' | 'ufw' | 'firewalld';
};

// --- containers, proxies, kubernetes --------------------------------------------------------------

export type ContainerFacts = {
	readonly engine?: 'docker' | 'podman';
	/** The container that should serve the target port, when one was found. */
	readonly container?: {readonly name: string; readonly id: string; readonly state: string};
};

export type UpstreamFacts = {
	readonly proxy?: string;
	readonly upstream?: string;
};

export type KubernetesFacts = {
	readonly context?: string;
	readonly service?: string;
};

export type Facts = {
	readonly target?: Target;
	readonly environment?: EnvironmentFacts;
	readonly resolution?: Resolution;
	readonly probe?: ProbeFacts;
	readonly local?: LocalFacts;
	readonly proxyEnv?: ProxyEnvFacts;
	readonly listeners?: ListenerFacts;
	readonly firewall?: FirewallFacts;
	readonly containers?: ContainerFacts;
	readonly upstream?: UpstreamFacts;
	readonly kubernetes?: KubernetesFacts;
};
