import {isIP, isLoopback} from '../net/address.js';
import type {CheckResult} from '../tree/types.js';
import {defineCheck, type JudgeInput} from './define.js';
import type {CheckContext, NetworkInterface} from './types.js';

/** This host's interfaces and name, as read. */
export type LocalObservations = {
	readonly interfaces: readonly NetworkInterface[];
	readonly hostname: string;
};

const normalise = (address: string) =>
	address
		.toLowerCase()
		.replace(/%.*/, '')
		.replace(/^:{2}f{4}:((?:\d+\.){3}\d+)$/, '$1');

export async function measureLocal({
	io,
}: CheckContext): Promise<LocalObservations> {
	return {interfaces: io.interfaces(), hostname: io.hostname()};
}

function verdict(
	resolved: readonly string[],
	localTargets: readonly string[],
	hostname: string,
): string {
	const first = resolved[0];
	if (first !== undefined && localTargets.includes(first)) {
		return `${first} is this host${isIP(first) && isLoopback(first) ? ' (loopback)' : ''}: its listeners and firewall can be read here`;
	}

	if (localTargets.length > 0) {
		return `${localTargets.join(', ')} ${localTargets.length === 1 ? 'is' : 'are'} this host, the first address ${first} is not`;
	}

	return `${resolved.join(', ')} ${resolved.length === 1 ? 'is' : 'are'} not this host (${hostname})`;
}

/** Pure: does the target belong to this host? Every resolved address against the interfaces' addresses. */
export function judgeLocal(
	{interfaces, hostname}: LocalObservations,
	{facts}: Pick<JudgeInput, 'facts'>,
): CheckResult {
	const own = new Set(interfaces.map(i => normalise(i.address)));
	const resolved = (facts.resolution?.ok ? facts.resolution.addresses : []).map(
		a => a.address,
	);
	const localTargets = resolved.filter(address => {
		const plain = normalise(address);
		// Loopback (all of 127/8), an interface address, or the unspecified address (which Linux dials as local).
		return (
			isLoopback(plain) ||
			own.has(plain) ||
			plain === '0.0.0.0' ||
			plain === '::'
		);
	});
	const first = resolved[0];
	const isLocal = first !== undefined && localTargets.includes(first);
	return {
		status: 'passed',
		detail: verdict(resolved, localTargets, hostname),
		command: 'os.networkInterfaces()  (same as: ip -brief address)',
		output: interfaces.map(i => `${i.name.padEnd(10)} ${i.cidr ?? i.address}`),
		facts: {
			local: {
				addresses: interfaces.map(i => i.address),
				isLocal,
				localTargets,
				hostname,
			},
		},
	};
}

export const local = defineCheck<LocalObservations>({
	measure: measureLocal,
	judge: judgeLocal,
});
