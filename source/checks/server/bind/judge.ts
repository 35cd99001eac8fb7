/** Compare the listeners on the target port with the addresses dialed: name why the kernel refused (pure). */
import {sudoPrefix} from '../../../text/sanitize.js';
import {hostPort} from '../../../net/address.js';
import type {CheckResult} from '../../../tree/types.js';
import type {JudgeInput} from '../../define.js';
import {dialedAddresses} from './common.js';
import type {BindObservations} from './measure.js';
import {judgeListenersOnPort} from './mismatch.js';
import {judgeNothingOnPort} from './nothing.js';

export function judgeBind(
	observations: BindObservations,
	input: JudgeInput,
): CheckResult {
	const inventory = input.facts.listeners;
	if (!inventory) {
		const command = `${sudoPrefix(input.uid)}ss -ltnp`;
		return {
			status: 'unknown',
			detail: `the listeners could not be read, so the bind cannot be compared. Check by hand: ${command}`,
			command,
		};
	}

	// A nat rule on this host sends the connection elsewhere: the firewall step diagnoses the real destination.
	const nat = input.facts.firewall?.nat;
	if (nat?.local) {
		return {
			status: 'passed',
			detail: `a nat rule sends this connection to ${hostPort(nat.to.address, nat.to.port)} (${nat.rule}): what listens on port ${input.target.port} does not decide it; the firewall step looks at the real destination`,
		};
	}

	const probes = dialedAddresses(input.facts);
	if (inventory.listeners.onPort(input.target.port).length === 0) {
		return judgeNothingOnPort(input, inventory, probes.dialed);
	}

	return judgeListenersOnPort(
		input,
		inventory,
		probes,
		observations.argv ?? [],
	);
}
