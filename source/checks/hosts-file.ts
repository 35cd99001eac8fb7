import {parseHostsFile, type HostsEntry} from '../parsers/hosts.js';
import {hostPort, isLoopback} from '../net/address.js';
import {shellQuote} from '../text/sanitize.js';
import type {CheckResult} from '../tree/types.js';
import {defineCheck, type JudgeInput} from './define.js';
import type {CheckContext} from './types.js';

/** The lines of /etc/hosts (none when it could not be read). */
export type HostsFileObservations = {
	readonly entries: readonly HostsEntry[];
};

export async function measureHostsFile({
	io,
}: CheckContext): Promise<HostsFileObservations> {
	const file = await io.readFile('/etc/hosts');
	return {entries: file.ok ? parseHostsFile(file.text) : []};
}

const localNames = new Set([
	'localhost',
	'localhost.localdomain',
	'ip6-localhost',
	'ip6-loopback',
	'localhost6',
	'localhost6.localdomain6',
]);

/** Pure: a line of /etc/hosts sends the name to an address that refuses, or back to this very host. */
export function judgeHostsFile(
	{entries}: HostsFileObservations,
	{target, facts}: Pick<JudgeInput, 'target' | 'facts'>,
): CheckResult {
	const addresses = facts.probe?.addresses ?? [];
	const fromHosts = addresses.filter(a => a.source.startsWith('/etc/hosts'));
	const lineOf = (source: string) =>
		entries.find(e => `/etc/hosts:${e.line}` === source)?.text ?? '';
	const output = fromHosts.map(
		a => `${a.source}: ${lineOf(a.source)}  → ${a.outcome}`,
	);
	if (localNames.has(target.host.toLowerCase())) {
		return {
			status: 'passed',
			detail: `${target.host} is meant to be this host: its /etc/hosts lines are expected`,
			output,
		};
	}

	const local = new Set(facts.local?.localTargets);
	const suspicious = fromHosts.filter(
		a =>
			a.outcome !== 'open' &&
			(local.has(a.address) ||
				isLoopback(a.address) ||
				a.outcome === 'refused' ||
				a.outcome === 'timeout' ||
				a.outcome === 'unreachable'),
	);
	if (suspicious.length === 0) {
		return {
			status: 'passed',
			detail: `/etc/hosts maps ${target.host} to an address that answers`,
			output,
		};
	}

	const bad = suspicious[0]!;
	const isSelf = local.has(bad.address) || isLoopback(bad.address);
	const line = Number(bad.source.split(':')[1]);
	return {
		status: 'problem',
		detail: `${bad.source} sends ${target.host} to ${bad.address}${isSelf ? ' (this host)' : ''}, which is ${bad.outcome}`,
		output,
		findings: [
			{
				id: 'dns-mismatch',
				confidence: 'likely',
				summary: `${bad.source} maps ${target.host} to ${bad.address}${isSelf ? ', this very host,' : ''} which ${bad.outcome === 'refused' ? 'refuses' : `is ${bad.outcome}`}: /etc/hosts overrides DNS, so clients here never see the name's real address.`,
				evidence: [
					`${bad.source}: ${lineOf(bad.source)}`,
					`connect ${hostPort(bad.address, target.port)}: ${bad.outcome} in ${bad.ms} ms`,
				],
				fixes: [
					{
						command: `sudo sed -n '${line}p' /etc/hosts`,
						why: `Look at line ${line}: is it a leftover (a copied hosts file, an old server address, the 127.0.1.1 hostname line)?`,
					},
					{
						command: `sudo sed -i.bak '${line}s/^/# /' /etc/hosts`,
						why: `Comment out line ${line} (a backup is kept as /etc/hosts.bak) so the name resolves through DNS again.`,
						undo: 'sudo mv /etc/hosts.bak /etc/hosts',
					},
					{
						command: shellQuote(['getent', 'ahosts', target.host]),
						why: 'Afterwards: check what the name resolves to now.',
					},
				],
			},
		],
	};
}

export const hostsFile = defineCheck<HostsFileObservations>({
	measure: measureHostsFile,
	judge: judgeHostsFile,
});
