/**
The scale figures' worker (bundled by bench/run.mjs, run once per process, as the CLI runs): a whole
--json diagnosis of a closed local port, with command output read from files instead of the system
(`ss`, `iptables-save`, `nft -j`, `nft -a`; every other program "not installed"), so that the time
spent is the parsers' and the judges' on that text. Prints the milliseconds the diagnosis took.
Usage: node scale.js SS_FILE IPTABLES_FILE NFT_JSON_FILE NFT_TEXT_FILE   (an empty string: no output)
*/
import {readFileSync} from 'node:fs';
import process from 'node:process';
import type {Io, RunResult} from '../source/checks/types.js';
import {diagnose} from '../source/diagnose.js';
import {parseTarget} from '../source/parsers/target.js';
import {buildReport} from '../source/report/model.js';

const [ssFile, iptablesFile, nftJsonFile, nftTextFile] = process.argv.slice(2);
const read = (file: string | undefined) =>
	file ? readFileSync(file, 'utf8') : '';
const outputs: Record<string, string> = {
	ss: read(ssFile),
	'iptables-save': read(iptablesFile),
	'nft -j': read(nftJsonFile),
	'nft -a': read(nftTextFile),
};

function output(file: string, args: readonly string[]): string | undefined {
	if (file === 'nft') {
		return outputs[args.includes('-j') ? 'nft -j' : 'nft -a'];
	}

	return outputs[file];
}

const io: Io = {
	async run(spec) {
		const stdout = output(spec.file, spec.args);
		const result: RunResult = {
			command: [spec.file, ...spec.args].join(' '),
			exitCode: stdout === undefined ? undefined : 0,
			stdout: stdout ?? '',
			stderr: '',
			timedOut: false,
			notFound: stdout === undefined,
			canceled: false,
			durationMs: 0,
		};
		return result;
	},
	readFile: async () => ({ok: false, code: 'ENOENT'}),
	readDir: async () => undefined,
	lookup: async () => ({
		ok: true,
		addresses: [{address: '127.0.0.1', family: 4}],
	}),
	connect: async () => ({code: 'ECONNREFUSED', ms: 0}),
	httpGet: async () => ({ok: false, code: 'ECONNREFUSED'}),
	interfaces: () => [
		{
			name: 'lo',
			address: '127.0.0.1',
			family: 4,
			internal: true,
			cidr: '127.0.0.1/8',
		},
	],
	hostname: () => 'bench',
	env: {HOME: '/nonexistent'},
	platform: 'linux',
	uid: 0,
	async writeReport() {
		throw new Error('the bench writes no report');
	},
};

const target = parseTarget(['127.0.0.1:4']);
if ('error' in target) {
	throw new Error(target.error);
}

const started = performance.now();
const report = buildReport(await diagnose(target, {io, timeoutMs: 3000}));
const ms = performance.now() - started;
const firewall = report.steps.find(step => step.id === 'firewall');
const listeners = report.steps.find(step => step.id === 'listeners');
process.stdout.write(
	`${JSON.stringify({ms, cause: report.causes[0]?.id, firewall: firewall?.detail, listeners: listeners?.detail})}\n`,
);
