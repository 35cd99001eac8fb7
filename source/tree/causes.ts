import type {CauseNode} from './types.js';

/**
Every cause the tool can end on. The order is the tie-break between causes of equal confidence:
the more specific (closer to the process that should answer) first. `title` is the README line.
*/
export const causes: readonly CauseNode[] = [
	{
		id: 'firewall-reject',
		title:
			'A host firewall rule rejects the connection (TCP reset or ICMP port-unreachable): it looks exactly like "nothing listens".',
		explanation:
			'A REJECT rule answers the SYN itself, with a TCP reset or an ICMP "port unreachable", and the client reports "connection refused" as if no program listened. The service may be running fine behind it. The rule is named below; change it (or add an accept rule before it) for this port.',
	},
	{
		id: 'service-failed',
		title:
			'The service that should own the port is not running: it failed, crashed or keeps restarting (with its log lines).',
		explanation:
			'Nothing listens because the program that should is not running. Its unit state, last exit code and log lines say why: a port already taken, a permission denied on a low port, an address that is not on this host, a crash on start. Fix what the log says, then start it again.',
	},
	{
		id: 'container-loopback-bind',
		title:
			'The app inside a container binds 127.0.0.1, so the published port accepts and then drops every connection.',
		explanation:
			'Inside a container, 127.0.0.1 is the container\'s own loopback, not the host\'s. Docker forwards the published port to the container\'s bridge address, where nothing listens: docker-proxy accepts the client, fails to reach the app, and closes the connection (curl: "Empty reply" or "Connection reset"). Make the app listen on 0.0.0.0 inside the container.',
	},
	{
		id: 'container-not-published',
		title:
			'The container listens, but its port is not published to the host (or only to 127.0.0.1 while the client is remote).',
		explanation:
			'A container has its own network namespace. Unless its port is published (docker run -p HOST:CONTAINER, or ports: in compose), nothing on the host listens for it, and the host kernel refuses. EXPOSE in a Dockerfile only documents a port; it publishes nothing.',
	},
	{
		id: 'container-exited',
		title:
			'The container that should serve the port has exited (exit code and last log lines).',
		explanation:
			'The container is stopped, so its published port is gone with it. Its exit code and last log lines say why it stopped; fix that and start it again (a restart policy keeps it up after a crash, but does not fix the crash).',
	},
	{
		id: 'k8s-no-endpoints',
		title:
			'The Kubernetes Service has no ready endpoints: its selector matches no pod, or the pods are not ready.',
		explanation:
			'A Service forwards only to ready pods that its selector matches. With none, kube-proxy rejects the connection ("has no endpoints") and the client sees "connection refused". Check the selector against the pods\' labels, and why the pods are not ready.',
	},
	{
		id: 'k8s-port-mismatch',
		title:
			"The Kubernetes Service's targetPort does not match a port the container listens on.",
		explanation:
			'The Service sends traffic to targetPort on each pod (a number, or a port name looked up in the pod spec). If the app listens on another port, every connection reaches the pod and is refused there.',
	},
	{
		id: 'upstream-refused',
		title:
			'A reverse proxy answers, but its upstream (backend) refuses: the proxy returns 502/503.',
		explanation:
			"The client reaches the proxy (nginx, HAProxy, ...), but the proxy's own connection to the backend is refused, so it answers 502 Bad Gateway or 503. The problem is the backend named in the proxy's config, not the proxy.",
	},
	{
		id: 'proxy-misroute',
		title:
			'A proxy variable (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY) sends the client to a proxy that refuses or does not answer.',
		explanation:
			'HTTP clients that honour proxy variables never dial the target: they dial the proxy. If the proxy is down, the error names "connection refused" even though the target is fine. Unset the variable, fix the proxy, or add the target to NO_PROXY.',
	},
	{
		id: 'loopback-only',
		title:
			'The service listens on loopback only (127.0.0.1 or ::1), so other hosts are refused.',
		explanation:
			"A program that binds 127.0.0.1 (or ::1) accepts connections from this host only. Connections to the host's other addresses reach the kernel, find no socket there, and are refused. Databases and dev servers bind loopback by default on purpose: binding all addresses exposes the service to the network, so pair it with a firewall rule and authentication.",
	},
	{
		id: 'bound-elsewhere',
		title:
			'The service listens on a specific address that is not the one dialed.',
		explanation:
			"A socket bound to one address (say 10.0.0.5) accepts only connections to that address; the same port on the host's other addresses is refused. Listen on the address clients dial, or on all addresses.",
	},
	{
		id: 'address-family-mismatch',
		title:
			'The name has IPv4 and IPv6 addresses and the service listens on one family only; clients that dial the other first are refused.',
		explanation:
			'"localhost" resolves to ::1 and 127.0.0.1. A server listening on 127.0.0.1 only refuses ::1, and clients that try one address only (Node 17+ before autoSelectFamily, many libraries) fail while curl and browsers, which try both, work. Listen on both families, or dial the address the server has.',
	},
	{
		id: 'wrong-port',
		title:
			'Nothing listens on this port, but the service you probably mean listens on another one.',
		explanation:
			'The service is up, on a different port than the one dialed: a default changed, a typo, a config file that says otherwise. Dial the port it listens on, or change its configured port.',
	},
	{
		id: 'no-listener',
		title:
			'Nothing listens on this port on any address of this host, so the kernel refuses.',
		explanation:
			'When a SYN arrives for a port where no socket listens, the kernel answers with a reset: "connection refused". Something should be started, or the client dials the wrong port.',
	},
	{
		id: 'dns-mismatch',
		title:
			'The name resolves, through /etc/hosts, to an address that refuses or that is this very host.',
		explanation:
			'/etc/hosts wins over DNS on most systems. A stale or copied line sends the client to an old address, or back to this machine, where the service does not run. The file and line are named below.',
	},
	{
		id: 'filtered',
		title:
			'The connection timed out: something drops the packets (a DROP rule, a security group, a network firewall).',
		explanation:
			'"Refused" needs an answer; here nothing answered at all. A firewall that drops (rather than rejects) makes the client wait until it gives up. Look at the server\'s host firewall, a cloud security group or network ACL, and firewalls in between.',
	},
	{
		id: 'host-unreachable',
		title:
			'The host or network is unreachable: no route, no ARP answer, or an ICMP host/admin-prohibited reject.',
		explanation:
			'The kernel (or a router, or a firewall with reject-with icmp-host-prohibited) says the address cannot be reached: a wrong address, a host that is down, a missing route. This is not about the port at all.',
	},
	{
		id: 'name-not-resolved',
		title: 'The name does not resolve to any address (DNS or /etc/hosts).',
		explanation:
			'Before any connection, the client must turn the name into an address. Here that failed: a typo, a name that exists only inside another network (a compose service name), or a DNS server that does not answer.',
	},
];

export function causeNode(id: string): CauseNode | undefined {
	return causes.find(cause => cause.id === id);
}
