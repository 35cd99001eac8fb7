import {hostPort} from '../net/address.js';
import {shellQuote} from '../text/sanitize.js';
import type {AddressProbe, Target} from '../tree/facts.js';
import type {CheckResult, Finding} from '../tree/types.js';
import {defineCheck, type JudgeInput} from './define.js';

/** Nothing to measure: the probe of every address is in the facts. */
type Observations = Record<string, never>;

type Split = {
	readonly target: Target;
	/** The address this host dials first. */
	readonly first: AddressProbe;
	readonly open: readonly AddressProbe[];
	readonly failing: readonly AddressProbe[];
	readonly lines: readonly string[];
	readonly isLocal: boolean;
};

const works = (a: AddressProbe) => a.outcome === 'open';

/** Pure: the words and fixes when only some addresses of the name accept. */
export function explainFamilyMismatch({
	target,
	first,
	open,
	failing,
	lines,
	isLocal,
}: Split): Finding {
	const firstFails = !works(first);
	const openFamilies = new Set(open.map(a => a.family));
	const failingFamilies = new Set(failing.map(a => a.family));
	const byFamily =
		openFamilies.size === 1 &&
		failingFamilies.size === 1 &&
		[...openFamilies][0] !== [...failingFamilies][0];
	const good = open[0]!;
	const bad = failing[0]!;
	const listenHint = byFamily
		? `The server listens on IPv${good.family} only (${good.address} works, ${bad.address} is ${bad.outcome}).`
		: `${good.address} works, ${bad.address} is ${bad.outcome}.`;
	const clients = firstFails
		? `Clients that dial only the first address (${first.address}) fail: Node.js 17-19, Node 20+ with autoSelectFamily off, Java's InetAddress.getByName, many database drivers. curl and browsers try the next address and work, which makes this confusing.`
		: `This host dials ${first.address} first and works, but clients that prefer IPv${bad.family} (or get the addresses in another order) dial ${bad.address} and fail.`;
	const wildcard = bad.family === 6 ? '::' : '0.0.0.0';
	return {
		id: 'address-family-mismatch',
		confidence: firstFails ? 'confirmed' : 'likely',
		summary: `${target.host} resolves to IPv4 and IPv6 addresses and only some accept: ${listenHint}`,
		evidence: [...lines, clients],
		fixes: [
			// Server side first. Here, ss shows the bind (the listener step adds the exact edit when it can
			// read it); for another host, the same diagnosis run there does.
			isLocal
				? {
						command: shellQuote([
							'sudo',
							'ss',
							'-Htlnp',
							`sport = :${target.port}`,
						]),
						why: `Server side (best): see which address the service binds, then make it listen on both families: "::" with IPv6-only off (dual-stack), or add a listener on ${wildcard === '::' ? '"::1" or "::"' : '"127.0.0.1" or "0.0.0.0"'}.`,
					}
				: {
						command: shellQuote([
							'refused',
							hostPort(bad.address, target.port),
						]),
						why: `Server side (best): run this on the server: it shows what listens there and where its bind is set, to make it listen on both families ("::" with IPv6-only off, or a listener on ${wildcard === '::' ? '"::1" or "::"' : '"127.0.0.1" or "0.0.0.0"'}).`,
					},
			{
				// Quoted as one word: it is copied, and may be pasted into a shell.
				command: shellQuote([
					target.scheme
						? target.input.replace(
								target.host,
								good.family === 6 ? `[${good.address}]` : good.address,
							)
						: hostPort(good.address, target.port),
				]),
				why: `Client side: put this in the client's configuration instead of ${target.input}: it dials the address that works (${good.address}) rather than the name.`,
			},
			{
				command: `NODE_OPTIONS=--dns-result-order=${good.family === 4 ? 'ipv4first' : 'verbatim'} node app.js`,
				why: 'Node.js clients: change the order of resolved addresses (or call net.setDefaultAutoSelectFamily(true) to try both, Happy Eyeballs).',
			},
		],
	};
}

/** Pure: some addresses of the name accept and others do not: clients that dial only the first one fail. */
export function judgeFamilies(
	_observations: Observations,
	{target, facts}: Pick<JudgeInput, 'target' | 'facts'>,
): CheckResult {
	const addresses = facts.probe?.addresses ?? [];
	const open = addresses.filter(a => works(a));
	const failing = addresses.filter(a => !works(a));
	const lines = addresses.map(
		a =>
			`${hostPort(a.address, target.port)} (IPv${a.family}, ${a.source}): ${a.outcome} in ${a.ms} ms`,
	);
	if (open.length === 0 || failing.length === 0) {
		return {
			status: 'passed',
			detail: `every address ${open.length === 0 ? 'fails' : 'accepts'} alike`,
			output: lines,
		};
	}

	return {
		status: 'problem',
		detail: `${target.host}: ${open.map(a => a.address).join(', ')} open; ${failing.map(a => `${a.address} ${a.outcome}`).join(', ')}`,
		output: lines,
		findings: [
			explainFamilyMismatch({
				target,
				first: addresses[0]!,
				open,
				failing,
				lines,
				isLocal: facts.local?.isLocal ?? false,
			}),
		],
	};
}

export const families = defineCheck<Observations>({
	measure: async () => ({}),
	judge: judgeFamilies,
});
