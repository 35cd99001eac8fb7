import type {Family, NetnsListener} from '../tree/facts.js';
import {parseProcNetTcp} from './proc-net-tcp.js';

/**
The listening sockets in /proc/PID/net/tcp (family 4) or tcp6 (family 6): the view from inside
that process's network namespace. Total: header and odd lines are ignored.
*/
export function parseProcNetTcpListeners(
	text: string,
	family: Family,
): NetnsListener[] {
	const listeners: NetnsListener[] = [];
	for (const {address, port, family: found} of parseProcNetTcp(text, {
		listenOnly: true,
	})) {
		if (
			found === family &&
			!listeners.some(l => l.address === address && l.port === port)
		) {
			listeners.push({address, port, family});
		}
	}

	return listeners;
}

/** 127.0.0.0/8, ::1 and ::ffff:127.x: reachable only from inside the same namespace. */
export function isLoopback(address: string): boolean {
	return (
		address.startsWith('127.') ||
		address === '::1' ||
		address.startsWith('::ffff:127.')
	);
}

/** 0.0.0.0 and :: accept on every address of the namespace. */
export function isWildcard(address: string): boolean {
	return address === '0.0.0.0' || address === '::' || address === '';
}

/** "127.0.0.1:8080", "[::]:8080". */
export function formatListener(listener: NetnsListener): string {
	return listener.family === 6
		? `[${listener.address}]:${listener.port}`
		: `${listener.address}:${listener.port}`;
}
