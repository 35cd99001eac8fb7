/** Ufw on top of iptables: which numbered ufw rule matches the rule that decided. */
import {parseUfwStatus, ufwCoversPort} from '../../parsers/ufw.js';
import type {CheckContext} from '../types.js';

export type UfwMatch = {
	readonly rule?: {readonly number: number; readonly text: string};
	/** One evidence line. */
	readonly line?: string;
};

/** Run `ufw status numbered` and find the first deny/reject/limit rule for this port. */
export async function ufwRuleFor(
	context: CheckContext,
	port: number,
	verdict: 'reject' | 'drop',
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
	const actions = verdict === 'reject' ? ['REJECT', 'LIMIT'] : ['DENY'];
	const rule = status.rules.find(
		r =>
			actions.includes(r.action) &&
			r.direction !== 'OUT' &&
			ufwCoversPort(r.to, port) === true,
	);
	return rule
		? {
				rule: {number: rule.number, text: rule.text},
				line: `ufw rule [${rule.number}]: ${rule.text}`,
			}
		: {
				line: `ufw ${status.active ? 'is active' : 'is not active'}; no numbered ufw rule for port ${port}: ufw's default policy decides`,
			};
}
