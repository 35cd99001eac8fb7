/**
A DNAT or REDIRECT rule on the connection's way: where it really goes, and, when that is on this
host, whether anything listens there (from the listener step's facts). Pure: judge and explain.
*/
import {describeRef} from '../../model/firewall/index.js';
import type {NatStep} from '../../model/firewall/rulesets.js';
import {hostPort, isWildcard, sameAddress} from '../../net/address.js';
import type {
	AddressProbe,
	Facts,
	Listener,
	NatFacts,
} from '../../tree/facts.js';
import type {Finding} from '../../tree/types.js';
import type {NftRuleset} from '../../parsers/nft-json.js';
import {natFixes} from './fixes.js';

export function natFacts(nat: NatStep): NatFacts {
	return {
		kind: nat.kind,
		rule: describeRef(nat.by),
		to: nat.to,
		local: nat.local,
	};
}

/** "nat: REDIRECT sends 127.0.0.1:7000 to 127.0.0.1:7999 (iptables -t nat, chain OUTPUT, rule 1: ...)" */
export function natLine(nat: NatStep, dialed: string): string {
	return `nat: ${nat.kind === 'redirect' ? 'REDIRECT' : 'DNAT'} sends ${dialed} to ${hostPort(nat.to.address, nat.to.port)} (${describeRef(nat.by)})`;
}

/** Does this listener take connections to address:port? */
function serves(listener: Listener, address: string, port: number): boolean {
	if (listener.port !== port) {
		return false;
	}

	if (isWildcard(listener.address)) {
		const family = address.includes(':') ? 6 : 4;
		// A "::" socket takes IPv4 too unless it is IPv6-only.
		return (
			listener.family === family || (family === 4 && listener.v6only !== true)
		);
	}

	return sameAddress(listener.address, address);
}

type NatScope = {
	readonly facts: Facts;
	readonly port: number;
	readonly sudo: string;
	readonly nft: NftRuleset | undefined;
};

/**
The real destination is on this host and nothing listens there (per the listener step's reading):
`no-listener`, naming the nat rule and the real destination. Undefined when something listens
there, or when the listeners were not read (then nothing is claimed).
*/
export function natDeadEnd(
	nat: NatStep,
	probe: AddressProbe,
	scope: NatScope,
): Finding | undefined {
	const listeners = scope.facts.listeners;
	if (!nat.local || !listeners) {
		return undefined;
	}

	const {address, port} = nat.to;
	const found = listeners.listeners
		.onPort(port)
		.filter(l => serves(l, address, port));
	if (found.length > 0) {
		return undefined;
	}

	const dialed = hostPort(probe.address, scope.port);
	const real = hostPort(address, port);
	return {
		id: 'no-listener',
		confidence: probe.outcome === 'refused' ? 'confirmed' : 'likely',
		summary: `A ${nat.kind === 'redirect' ? 'REDIRECT' : 'DNAT'} rule sends ${dialed} to ${real}, where nothing listens: start the program that should answer on port ${port} (or fix the rule if ${real} is the wrong place).`,
		evidence: [
			natLine(nat, dialed),
			`${listeners.command}: no listener on ${real} (${listeners.listeners.count} TCP listeners read)`,
			`probe: ${dialed} ${probe.outcome} (${probe.code}) in ${probe.ms} ms`,
		],
		fixes: natFixes(nat.by, scope.sudo, scope.nft),
	};
}
