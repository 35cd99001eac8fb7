/**
THE cause registry: every cause the tool can end on, in one table. `CauseId`, the JSON schema's
enum (schema/report.schema.json) and the README's cause table derive from it (tests compare them).

Per cause:
- `rank`: how common it is (1 = the most common reason for a refused connection; see
  shared research causes.md): the tie-break between causes of equal confidence, after the order
  the concluding check itself gave.
- `concludedBy`: the check ids that may conclude it. The driver turns a finding from any other
  check into an "unknown" step, and a tree test fails when a cause has no concluding check.
- `refines`: the causes it explains (service-failed says WHY nothing listens). Between equal
  confidences a refining cause leads what it refines, whatever their base rates.
- `fits`: the probe outcomes its story fits. A cause whose story contradicts the probe (a reset
  when every probe timed out) never leads and is at most "possible".
*/
import type {CauseNode, Outcome} from './types.js';

export type CauseEntry = {
	readonly rank: number;
	/** The README line for this id. */
	readonly title: string;
	/** What it means, for a junior admin: a few sentences. */
	readonly explanation: string;
	readonly concludedBy: readonly string[];
	/** Cause ids this one explains (a tree test checks they exist). */
	readonly refines?: readonly string[];
	readonly fits: readonly Outcome[];
};

