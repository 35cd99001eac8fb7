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
