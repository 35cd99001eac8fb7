/**
Read the host firewall through the injected runner: iptables-save / ip6tables-save (and the other
backend where both are in use), nft -j list ruleset (+ nft -a list ruleset for the rule texts).
Read-only: every command here only dumps what is loaded.
*/
import {parseIptablesSave} from '../../parsers/iptables-save.js';
import {nftRuleTextsOnUse, parseNftJson} from '../../parsers/nft-json.js';
import type {RuleSource} from '../../model/firewall/index.js';
import type {IptablesRules, NftRules} from '../../model/firewall/rulesets.js';
import type {CheckContext, RunResult} from '../types.js';

export type IptablesReading = IptablesRules & {
	readonly file: string;
	readonly command: string;
};

export type NftReading = NftRules & {
	readonly command: string;
};

/** What was read (a `Rulesets`), and what could not be. */
export type Readings = {
	readonly iptables: readonly IptablesReading[];
	readonly nft?: NftReading;
	/** Commands that were refused for lack of privileges. */
	readonly denied: readonly string[];
	/** Tools not installed. */
	readonly missing: readonly string[];
	/** Other failures, one line each. */
	readonly failures: readonly string[];
	/** Every command run, for display. */
	readonly commands: readonly string[];
};

const deniedPattern =
	/permission denied|operation not permitted|you must be root|must be run as root/i;

function firstLine(result: RunResult): string {
	return (
		(result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? ''
	).trim();
}

type Collected = {
	denied: string[];
	missing: string[];
	failures: string[];
	commands: string[];
};

async function runDump(
	context: CheckContext,
	file: string,
	args: readonly string[],
	collected: Collected,
): Promise<RunResult | undefined> {
	const display = [file, ...args].join(' ');
	context.onCommand(display);
	const result = await context.io.run(
		{file, args, timeoutMs: 10_000},
		{signal: context.signal},
	);
	if (result.notFound) {
		collected.missing.push(file);
		return undefined;
	}

	collected.commands.push(result.command);
	if (result.timedOut) {
		collected.failures.push(`${display}: timed out`);
		return undefined;
	}

	if (result.exitCode !== 0) {
		const line = firstLine(result);
		if (deniedPattern.test(line) || context.io.uid !== 0) {
			collected.denied.push(display);
		} else {
			collected.failures.push(
				`${display}: exit ${result.exitCode ?? '?'}: ${line}`,
			);
		}

		return undefined;
	}

	return result;
}

function incompatibleTables(text: string): string[] {
	return [...text.matchAll(/[Tt]able `([^']+)' is incompatible/g)].map(
		match => match[1]!,
	);
}

/** Iptables sources in use, for one family: the default backend, plus the other one where it holds tables. */
async function readIptables(
	context: CheckContext,
	family: 4 | 6,
	collected: Collected,
	out: IptablesReading[],
): Promise<void> {
	const base = family === 4 ? 'iptables' : 'ip6tables';
	const read = async (file: string, source: RuleSource) => {
		const result = await runDump(context, file, ['-c'], collected);
		if (!result) {
			return undefined;
		}

		const reading: IptablesReading = {
			source,
			file,
			command: result.command,
			ruleset: parseIptablesSave(result.stdout),
			incompatible: incompatibleTables(result.stdout + result.stderr),
		};
		out.push(reading);
		return reading;
	};

	const main = await read(`${base}-save`, base);
	if (!main) {
		return;
	}

	if (main.ruleset.backend !== 'legacy') {
		// Legacy tables exist only once something loaded them: /proc says so without loading a module.
		const names = await context.io.readFile(
			`/proc/net/${family === 4 ? 'ip' : 'ip6'}_tables_names`,
		);
		if (names.ok && names.text.trim()) {
			await read(`${base}-legacy-save`, `${base}-legacy`);
		}
	} else if (main.ruleset.backend === 'legacy') {
		// The default is legacy: the nf_tables side (if any) is read through its own save command.
		out.pop();
		out.push({...main, source: `${base}-legacy`});
		await read(`${base}-nft-save`, base);
	}
}

const emptyCollected = (): Collected => ({
	denied: [],
	missing: [],
	failures: [],
	commands: [],
});

/**
`nft -j list ruleset` for the rules, then `nft -a list ruleset` for the printed text of each (by
handle) when there is a rule to show: an empty ruleset needs no second listing.
*/
async function readNft(
	context: CheckContext,
	collected: Collected,
): Promise<NftReading | undefined> {
	const json = await runDump(
		context,
		'nft',
		['-j', 'list', 'ruleset'],
		collected,
	);
	if (!json) {
		return undefined;
	}

	try {
		const ruleset = parseNftJson(json.stdout);
		const text =
			ruleset.rules.length > 0
				? await runDump(context, 'nft', ['-a', 'list', 'ruleset'], collected)
				: undefined;
		return {
			command: json.command,
			ruleset,
			texts: text ? nftRuleTextsOnUse(text.stdout) : new Map(),
		};
	} catch (error) {
		collected.failures.push(
			`nft -j list ruleset: output not understood (${(error as Error).message})`,
		);
		return undefined;
	}
}

/**
Every rule set this host has, read at once (iptables per family and nft side by side, so one hung
program costs its time limit once, not once per reader); what each read found is merged in a fixed
order, so the commands and caveats read the same from run to run.
*/
export async function readFirewall(
	context: CheckContext,
	families: ReadonlySet<4 | 6>,
): Promise<Readings> {
	const readers = ([4, 6] as const)
		.filter(family => families.has(family))
		.map(async family => {
			const collected = emptyCollected();
			const out: IptablesReading[] = [];
			await readIptables(context, family, collected, out);
			return {collected, out};
		});
	const nftCollected = emptyCollected();
	const [nft, ...parts] = await Promise.all([
		readNft(context, nftCollected),
		...readers,
	]);
	const iptables = parts.flatMap(part => part.out);
	const all = [...parts.map(part => part.collected), nftCollected];
	const collected: Collected = {
		denied: all.flatMap(c => c.denied),
		missing: all.flatMap(c => c.missing),
		failures: all.flatMap(c => c.failures),
		commands: all.flatMap(c => c.commands),
	};

	return {
		iptables,
		...(nft ? {nft} : {}),
		denied: collected.denied,
		missing: [...new Set(collected.missing)],
		failures: collected.failures,
		commands: collected.commands,
	};
}