/** Public, stable cause ids (README "Cause ids"). Never rename one; add new ones here (additive). */
export const causeRegistry = {
	'no-listener': {
		rank: 1,
		title:
			'Nothing listens on this port on any address of this host, so the kernel refuses.',
		explanation:
			'When a SYN arrives for a port where no socket listens, the kernel answers with a reset: "connection refused". Something should be started, or the client dials the wrong port.',
		concludedBy: ['bind', 'remote', 'firewall'],
		fits: ['refused'],
	},
	'wrong-port': {
		rank: 2,
		title:
			'Nothing listens on this port, but the service you probably mean listens on another one.',
		explanation:
			'The service is up, on a different port than the one dialed: a default changed, a typo, a config file that says otherwise. Dial the port it listens on, or change its configured port.',
		concludedBy: ['bind', 'container-port', 'container-logs'],
		// Through docker-proxy a published port with nothing behind it accepts, then closes: open.
		fits: ['refused', 'open'],
	},
	'loopback-only': {
		rank: 3,
		title:
			'The service listens on loopback only (127.0.0.1 or ::1), so other hosts are refused.',
		explanation:
			"A program that binds 127.0.0.1 (or ::1) accepts connections from this host only. Connections to the host's other addresses reach the kernel, find no socket there, and are refused. Databases and dev servers bind loopback by default on purpose: binding all addresses exposes the service to the network, so pair it with a firewall rule and authentication.",
		concludedBy: ['bind', 'remote'],
		fits: ['refused'],
	},
	'service-failed': {
		rank: 4,
		title:
			'The service that should own the port is not running: it failed, crashed or keeps restarting (with its log lines).',
		explanation:
			'Nothing listens because the program that should is not running. Its unit state, last exit code and log lines say why: a port already taken, a permission denied on a low port, an address that is not on this host, a crash on start. Fix what the log says, then start it again.',
		concludedBy: ['service-state'],
		refines: ['no-listener'],
		fits: ['refused'],
	},
	'address-family-mismatch': {
		rank: 5,
		title:
			'The name has IPv4 and IPv6 addresses and the service listens on one family only; clients that dial the other first are refused.',
		explanation:
			'"localhost" resolves to ::1 and 127.0.0.1. A server listening on 127.0.0.1 only refuses ::1, and clients that try one address only (Node 17+ before autoSelectFamily, many libraries) fail while curl and browsers, which try both, work. Listen on both families, or dial the address the server has.',
		concludedBy: ['bind', 'families'],
		fits: ['refused', 'open'],
	},
	'container-not-published': {
		rank: 6,
		title:
			'The container listens, but its port is not published to the host (or only to 127.0.0.1 while the client is remote).',
		explanation:
			'A container has its own network namespace. Unless its port is published (docker run -p HOST:CONTAINER, or ports: in compose), nothing on the host listens for it, and the host kernel refuses. EXPOSE in a Dockerfile only documents a port; it publishes nothing.',
		concludedBy: ['container-port', 'container-logs'],
		refines: ['no-listener'],
		fits: ['refused'],
	},
	'container-loopback-bind': {
		rank: 7,
		title:
			'The app inside a container binds 127.0.0.1, so the published port accepts and then drops every connection.',
		explanation:
			'Inside a container, 127.0.0.1 is the container\'s own loopback, not the host\'s. Docker forwards the published port to the container\'s bridge address, where nothing listens: docker-proxy accepts the client, fails to reach the app, and closes the connection (curl: "Empty reply" or "Connection reset"). Make the app listen on 0.0.0.0 inside the container.',
		concludedBy: ['container-port', 'container-logs', 'container-by-hand'],
		refines: ['no-listener', 'loopback-only'],
		fits: ['refused', 'open'],
	},
	'firewall-reject': {
		rank: 8,
		title:
			'A host firewall rule rejects the connection (TCP reset or ICMP port-unreachable): it looks exactly like "nothing listens".',
		explanation:
			'A REJECT rule answers the SYN itself, with a TCP reset or an ICMP "port unreachable", and the client reports "connection refused" as if no program listened. The service may be running fine behind it. The rule is named below; change it (or add an accept rule before it) for this port.',
		concludedBy: ['firewall', 'remote', 'reset-or-icmp'],
		fits: ['refused', 'unreachable'],
	},
	filtered: {
		rank: 9,
		title:
			'The connection timed out: something drops the packets (a DROP rule, a security group, a network firewall).',
		explanation:
			'"Refused" needs an answer; here nothing answered at all. A firewall that drops (rather than rejects) makes the client wait until it gives up. Look at the server\'s host firewall, a cloud security group or network ACL, and firewalls in between.',
		concludedBy: ['outcome', 'firewall', 'proxy-upstream', 'accept-queue'],
		// Open: the proxy in front answered, and its upstream's packets are dropped.
		fits: ['timeout', 'open'],
	},
	'name-not-resolved': {
		rank: 10,
		title: 'The name does not resolve to any address (DNS or /etc/hosts).',
		explanation:
			'Before any connection, the client must turn the name into an address. Here that failed: a typo, a name that exists only inside another network (a compose service name), or a DNS server that does not answer.',
		concludedBy: ['resolve'],
		fits: ['dns-failure'],
	},
	'proxy-misroute': {
		rank: 11,
		title:
			'A proxy variable (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY) sends the client to a proxy that refuses or does not answer.',
		explanation:
			'HTTP clients that honour proxy variables never dial the target: they dial the proxy. If the proxy is down, the error names "connection refused" even though the target is fine. Unset the variable, fix the proxy, or add the target to NO_PROXY.',
		concludedBy: ['proxy-env'],
		fits: ['open', 'refused', 'timeout', 'unreachable', 'dns-failure'],
	},
	'upstream-refused': {
		rank: 12,
		title:
			'A reverse proxy answers, but its upstream (backend) refuses: the proxy returns 502/503.',
		explanation:
			"The client reaches the proxy (nginx, HAProxy, ...), but the proxy's own connection to the backend is refused, so it answers 502 Bad Gateway or 503. The problem is the backend named in the proxy's config, not the proxy.",
		concludedBy: ['proxy-upstream', 'load-balancer'],
		fits: ['open'],
	},
	'k8s-no-endpoints': {
		rank: 13,
		title:
			'The Kubernetes Service has no ready endpoints: its selector matches no pod, or the pods are not ready.',
		explanation:
			'A Service forwards only to ready pods that its selector matches. With none, kube-proxy rejects the connection ("has no endpoints") and the client sees "connection refused". Check the selector against the pods\' labels, and why the pods are not ready.',
		concludedBy: ['kube-endpoints'],
		refines: ['no-listener'],
		fits: ['refused', 'timeout', 'open'],
	},
	'container-exited': {
		rank: 14,
		title:
			'The container that should serve the port has exited (exit code and last log lines).',
		explanation:
			'The container is stopped, so its published port is gone with it. Its exit code and last log lines say why it stopped; fix that and start it again (a restart policy keeps it up after a crash, but does not fix the crash).',
		concludedBy: ['container-logs'],
		refines: ['no-listener'],
		fits: ['refused'],
	},
	'bound-elsewhere': {
		rank: 15,
		title:
			'The service listens on a specific address that is not the one dialed.',
		explanation:
			"A socket bound to one address (say 10.0.0.5) accepts only connections to that address; the same port on the host's other addresses is refused. Listen on the address clients dial, or on all addresses.",
		concludedBy: ['bind'],
		fits: ['refused'],
	},
	'k8s-port-mismatch': {
		rank: 16,
		title:
			"The Kubernetes Service's targetPort does not match a port the container listens on.",
		explanation:
			'The Service sends traffic to targetPort on each pod (a number, or a port name looked up in the pod spec). If the app listens on another port, every connection reaches the pod and is refused there.',
		concludedBy: ['kube-endpoints'],
		refines: ['no-listener'],
		fits: ['refused', 'open', 'timeout'],
	},
	'dns-mismatch': {
		rank: 17,
		title:
			'The name resolves, through /etc/hosts, to an address that refuses or that is this very host.',
		explanation:
			'/etc/hosts wins over DNS on most systems. A stale or copied line sends the client to an old address, or back to this machine, where the service does not run. The file and line are named below.',
		concludedBy: ['hosts-file'],
		fits: ['open', 'refused', 'timeout', 'unreachable'],
	},
	'host-unreachable': {
		rank: 18,
		title:
			'The host or network is unreachable: no route, no ARP answer, or an ICMP host/admin-prohibited reject.',
		explanation:
			'The kernel (or a router, or a firewall with reject-with icmp-host-prohibited) says the address cannot be reached: a wrong address, a host that is down, a missing route. This is not about the port at all.',
		concludedBy: ['outcome', 'proxy-upstream'],
		// Open: the proxy in front answered, and its upstream cannot be reached.
		fits: ['unreachable', 'timeout', 'open'],
	},
	'accept-queue-full': {
		rank: 19,
		title:
			'A program listens, but its accept queue is full: the kernel drops new connections, and clients time out.',
		explanation:
			"The kernel completes handshakes for a listening socket and queues them until the program calls accept(). The queue holds the backlog the program asked for in listen() (capped at net.core.somaxconn). When the program stops accepting (stuck, overloaded, a blocked accept loop), the queue fills and the kernel drops every new SYN: clients time out exactly as behind a DROP rule, with no firewall involved. Fix the program's accept loop (or restart it); a bigger backlog only buys time.",
		concludedBy: ['accept-queue'],
		fits: ['timeout'],
	},
} as const satisfies Record<string, CauseEntry>;

export type CauseId = keyof typeof causeRegistry;

/** Every cause id, most common first. */
export const causeIds = Object.keys(causeRegistry) as readonly CauseId[];

export const isCauseId = (id: string): id is CauseId =>
	Object.hasOwn(causeRegistry, id);

/** Every cause as a node, most common first (the README table order). */
export const causes: readonly CauseNode[] = causeIds.map(id => ({
	id,
	...causeRegistry[id],
}));

export function causeNode(id: string): CauseNode | undefined {
	return isCauseId(id) ? {id, ...causeRegistry[id]} : undefined;
}
