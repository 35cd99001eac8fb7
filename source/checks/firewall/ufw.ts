/** Ufw on top of iptables: which numbered ufw rule matches the rule that decided. */
import {
	parseUfwStatus,
	ufwCoversPort,
	type UfwRule,
} from '../../parsers/ufw.js';
import type {CheckContext} from '../types.js';
import {inPrefix} from '../../net/address.js';

export type UfwMatch = {
	readonly rule?: {readonly number: number; readonly text: string};
	/** One evidence line. */
	readonly line?: string;
};

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

/** The first ufw rule that would deny or reject this port (ufw checks its rules in order). */
export function findUfwRule(
	rules: readonly UfwRule[],
	port: number,
	verdict: 'reject' | 'drop',
	client: string | undefined,
	family: 4 | 6,
): UfwRule | undefined {
	const actions = verdict === 'reject' ? ['REJECT', 'LIMIT'] : ['DENY'];
	for (const rule of rules) {
		if (rule.direction === 'OUT' || rule.v6 !== (family === 6)) {
			continue;
		}

		const covers =
			ufwCoversPort(rule.to, port) === true &&
			fromCovers(rule, client) === true;
		if (covers) {
			// An allow for this client and port comes first: no ufw rule denies it, the policy does.
			return actions.includes(rule.action) ? rule : undefined;
		}
	}

	return undefined;
}

/** Run `ufw status numbered` and name the ufw rule behind the iptables rule that decided. */
export async function ufwRuleFor(
	context: CheckContext,
	port: number,
	verdict: 'reject' | 'drop',
	client: string | undefined,
	family: 4 | 6,
): Promise<UfwMatch> {
	context.onCommand('ufw status numbered');
	const result = await context.io.run(
		{file: 'ufw', args: ['status', 'numbered'], timeoutMs: 10_000},
		{signal: context.signal},
	);
	if (result.notFound) {
		return {
			line: 'ufw chains are loaded, but the ufw command is not installed',
		};
	}

	if (result.exitCode !== 0) {
		return {
			line: `ufw status numbered: ${(result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? ''}`,
		};
	}

	const status = parseUfwStatus(result.stdout);
	const rule = findUfwRule(status.rules, port, verdict, client, family);
	return rule
		? {
				rule: {number: rule.number, text: rule.text},
				line: `ufw rule [${rule.number}]: ${rule.text}`,
			}
		: {
				line: `ufw ${status.active ? 'is active' : 'is not active'}; no numbered ufw rule denies port ${port}${client ? ` from ${client}` : ''}: ufw's default policy decides (ufw status verbose)`,
			};
}
