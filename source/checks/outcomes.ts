import type {Outcome} from '../tree/types.js';

/** Map a connect() errno to the probe outcome. */
export function outcomeOf(code: string): Outcome {
	switch (code) {
		case 'connect': {
			return 'open';
		}

		case 'ECONNREFUSED':
		case 'ECONNRESET': {
			return 'refused';
		}

		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
		case 'EHOSTDOWN':
		case 'ENETDOWN':
		case 'EADDRNOTAVAIL': {
			return 'unreachable';
		}

		case 'ENOTFOUND':
		case 'EAI_AGAIN':
		case 'EAI_FAIL':
		case 'DNS_TIMEOUT': {
			return 'dns-failure';
		}

		default: {
			return 'timeout';
		}
	}
}

/** "[::1]:80" or "127.0.0.1:80". */
export function hostPort(address: string, port: number): string {
	return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Is this address on loopback (127.0.0.0/8, ::1, ::ffff:127.x)? */
export function isLoopback(address: string): boolean {
	const plain = address.toLowerCase().replace(/%.*/, '');
	return (
		plain.startsWith('127.') ||
		plain === '::1' ||
		plain.startsWith('::ffff:127.')
	);
}
