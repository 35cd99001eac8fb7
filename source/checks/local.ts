import net from 'node:net';
import {isLoopback} from '../net/address.js';
import type {CheckRun} from './types.js';

const normalise = (address: string) =>
	address
		.toLowerCase()
		.replace(/%.*/, '')
		.replace(/^:{2}f{4}:((?:\d+\.){3}\d+)$/, '$1');

/** Does the target belong to this host? Compare every resolved address with the interfaces' addresses. */
export const local: CheckRun = async ({facts, io}) => {
	const interfaces = io.interfaces();
	const own = new Set(interfaces.map(i => normalise(i.address)));
	const resolved = facts.resolution?.ok ? facts.resolution.addresses : [];
	const localTargets = resolved
		.map(a => a.address)
		.filter(address => {
			const plain = normalise(address);
			// Loopback (all of 127/8), an interface address, or the unspecified address (which Linux dials as local).
			return (
				isLoopback(plain) ||
				own.has(plain) ||
				plain === '0.0.0.0' ||
				plain === '::'
			);
		});
	const first = resolved[0]?.address;
	const isLocal = first !== undefined && localTargets.includes(first);
	const output = interfaces.map(
		i => `${i.name.padEnd(10)} ${i.cidr ?? i.address}`,
	);
	const hostname = io.hostname();
	const anyLocal = localTargets.length > 0;
	return {
		status: 'passed',
		detail: isLocal
			? `${first} is this host${net.isIP(first) && isLoopback(first) ? ' (loopback)' : ''}: its listeners and firewall can be read here`
			: anyLocal
				? `${localTargets.join(', ')} ${localTargets.length === 1 ? 'is' : 'are'} this host, the first address ${first} is not`
				: `${resolved.map(a => a.address).join(', ')} ${resolved.length === 1 ? 'is' : 'are'} not this host (${hostname})`,
		command: 'os.networkInterfaces()  (same as: ip -brief address)',
		output,
		facts: {
			local: {
				addresses: interfaces.map(i => i.address),
				isLocal,
				localTargets,
				hostname,
			},
		},
	};
};
