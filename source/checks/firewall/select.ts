/** Which addresses the firewall step walks the rules for, and for which client. Pure. */
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
