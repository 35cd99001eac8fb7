import type {CheckNode} from '../types.js';

const httpSchemes = new Set(['http', 'https', 'ws', 'wss']);

/** The foundation: where the name points, what a connection to each address gets, and what that means. */
export const foundationChecks: readonly CheckNode[] = [
	{
		kind: 'check',
		id: 'environment',
		writes: ['environment'],
		title: 'Where this runs',
		why: 'The right commands depend on the host: Linux or not, root or not (root sees process owners and firewall rules), inside a container or not, systemd or not.',
		read: 'Not root means some later steps can only say "unknown" and give you the sudo command to run.',
		after: [],
		when: () => true,
		timeoutMs: 2000,
	},
	{
		kind: 'check',
		id: 'resolve',
		writes: ['resolution'],
		title: 'Resolve the name to every address',
		why: 'A name can have several addresses (IPv4 and IPv6). A client dials them in the order the system gives, and may stop after the first: each must be tested.',
		read: 'Each address says where it came from: a line of /etc/hosts (which wins over DNS on most systems) or DNS.',
		after: [],
		when: () => true,
		timeoutMs: 5000,
	},
	{
		kind: 'check',
		id: 'probe',
		writes: ['probe'],
		title: 'Connect to each address',
		why: 'This is the experiment itself: a real TCP connect to every address, at the same time, each with its own timer.',
		read: 'open: the handshake completed (SYN, SYN-ACK). refused: a reset (or ICMP port-unreachable) came back at once, so a host answered. timeout: nothing came back: something dropped the SYN. unreachable: no route, or an ICMP host/admin-prohibited. The first address is the one a client on this host dials first.',
		after: ['resolve'],
		when: facts =>
			facts.resolution?.ok
				? true
				: 'the name did not resolve, so there is nothing to connect to',
		timeoutMs: 3000,
	},
	{
		kind: 'check',
		id: 'local',
		writes: ['local'],
		title: 'Is the target this host?',
		why: 'When the address belongs to this machine, the tool can look at the listeners, services and firewall that decided the answer. Otherwise it can only say what is possible and what to run on the server.',
		read: "Lists this host's addresses and which target addresses are among them (loopback included).",
		after: ['resolve'],
		when: facts => (facts.resolution?.ok ? true : 'the name did not resolve'),
		timeoutMs: 1000,
	},
	{
		kind: 'check',
		id: 'proxy-env',
		writes: ['proxyEnv'],
		title: 'Proxy variables for this URL',
		why: 'HTTP clients that honour HTTP_PROXY, HTTPS_PROXY or ALL_PROXY dial the proxy, not the target. A dead proxy makes a healthy target look refused.',
		read: 'Shows which variable applies to this URL (NO_PROXY honoured), with any password removed, and what connecting to the proxy gets.',
		after: [],
		when: facts =>
			facts.target?.scheme && httpSchemes.has(facts.target.scheme)
				? true
				: 'not an http(s) URL: proxy variables do not apply to plain TCP clients',
		timeoutMs: 3000,
	},
	{
		kind: 'check',
		id: 'outcome',
		writes: [],
		title: 'What the answer means',
		why: 'Refused, timed out and unreachable are three different stories: a host answered "no", nothing answered, or the packet could not be delivered.',
		read: 'refused sends you to the listener and the firewall; timeout to something that drops packets (or, with a listener on this host, a full accept queue); unreachable to routing and addresses.',
		after: ['probe', 'local'],
		when: () => true,
		timeoutMs: 1000,
	},
	{
		kind: 'check',
		id: 'pasted',
		title: 'What the client saw, and now',
		why: 'The error message says what the client saw when it failed. If a connection now gets the same, the walk explains the error; if not, the situation changed (or the client runs elsewhere) and that is the first thing to know.',
		read: 'Compares the outcome in the message (refused, timeout, unreachable, name not resolved) with the probe of the address the client dialed.',
		after: ['resolve', 'probe'],
		when: facts =>
			facts.target?.reported ? true : 'no error message was given (--error)',
		timeoutMs: 1000,
		writes: ['reported'],
	},
	{
		kind: 'check',
		id: 'families',
		writes: [],
		title: 'Do all addresses agree?',
		why: 'If some addresses of a name accept and others refuse, clients that dial only the first address fail while others (curl, browsers) work.',
		read: 'Compares the outcome of each address: IPv6 refused and IPv4 open is the classic "localhost" trap.',
		after: ['probe', 'local'],
		when: facts =>
			(facts.probe?.addresses.length ?? 0) > 1
				? true
				: 'the name has only one address',
		timeoutMs: 1000,
	},
	{
		kind: 'check',
		id: 'hosts-file',
		writes: [],
		title: 'Does /etc/hosts override the name?',
		why: '/etc/hosts wins over DNS. A stale line sends clients to an old address, or back to this very host.',
		read: 'Names the file and line that gave each address, and whether that address refuses or is this host.',
		after: ['probe', 'local'],
		when: facts =>
			facts.probe?.addresses.some(a => a.source.startsWith('/etc/hosts'))
				? true
				: 'no address came from /etc/hosts',
		timeoutMs: 1000,
	},
	{
		kind: 'check',
		id: 'reset-or-icmp',
		title: 'A reset or an ICMP error?',
		why: 'Linux reports a TCP reset and an ICMP port-unreachable both as "connection refused", but they mean different things: a reset comes from a kernel with nothing listening (or a REJECT with tcp-reset); an ICMP port-unreachable from a firewall\'s REJECT.',
		read: "Connects a few more times and reads the kernel's ICMP counters (/proc/net/snmp, snmp6) around each: one more ICMP destination-unreachable per connect is a firewall's REJECT, none is a reset. The counters are host-wide, so other traffic can add to them.",
		after: ['environment', 'probe', 'local'],
		writes: ['refusal'],
		when(facts) {
			if (!facts.probe?.addresses.some(a => a.outcome === 'refused')) {
				return 'no address refused';
			}

			// Here, as root, the firewall step reads the rule itself.
			return facts.local?.isLocal && facts.environment?.isRoot
				? 'the target is this host and the firewall step can read its rules'
				: true;
		},
		timeoutMs: 8000,
	},
	{
		kind: 'check',
		id: 'remote',
		writes: [],
		title: 'Refused by another host',
		why: 'The address is not on this machine, so its listeners and firewall cannot be read from here. The tool says what is possible and what to run there.',
		read: 'A quick refusal from a remote host means the packet reached it (or a firewall that rejects on its behalf): the server side decides. Whether a reset or an ICMP error came back orders the possible causes.',
		after: ['probe', 'local', 'reset-or-icmp'],
		when: facts =>
			facts.probe?.outcome === 'refused' && facts.local && !facts.local.isLocal
				? true
				: 'applies only when a remote host refused',
		timeoutMs: 1000,
	},
];
