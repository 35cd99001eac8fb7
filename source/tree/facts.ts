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
	/** What a pasted error message said (refused --error): the client, what it saw, where it dialed. */
	readonly reported?: Reported;
};

/** A client's error message, decoded (source/parsers/error-message.ts). */
export type Reported = {
	/** "curl", "node", "psql"... */
	readonly client: string;
	/** What the client saw; undefined when its message does not say. */
	readonly outcome?: Exclude<Outcome, 'open'>;
	/** Addresses the client dialed, in its order, when the message lists them. */
	readonly addresses: readonly string[];
	/** The line of the message that told (credentials redacted). */
	readonly line: string;
	/** Where the port came from: the message, the client's default port, or the target typed with it. */
	readonly portFrom: 'message' | 'default' | 'typed';
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
	/** Errno code from the kernel (ECONNREFUSED, EHOSTUNREACH, ...), or "connect". */
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

/** What came back for a refused connect: a TCP reset or an ICMP destination-unreachable (issue 12). */
export type RefusalFacts = {
	/** The refused address that was probed again. */
	readonly address: string;
	/** Icmp: an ICMP error came back (a firewall's REJECT); reset: a TCP reset; unknown: could not tell. */
	readonly answer: 'reset' | 'icmp' | 'unknown';
	/** How sure (host-wide counters: other traffic can add to them). */
	readonly confidence?: 'confirmed' | 'likely';
	/** The repeats and counter deltas, as evidence lines. */
	readonly evidence: readonly string[];
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
	readonly proxy?: {
		readonly host: string;
		readonly port: number;
		readonly display: string;
	};
	readonly bypassedBy?: string;
};

// --- server side (listeners, services) ---------------------------------------------------------

export type ListenerProcess = {
	readonly name: string;
	readonly pid: number;
	readonly user?: string;
};

export type Listener = {
	/** Local address as the kernel reports it: "0.0.0.0", "::", "127.0.0.1", "::ffff:127.0.0.1", "fe80::1%eth0". */
	readonly address: string;
	readonly port: number;
	readonly family: Family;
	/** For "::" listeners: true when IPv6-only (no IPv4 connections), undefined when not known. */
	readonly v6only?: boolean;
	/** The owner (the lowest pid when several processes share the socket). */
	readonly process?: ListenerProcess;
	/** Every process that holds the socket (nginx master and workers). */
	readonly processes?: readonly ListenerProcess[];
	/** Socket inode (ss -e, /proc/net/tcp), to join with /proc/PID/fd. */
	readonly inode?: number;
	/** Owner uid of the socket, where shown. */
	readonly uid?: number;
	/** Recv-Q (ss) of a listener: connections completed and waiting for accept() (the accept queue). */
	readonly acceptQueue?: number;
	/** Send-Q (ss) of a listener: its backlog (listen()'s argument, capped at net.core.somaxconn). */
	readonly backlog?: number;
	/** The raw line it came from, for evidence. */
	readonly line?: string;
};

/**
Every listener read, as one inventory. A host may have 100,000 of them and a diagnosis looks at a
few ports: lookups go by port (or owner name), and a listener is built in full only when asked for.
*/
export type Listeners = {
	readonly count: number;
	/** The listeners on this port, in the order read. */
	onPort(port: number): readonly Listener[];
	/** Every port listened on, once each, in the order first read. */
	ports(): readonly number[];
	/** The listeners held by a process of one of these names, in the order read. */
	named(names: readonly string[]): readonly Listener[];
	/** Whether every listener shows its owner process. */
	allOwned(): boolean;
	/** Every listener, in the order read (builds each one: for small inventories). */
	all(): readonly Listener[];
};

export type ListenerFacts = {
	readonly source: 'ss' | 'proc' | 'lsof';
	readonly command: string;
	readonly listeners: Listeners;
	/** False when process owners could not be seen (not root). */
	readonly processesVisible: boolean;
	/** The sysctl net.ipv6.bindv6only: the default of IPV6_V6ONLY for new "::" sockets (undefined when unreadable). */
	readonly bindv6only?: boolean;
	/** Sources that could not be read (or only in part) on the way: "nothing listens" is then less certain. */
	readonly unreadable?: readonly string[];
};

/** One line of a service's config file (or command line) that sets where it listens. */
export type ConfigLine = {
	/** "/etc/postgresql/15/main/postgresql.conf", or "/proc/PID/cmdline". */
	readonly file: string;
	readonly line: number;
	/** The line as written (trimmed). */
	readonly text: string;
	/** Which setting: "listen_addresses", "port", "listen", "bind", "bind-address", "Port"... */
	readonly key: string;
	/** Addresses it binds (for bind settings); "*" or "0.0.0.0"/"::" for all. */
	readonly addresses?: readonly string[];
	readonly port?: number;
	/** A commented default ("#listen_addresses = 'localhost'"): the built-in value applies. */
	readonly commented?: boolean;
};

export type ServiceConfigFacts = {
	/** Service id from source/services/ ("postgresql", "nginx", ...). */
	readonly service: string;
	/** The process it was read for, when one runs. */
	readonly pid?: number;
	/** That process's command line (/proc/PID/cmdline), for restart commands (postgres -D, nginx -c/-p). */
	readonly argv?: readonly string[];
	/** How the files were found: "/proc/123/cmdline: postgres -D /x" or "default path". */
	readonly how: string;
	readonly files: readonly string[];
	readonly lines: readonly ConfigLine[];
	/** What the config says: where it listens (addresses, undefined = built-in default) and on which port. */
	readonly addresses?: readonly string[];
	readonly port?: number;
	/** Files that could not be read, and why. */
	readonly problems: readonly string[];
};

export type ServiceFacts = {
	/** Services whose config was read: those listening on the target port, and the one the port is known for. */
	readonly configs: readonly ServiceConfigFacts[];
};

// --- firewall -----------------------------------------------------------------------------------

export type FirewallFacts = {
	/** What decides this connection: the rule named exactly, or the policy. */
	readonly verdict: 'accept' | 'reject' | 'drop' | 'uncertain' | 'unknown';
	readonly rule?: string;
	readonly manager?: 'iptables' | 'nftables' | 'ufw' | 'firewalld';
	/** The address the verdict is for (the first local address that did not accept). */
	readonly address?: string;
	/** A reject: what the client reports ("refused" for tcp-reset/port-unreachable, else "unreachable"). */
	readonly clientSees?: 'refused' | 'unreachable';
	/** Packets the deciding rule counted during one extra connect, when it has counters. */
	readonly counterDelta?: number;
	/** For unknown/uncertain: why (not root, tool missing, a match not understood). */
	readonly reason?: string;
	/** A DNAT or REDIRECT rule rewrote the destination: the rule, and where the connection really goes. */
	readonly nat?: NatFacts;
	/** The rule that decided was met on this host's output path (the client's own firewall). */
	readonly outbound?: boolean;
};

export type NatFacts = {
	readonly kind: 'dnat' | 'redirect';
	/** The nat rule, named as in the evidence. */
	readonly rule: string;
	/** The real destination. */
	readonly to: {readonly address: string; readonly port: number};
	/** The real destination is an address of this host (its listeners and services apply). */
	readonly local: boolean;
};

// --- containers, proxies, kubernetes --------------------------------------------------------------

/** One port mapping of a container: host side (address, port) to container side. */
export type ContainerPortBinding = {
	readonly containerPort: number;
	readonly protocol: string;
	/** "" (all addresses, as requested), "0.0.0.0", "::", "127.0.0.1", or a specific address. */
	readonly hostIp: string;
	readonly hostPort: number;
};

/** What `docker inspect` says about one container (only the fields the checks use). */
export type ContainerInfo = {
	readonly id: string;
	readonly name: string;
	readonly image: string;
	/** Running, exited, created, restarting, paused, dead. */
	readonly state: string;
	readonly running: boolean;
	/** Host pid of the container's first process (0 when not running). */
	readonly pid: number;
	readonly exitCode: number;
	readonly oomKilled: boolean;
	readonly error: string;
	readonly startedAt: string;
	readonly finishedAt: string;
	readonly restartCount: number;
	/** The command the container runs (entrypoint and arguments). */
	readonly command: readonly string[];
	/** Config.Cmd: what follows the image in `docker run IMAGE ...` to run the same thing. */
	readonly cmd: readonly string[];
	readonly env: readonly string[];
	readonly networkMode: string;
	readonly addresses: readonly string[];
	/** Mappings in effect (running container), from NetworkSettings.Ports. */
	readonly ports: readonly ContainerPortBinding[];
	/** Mappings asked for (docker run -p), from HostConfig.PortBindings: kept while the container is stopped. */
	readonly portBindings: readonly ContainerPortBinding[];
	/** Ports the image or run command exposes (documentation only, nothing is published). */
	readonly exposed: readonly number[];
	readonly compose?: {
		readonly project: string;
		readonly service: string;
		readonly workingDir?: string;
		readonly configFiles?: string;
	};
};

/** A listening TCP socket inside a container's network namespace (/proc/PID/net/tcp*). */
export type NetnsListener = {
	readonly address: string;
	readonly port: number;
	readonly family: Family;
};

export type ContainerMatch = {
	/** How the container is tied to the target port. */
	readonly kind: 'published' | 'stopped' | 'listening' | 'exposed' | 'address';
	readonly id: string;
	readonly name: string;
	/** The mapping for the target port, when it is published. */
	readonly binding?: ContainerPortBinding;
	/** What listens inside the container; undefined when its namespace could not be read. */
	readonly listeners?: readonly NetnsListener[];
	/** The file that was read (or the command to run by hand when it could not be). */
	readonly source: string;
};

export type ContainerFacts = {
	readonly engine?: 'docker' | 'podman';
	/** The CLI used and the arguments that select the engine ("-H unix://..."), for commands shown to the user. */
	readonly cli?: string;
	readonly hostArgs?: readonly string[];
	/** Where the engine was found: "DOCKER_HOST=unix://...", "/var/run/docker.sock", ... */
	readonly socket?: string;
	/** The engine answered: the container list below is complete. */
	readonly readable: boolean;
	/** Why it could not be read: 'none' (no engine here), 'permission', 'not-running', 'timeout', 'error'. */
	readonly problem?:
		'none' | 'permission' | 'not-running' | 'timeout' | 'error';
	readonly message?: string;
	readonly containers?: readonly ContainerInfo[];
	/** The container that should serve the target port, when one was found. */
	readonly container?: {
		readonly name: string;
		readonly id: string;
		readonly state: string;
	};
	readonly match?: ContainerMatch;
};

/** Reverse proxies found on this host by their process, and load balancers known by their Server header. */
export type ProxyKind =
	| 'nginx'
	| 'haproxy'
	| 'caddy'
	| 'envoy'
	| 'traefik'
	| 'apache'
	| 'aws-elb'
	| 'gcp-lb'
	| 'azure-lb'
	| 'cloudflare';

export type UpstreamProbe = {
	/** "127.0.0.1:3000", "[::1]:3000", "unix:/run/app.sock". */
	readonly address: string;
	readonly outcome: Outcome | 'unknown';
	/** Where the proxy's config names it: "/etc/nginx/sites-enabled/app:14", or the error log. */
	readonly source: string;
	/** The upstream's address is on this host. */
	readonly local: boolean;
};

export type UpstreamFacts = {
	/** The proxy or load balancer that answers for the target, when one was identified. */
	readonly proxy?: ProxyKind;
	/** How it was identified: "nginx (pid 812) listens on 127.0.0.1:8080", "Server: nginx/1.22.1". */
	readonly evidence?: string;
	/** It runs on this host (its process or config can be read here). */
	readonly local?: boolean;
	/** It answers from a container on this host, behind this port forwarder (docker-proxy, rootlessport). */
	readonly container?: string;
	readonly pid?: number;
	/** What a plain HTTP GET to the target got. */
	readonly http?: {
		readonly url: string;
		readonly status: number;
		readonly server?: string;
	};
	/** The first upstream the proxy sends this request to, when found. */
	readonly upstream?: string;
	readonly upstreams?: readonly UpstreamProbe[];
};

export type KubernetesServicePort = {
	readonly name?: string;
	readonly port: number;
	/** A number, or the name of a container port. */
	readonly targetPort: number | string;
	readonly nodePort?: number;
};

export type KubernetesFacts = {
	readonly context?: string;
	/** The Service behind the target, "namespace/name". */
	readonly service?: string;
	readonly namespace?: string;
	readonly name?: string;
	/** How the target matched it: "clusterIP 10.96.3.4 port 80", "nodePort 30080", "name web.shop.svc". */
	readonly matchedBy?: string;
	/** Matched by a nodePort alone: whether the target is one of the cluster's nodes could not be read. */
	readonly unverifiedNode?: boolean;
	/** The Service's ports the target maps to (all of them when matched by name without a port). */
	readonly ports?: readonly KubernetesServicePort[];
	readonly selector?: Readonly<Record<string, string>>;
	readonly readyEndpoints?: number;
};

/** The pasted error compared with the probe now (checks/pasted.ts). */
export type ReportedFacts = {
	/** What the probe gets now for the address the client dialed (undefined: nothing was probed). */
	readonly now?: Outcome;
	/** The address compared. */
	readonly address?: string;
	/** True when the client saw something else than the probe gets now; undefined when not comparable. */
	readonly changed?: boolean;
};

export type Facts = {
	readonly target?: Target;
	readonly reported?: ReportedFacts;
	readonly environment?: EnvironmentFacts;
	readonly resolution?: Resolution;
	readonly probe?: ProbeFacts;
	readonly refusal?: RefusalFacts;
	readonly local?: LocalFacts;
	readonly proxyEnv?: ProxyEnvFacts;
	readonly listeners?: ListenerFacts;
	readonly services?: ServiceFacts;
	readonly firewall?: FirewallFacts;
	readonly containers?: ContainerFacts;
	readonly upstream?: UpstreamFacts;
	readonly kubernetes?: KubernetesFacts;
};
