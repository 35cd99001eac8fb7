/** Which addresses the firewall step walks the rules for, and for which client. Pure. */
import type {WalkOptions} from '../../model/firewall/rulesets.js';
import {sameAddress} from '../../net/address.js';
import type {Answers} from '../../tree/types.js';
import type {AddressProbe, Facts} from '../../tree/facts.js';

/** `--answer client=ADDRESS`: the failing client's address, when it is not this host. */
export function remoteClient(value: string | undefined): string | undefined {
	const address = value?.trim().replaceAll(/^\[|]$/g, '');
	return address &&
		/^(?:\d{1,3}(?:\.\d{1,3}){3}|[\da-f:.]*:[\da-f:.]*)$/i.test(address)
		? address
		: undefined;
}

/**
The local addresses to walk the rules for: those that did not accept a connect from this host, or,
for a remote client, every local address of its family whatever the probe from here got.
*/
export function selectProbes(facts: Facts, answers: Answers): AddressProbe[] {
	const localTargets = new Set(facts.local?.localTargets);
	const client = remoteClient(answers.client);
	const clientFamily = client?.includes(':') ? 6 : 4;
	return (facts.probe?.addresses ?? []).filter(p =>
		client
			? localTargets.has(p.address) && p.family === clientFamily
			: p.outcome !== 'open' && localTargets.has(p.address),
	);
}

/**
Addresses of other hosts that did not accept a connect from this host: this host's own output
path is walked for them (a client's firewall can refuse or drop its own connections).
*/
export function selectOutbound(facts: Facts, answers: Answers): AddressProbe[] {
	if (remoteClient(answers.client)) {
		return [];
	}

	const localTargets = new Set(facts.local?.localTargets);
	return (facts.probe?.addresses ?? []).filter(
		p => p.outcome !== 'open' && !localTargets.has(p.address),
	);
}

/** How the rules are walked for one address: only the output hook for another host. */
export function walkOptions(facts: Facts, outbound: boolean): WalkOptions {
	const addresses = facts.local?.addresses ?? [];
	return {
		...(outbound ? {hooks: ['output']} : {}),
		isLocal: address => addresses.some(a => sameAddress(a, address)),
	};
}
