import {parseHostsFile, type HostsEntry} from '../parsers/hosts.js';
import {hostPort, isLoopback} from '../net/address.js';
import {shellQuote, sudoPrefix} from '../text/sanitize.js';
import type {AddressProbe} from '../tree/facts.js';
import type {CheckResult, Finding} from '../tree/types.js';
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

/** Pure: the words and fixes of a hosts line that sends the name to the wrong place. */
export function explainHostsMismatch({
	host,
	port,
	bad,
	text,
	isSelf,
	uid,
}: {
	readonly host: string;
	readonly port: number;
	/** The probe of the address the hosts line gives. */
	readonly bad: AddressProbe;
	/** The hosts line itself. */
	readonly text: string;
	/** The address is this very host. */
	readonly isSelf: boolean;
	readonly uid: number | undefined;
}): Finding {
	const line = Number(bad.source.split(':')[1]);
	return {
		id: 'dns-mismatch',
		confidence: 'likely',
		summary: `${bad.source} maps ${host} to ${bad.address}${isSelf ? ', this very host,' : ''} which ${bad.outcome === 'refused' ? 'refuses' : `is ${bad.outcome}`}: /etc/hosts overrides DNS, so clients here never see the name's real address.`,
		evidence: [
			`${bad.source}: ${text}`,
			`connect ${hostPort(bad.address, port)}: ${bad.outcome} in ${bad.ms} ms`,
		],
		fixes: [
			{
				command: `sed -n '${line}p' /etc/hosts`,
				why: `Look at line ${line}: is it a leftover (a copied hosts file, an old server address, the 127.0.1.1 hostname line)?`,
			},
			{
				command: `${sudoPrefix(uid)}sed -i.bak '${line}s/^/# /' /etc/hosts`,
				why: `Comment out line ${line} (a backup is kept as /etc/hosts.bak) so the name resolves through DNS again.`,
				undo: `${sudoPrefix(uid)}mv /etc/hosts.bak /etc/hosts`,
			},
			{
				command: shellQuote(['getent', 'ahosts', host]),
				why: 'Afterwards: check what the name resolves to now.',
			},
		],
	};
}

/** Pure: a line of /etc/hosts sends the name to an address that refuses, or back to this very host. */
export function judgeHostsFile(
	{entries}: HostsFileObservations,
	{
		target,
		facts,
		uid,
	}: Pick<JudgeInput, 'target' | 'facts'> & Partial<Pick<JudgeInput, 'uid'>>,
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
	return {
		status: 'problem',
		detail: `${bad.source} sends ${target.host} to ${bad.address}${isSelf ? ' (this host)' : ''}, which is ${bad.outcome}`,
		output,
		findings: [
			explainHostsMismatch({
				host: target.host,
				port: target.port,
				bad,
				text: lineOf(bad.source),
				isSelf,
				uid,
			}),
		],
	};
}

export const hostsFile = defineCheck<HostsFileObservations>({
	measure: measureHostsFile,
	judge: judgeHostsFile,
});
