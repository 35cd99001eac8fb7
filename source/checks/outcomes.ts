import type {Outcome} from '../tree/types.js';

/** Codes that mean the packet had no way to its destination (a route, a neighbour, a router's ICMP). */
export const routeCodes: ReadonlySet<string> = new Set([
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EHOSTDOWN',
	'ENETDOWN',
]);

const dnsCodes: ReadonlySet<string> = new Set([
	'ENOTFOUND',
	'EAI_AGAIN',
	'EAI_FAIL',
	'EAI_NONAME',
	'DNS_TIMEOUT',
]);

/**
Map a connect() errno to the probe outcome. Only a real wait with no answer (ETIMEDOUT, or the
step's own deadline) is a timeout; any other error this host gave (EPERM, EACCES, EINVAL,
EADDRNOTAVAIL, one never seen before) means the connection could not be made from here, which the
report's vocabulary calls unreachable, with the code and its own meaning beside it.
*/
export function outcomeOf(code: string): Outcome {
	if (code === 'connect') {
		return 'open';
	}

	if (code === 'ECONNREFUSED' || code === 'ECONNRESET') {
		return 'refused';
	}

	if (code === 'ETIMEDOUT' || code === 'ECANCELED') {
		return 'timeout';
	}

	return dnsCodes.has(code) ? 'dns-failure' : 'unreachable';
}

const meanings: Readonly<Record<string, string>> = {
	ECONNREFUSED:
		'a reset came back: nothing listens there, or a firewall rejects for it',
	ECONNRESET:
		'the connection was accepted and at once reset by the other side (a program that takes connections and drops them)',
	ETIMEDOUT: 'no answer: no SYN-ACK, no reset, no ICMP error came back',
	ECANCELED: 'the step was stopped before an answer came',
	EHOSTUNREACH:
		'no route to the host: no ARP answer on the local network, or an ICMP host-unreachable or admin-prohibited from a router or firewall',
	ENETUNREACH: 'there is no route to that network',
	EHOSTDOWN: 'the host is down (no answer from it on the local network)',
	ENETDOWN: 'the network interface for that route is down',
	EPERM:
		"this host's own firewall refused to send the SYN: an OUTPUT rule that drops (iptables/nft), or an SELinux, AppArmor or cgroup BPF policy",
	EACCES:
		'permission denied by this host: a local firewall rule or security policy, or a broadcast address',
	EINVAL:
		'the kernel rejected the address itself: a link-local IPv6 address with a missing or unknown zone id (%eth0), or an address of the wrong kind',
	EADDRNOTAVAIL:
		'this host has no local address or port to connect from (the source address is gone, or the ephemeral ports are used up)',
	EAFNOSUPPORT:
		'this host cannot use that address family (IPv6 disabled here?)',
	ENOBUFS: 'the kernel ran out of buffers',
};

/** What a connect() error code means, in words; an unknown one says only what is known. */
export function connectMeaning(code: string): string {
	return meanings[code] ?? `could not connect: ${code}`;
}
