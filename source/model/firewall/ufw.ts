/** Ufw on top of iptables: which numbered ufw rule stands behind the iptables rule that decided. Pure. */
import type {UfwRule} from '../../parsers/ufw.js';
import {inPrefix} from '../../net/address.js';

/** Does a ufw "To" column cover this TCP port? undefined when it names an application profile or anything else. */
export function ufwCoversPort(to: string, port: number): boolean | undefined {
	const spec = /^(?:(\S+) )?([\d,:]+)(?:\/(tcp|udp))?(?: \(v6\))?$/.exec(
		to.trim(),
	);
	if (!spec) {
		return /^Anywhere(?: \(v6\))?$/.test(to.trim()) ? true : undefined;
	}

	if (spec[3] === 'udp') {
		return false;
	}

	return spec[2]!.split(',').some(part => {
		const [low, high = low] = part.split(':');
		return port >= Number(low) && port <= Number(high);
	});
}

/** Does the ufw rule's From column cover the client? undefined when the client is not known. */
function fromCovers(
	rule: UfwRule,
	client: string | undefined,
): boolean | undefined {
	const from = rule.from.replace(/\s*\(v6\)$/, '');
	if (from === 'Anywhere') {
		return true;
	}

	if (!client) {
		return undefined;
	}

	return inPrefix(client, from.split(' ')[0] ?? '');
}

export type UfwQuery = {
	readonly port: number;
	readonly verdict: 'reject' | 'drop';
	/** The remote client (--answer client), undefined for a client on this host. */
	readonly client: string | undefined;
	readonly family: 4 | 6;
	/** Rules for connections out of this host (`ufw ... out`) rather than in. */
	readonly outbound?: boolean;
};

/** The first ufw rule that would deny or reject this port (ufw checks its rules in order). */
export function findUfwRule(
	rules: readonly UfwRule[],
	{port, verdict, client, family, outbound}: UfwQuery,
): UfwRule | undefined {
	const actions = verdict === 'reject' ? ['REJECT', 'LIMIT'] : ['DENY'];
	for (const rule of rules) {
		if (
			(rule.direction === 'OUT') !== (outbound === true) ||
			rule.v6 !== (family === 6)
		) {
			continue;
		}

		// An outgoing rule names the far side in its To column (with the port), this host in From.
		const covers =
			ufwCoversPort(rule.to, port) === true &&
			(outbound === true || fromCovers(rule, client) === true);
		if (covers) {
			// An allow for this client and port comes first: no ufw rule denies it, the policy does.
			return actions.includes(rule.action) ? rule : undefined;
		}
	}

	return undefined;
}
