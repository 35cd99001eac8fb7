/** Learn mode texts that depend on measurements: how the TCP handshake went, in plain words. */
import {hostPort as where} from '../net/address.js';
import type {AddressProbe, ProbeFacts} from '../tree/facts.js';

export function handshakeLine(probe: AddressProbe, port: number): string {
	const at = where(probe.address, port);
	switch (probe.outcome) {
		case 'refused': {
			return `${at}: your side sent a SYN ("may I connect?"); a RST ("no") came back in ${probe.ms} ms. The packet arrived and a host answered, but nothing accepted on that port (or a firewall rule answered in its place). That is what "connection refused" means.`;
		}

		case 'open': {
			return `${at}: SYN out, SYN-ACK back, ACK out in ${probe.ms} ms: the handshake completed and a program accepted the connection.${
				probe.closedAfterAccept
					? ' Then the other side closed it at once without a word: typical of a proxy (docker-proxy, a load balancer) with nothing working behind it.'
					: ''
			}`;
		}

		case 'timeout': {
			return `${at}: your side sent a SYN and nothing came back within ${probe.ms} ms. Silence is not a refusal: something on the way dropped the packet (a firewall DROP rule, a security group, a wrong route).`;
		}

		case 'unreachable': {
			return `${at}: your side sent a SYN and an error came back (${probe.code}): the host or its network cannot be reached from here, so no handshake started.`;
		}

		case 'dns-failure': {
			return `${at}: no handshake: the name did not resolve to an address.`;
		}
	}
}

export function handshakeLines(probe: ProbeFacts, port: number): string[] {
	return probe.addresses.map(address => handshakeLine(address, port));
}
