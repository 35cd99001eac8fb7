/** Judge the listener inventory: the listeners on the target port, and what could not be read. */
import {sudoPrefix} from '../../../text/sanitize.js';
import type {ListenerFacts} from '../../../tree/facts.js';
import type {CheckResult} from '../../../tree/types.js';
import type {JudgeInput} from '../../define.js';
import {describeListener} from '../address.js';
import type {ListenerObservations} from './measure.js';

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function judgeListeners(
	observations: ListenerObservations,
	{target}: JudgeInput,
): CheckResult {
	const {platform, inventory, problems, damaged, bindv6only, uid} =
		observations;
	if (platform !== 'linux') {
		return {
			status: 'unknown',
			detail: `listeners are read the Linux way (ss, /proc/net/tcp); on ${platform} run it by hand`,
			command:
				platform === 'darwin'
					? 'lsof -nP -iTCP -sTCP:LISTEN'
					: 'netstat -ano -p tcp',
		};
	}

	const sudo = sudoPrefix(uid);
	if (!inventory) {
		return {
			status: 'unknown',
			detail: `the listeners could not be read: ${[...problems, ...damaged].join('; ')}. Check by hand: ${sudo}ss -ltnp`,
			command: `${sudo}ss -ltnp`,
		};
	}

	const {listeners} = inventory;
	const facts: ListenerFacts = {
		source: inventory.source,
		command: inventory.command,
		listeners,
		processesVisible: uid === 0 || listeners.allOwned(),
		...(bindv6only === undefined ? {} : {bindv6only}),
		...(damaged.length > 0 ? {unreadable: damaged} : {}),
	};
	const onPort = listeners.onPort(target.port);
	const skipped = [
		...problems,
		...damaged.filter(d => !d.startsWith(`${inventory.command}:`)),
	];
	const output = [
		...(skipped.length > 0
			? [`(${skipped.join('; ')}: used ${facts.source} instead)`]
			: []),
		...onPort.map(l => describeListener(l)),
		...(onPort.length === 0 ? [`nothing listens on port ${target.port}`] : []),
		`${plural(listeners.count, 'TCP listener')} in all${bindv6only === undefined ? '' : `; net.ipv6.bindv6only=${bindv6only ? 1 : 0}`}`,
		...inventory.notes,
		...(facts.processesVisible
			? []
			: [
					"not root: the owners of other users' sockets are hidden. To see them: sudo ss -ltnp",
				]),
	];
	const partly =
		damaged.length > 0
			? `; read in part only (${damaged.join('; ')}), so this is less certain`
			: '';
	return {
		status: 'passed',
		detail:
			onPort.length === 0
				? `nothing listens on port ${target.port} (${listeners.count} listeners in all)${partly}`
				: `port ${target.port}: ${onPort.map(l => describeListener(l, {short: true})).join(', ')}${partly}`,
		command: facts.command,
		output,
		facts: {listeners: facts},
	};
}
