/** Facts for judges and checks: a probe refused at one local address of this host. */
import type {Facts} from '../../source/tree/facts.js';

export function refusedHere(
	address: string,
	hostname = 'h',
): Pick<Facts, 'probe' | 'local'> {
	return {
		probe: {
			outcome: 'refused',
			address,
			ms: 1,
			addresses: [
				{
					address,
					family: address.includes(':') ? 6 : 4,
					source: 'literal',
					outcome: 'refused',
					ms: 1,
					code: 'ECONNREFUSED',
				},
			],
		},
		local: {
			addresses: [address],
			isLocal: true,
			localTargets: [address],
			hostname,
		},
	};
}
