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

/** "127.0.0.1:8080", "[::]:8080". */
export function formatListener(listener: NetnsListener): string {
	return listener.family === 6
		? `[${listener.address}]:${listener.port}`
		: `${listener.address}:${listener.port}`;
}
