/** Judge what the configs say: where each service listens, quoted file:line; unknown when none could be read. */
import type {ConfigLine, ServiceConfigFacts} from '../../../tree/facts.js';
import type {CheckResult} from '../../../tree/types.js';
import {serviceById} from '../../../services/index.js';
import type {JudgeInput} from '../../define.js';

const nameOf = (config: ServiceConfigFacts) =>
	serviceById(config.service)?.name ?? config.service;

function lineText(line: ConfigLine): string {
	return line.line === 0
		? `${line.file}: ${line.key}=${(line.addresses ?? [line.port]).join(',')}`
		: `${line.file}:${line.line}: ${line.text}`;
}

function outputOf(config: ServiceConfigFacts): string[] {
	const relevant = config.lines.filter(
		line => line.addresses !== undefined || line.port !== undefined,
	);
	return [
		`${nameOf(config)}: ${config.files.length > 0 ? config.files.join(', ') : 'no config file read'} (found from ${config.how})`,
		...relevant.slice(0, 12).map(line => `  ${lineText(line)}`),
		...config.problems.map(problem => `  ${problem}`),
	];
}

const bracketed = (address: string) =>
	address.includes(':') ? `[${address}]` : address;

function says(config: ServiceConfigFacts): string {
	if (config.files.length === 0 && config.lines.length === 0) {
		return `${nameOf(config)}: ${config.problems[0] ?? 'no config read'}`;
	}

	const listens = config.lines.filter(
		l =>
			!l.commented &&
			l.addresses &&
			l.port !== undefined &&
			/^listen$/i.test(l.key),
	);
	if (listens.length > 0) {
		return `${nameOf(config)}: listen ${listens.map(l => l.addresses!.map(a => `${bracketed(a)}:${l.port}`).join(', ')).join(', ')}`;
	}

	const where = config.addresses
		? config.addresses.join(', ')
		: 'the built-in default';
	return `${nameOf(config)}: listens on ${where}, port ${config.port ?? 'the built-in default'}`;
}

export function judgeConfig(
	{
		wanted,
		configs,
	}: {
		readonly wanted: readonly string[];
		readonly configs: readonly ServiceConfigFacts[];
	},
	{target}: JudgeInput,
): CheckResult {
	if (wanted.length === 0) {
		return {
			status: 'skipped',
			detail: `no known service (database, web server, cache, sshd) listens on or is known for port ${target.port}`,
			facts: {services: {configs: []}},
		};
	}

	const unreadable = configs.filter(
		c =>
			c.files.length === 0 &&
			c.problems.some(p => p.includes('permission denied')),
	);
	return {
		status: unreadable.length > 0 ? 'unknown' : 'passed',
		detail: configs.map(config => says(config)).join('; '),
		output: configs.flatMap(config => outputOf(config)),
		facts: {services: {configs}},
	};
}
