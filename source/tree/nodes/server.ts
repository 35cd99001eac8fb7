import type {Facts} from '../facts.js';
import type {CheckNode} from '../types.js';

/** The server steps apply when the target is this host and some address did not accept. */
export function serverApplies(facts: Facts): true | string {
	if (facts.local?.isLocal !== true) {
		return 'the target is not this host: its listeners cannot be read from here';
	}

	const addresses = facts.probe?.addresses ?? [];
	if (addresses.length > 0 && addresses.every(a => a.outcome === 'open')) {
		return 'every address accepted the connection: something listens there';
	}

	return true;
}

const nothingOnPort = (facts: Facts): true | string => {
	const port = facts.target?.port;
	if (!facts.listeners) {
		return 'the listeners could not be read';
	}

	return port !== undefined && facts.listeners.listeners.onPort(port).length > 0
		? `something listens on port ${port ?? '?'}: the service runs`
		: true;
};

/** The server checks of the tree (in the order they appear on screen). */
export const serverChecks: readonly CheckNode[] = [
	{
		kind: 'check',
		id: 'listeners',
		writes: ['listeners'],
		title: 'Who listens on this host',
		why: 'A refusal from this host means no socket took the connection. The list of listening sockets says which program listens on which address and port.',
		read: "0.0.0.0:P takes every IPv4 address; [::]:P IPv6 only (v6only); *:P both; 127.0.0.1 or [::1] this host only; a specific address only that address. Without root, the owners of other users' sockets are hidden (the command to see them is shown).",
		after: ['probe', 'local'],
		when: facts =>
			facts.local?.isLocal === true
				? true
				: 'the target is not this host: its listeners cannot be read from here',
		timeoutMs: 20_000,
	},
	{
		kind: 'check',
		id: 'service-config',
		writes: ['services'],
		title: "Read the service's config",
		why: 'Where a database or web server listens is written in its config file (listen_addresses, bind, listen). The file named on its command line wins over the distribution default.',
		read: "Each line is quoted as file:line. A commented line (#listen_addresses = 'localhost') means the built-in default applies.",
		after: ['listeners'],
		when: facts => serverApplies(facts),
		timeoutMs: 5000,
	},
	{
		kind: 'check',
		id: 'bind',
		writes: [],
		title: 'Does a listener take this address and port?',
		why: 'The kernel hands a connection to a socket only when its address matches (or is a wildcard of the same family) and its port matches. Otherwise it answers with a reset: "connection refused".',
		read: 'Compares each listener on the port with the address you dialed: loopback only, another address, the other IP family, or nothing at all (then: is the service on another port?).',
		// The bind and service steps pick their words and commands by environment facts (systemd or not, root or not).
		after: ['service-config', 'firewall', 'environment'],
		when: facts => serverApplies(facts),
		timeoutMs: 2000,
	},
	{
		kind: 'check',
		id: 'service-state',
		writes: ['services'],
		title: 'Is the service that should listen running?',
		why: 'When nothing listens, the program that should is not running: stopped, crashed, or failing at start. Its unit state and log say which.',
		read: "With systemd: the unit's state, exit status and restart count, and the last journal lines. Without systemd: the process list and the service's own log files.",
		after: ['bind'],
		when(facts) {
			const applies = serverApplies(facts);
			return applies === true ? nothingOnPort(facts) : applies;
		},
		timeoutMs: 15_000,
	},
	{
		kind: 'check',
		id: 'accept-queue',
		title: 'Does the listener accept connections?',
		why: 'A program that listens but does not call accept() fast enough (stuck, overloaded) lets its accept queue fill up; then the kernel drops every new SYN and clients time out, exactly as behind a DROP rule, with no firewall involved. With no listener at all, the kernel would have answered with a reset: a timeout then means the SYN was dropped.',
		read: "ss shows a listener's accept queue as Recv-Q and its backlog as Send-Q: Recv-Q above Send-Q is a full queue. TcpExt ListenOverflows and ListenDrops (/proc/net/netstat) count the SYNs dropped for it; they are read around one more connect (host-wide counters).",
		after: ['listeners'],
		writes: [],
		when(facts) {
			if (facts.local?.isLocal !== true) {
				return 'the target is not this host: its listeners cannot be read from here';
			}

			const local = new Set(facts.local.localTargets);
			const timedOut = facts.probe?.addresses.find(
				a => a.outcome === 'timeout' && local.has(a.address),
			);
			if (!timedOut) {
				return 'no address of this host timed out';
			}

			return facts.listeners ? true : 'the listeners could not be read';
		},
		timeoutMs: 8000,
	},
];
