import {redactSecrets} from '../text/redact.js';
import {visible} from '../text/sanitize.js';
import type {Report, ReportCause, ReportServer, ReportStep} from './model.js';

const statusMarks: Readonly<Record<ReportStep['status'], string>> = {
	passed: 'passed',
	problem: 'found a problem',
	unknown: 'could not tell',
	skipped: 'skipped',
};

const answeredBy: Readonly<Record<string, string>> = {
	flag: 'given with --answer',
	user: 'answered by you',
	auto: 'found by the tool',
	unanswered: 'not answered',
};

/**
Text from the report as it may be shown: secrets redacted and control characters visible (`\x1b`),
whatever the layers before did; `oneLine` also shows line breaks as `\n`.
*/
function shown(text: string, oneLine: boolean): string {
	return visible(redactSecrets(text), {oneLine});
}

/**
Prose: one line, with every character that could start markdown structure or an embed escaped
(headings, fences, HTML, links and images, emphasis, block quotes and list markers at the start).
*/
export function prose(text: string): string {
	return shown(text, true)
		.trim()
		.replaceAll(/[\\`*[\]<>#]/g, character => `\\${character}`)
		.replace(/^([-+=~|]|\d{1,9}[.)](?=\s|$))/, String.raw`\$1`);
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function codeBlock(text: string, language = ''): string {
	const content = shown(text, false);
	const longest = Math.max(
		2,
		...[...content.matchAll(/`+/g)].map(match => match[0].length),
	);
	const fence = '`'.repeat(longest + 1);
	return `${fence}${language}\n${content}\n${fence}`;
}

/** Inline code, safe for any content (one line; in a table, pipes escaped as GFM wants them). */
function code(text: string, inTable = false): string {
	const one = shown(text, true);
	const content = inTable ? one.replaceAll('|', String.raw`\|`) : one;
	const longest = Math.max(
		0,
		...[...content.matchAll(/`+/g)].map(match => match[0].length),
	);
	const ticks = '`'.repeat(longest + 1);
	const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
	return `${ticks}${pad}${content}${pad}${ticks}`;
}

/** A table cell: prose on one line, pipes escaped. */
function cell(text: string): string {
	return prose(text).replaceAll('|', String.raw`\|`);
}

function causeSection(
	cause: ReportCause,
	heading: string,
	where = 'on this host',
): string[] {
	const lines = [
		`${heading} ${prose(cause.title)}`,
		'',
		`**${prose(cause.summary)}**`,
		'',
		`Cause id ${code(cause.id)}, confidence: ${cause.confidence}.`,
		'',
	];
	if (cause.explanation) {
		lines.push(prose(cause.explanation), '');
	}

	if (cause.evidence.length > 0) {
		lines.push(
			`Evidence (measured ${prose(where)}):`,
			'',
			codeBlock(cause.evidence.join('\n')),
			'',
		);
	}

	if (cause.fixes.length > 0) {
		lines.push('Fixes (shown, never run by the tool):', '');
		for (const [index, fix] of cause.fixes.entries()) {
			lines.push(
				`${index + 1}. ${prose(fix.why)}`,
				'',
				...codeBlock(fix.command, 'sh')
					.split('\n')
					.map(line => `   ${line}`),
				'',
			);
			if (fix.undo) {
				lines.push(`   Undo: ${code(fix.undo)}`, '');
			}
		}
	}

	return lines;
}

function stepLines(steps: readonly ReportStep[], heading: string): string[] {
	const lines: string[] = [];
	for (const [index, step] of steps.entries()) {
		lines.push(
			`${heading} ${index + 1}. ${prose(step.title)}: ${statusMarks[step.status]}`,
			'',
			prose(step.detail),
			'',
		);
		if (step.command) {
			lines.push(codeBlock(`$ ${step.command}`, 'sh'), '');
		}

		if (step.output && step.output.length > 0) {
			lines.push(codeBlock(step.output.join('\n')), '');
		}
	}

	return lines;
}

/** With --via: who and where on the server, what it said, and its steps. */
function serverSection(server: ReportServer): string[] {
	const who = server.host
		? `${code(server.user ?? '?')} on ${code(server.host)} (${
				server.privilege === 'root'
					? 'root'
					: server.privilege === 'sudo'
						? 'root through sudo -n'
						: `not root: ${prose(server.sudo ?? 'no sudo')}`
			})`
		: code(server.destination);
	const lines = [
		`## The server's side (over SSH: ${code(server.destination)})`,
		'',
		`- As ${who}; ${server.commands} commands over one SSH connection, nothing written there.`,
		...(server.probe && server.target
			? [
					`- The server's own connect to ${code(`${server.target.address}:${server.target.port}`)}: **${server.probe.outcome}** (${server.probe.ms} ms)`,
				]
			: []),
		`- ${prose(server.verdict)}`,
		'',
	];
	if (server.error?.walk) {
		lines.push(
			`The SSH port itself refused; walk that refusal with: ${code(`refused ${server.error.walk.host}:${server.error.walk.port}`)}`,
			'',
		);
	}

	return [...lines, ...stepLines(server.steps, '### Server step')];
}

/** The cause and the other possible causes, or what the result is when none was named. */
function resultLines(report: Report): string[] {
	const {probe} = report;
	const lines: string[] = [];
	const [first, ...others] = report.causes;
	if (first) {
		const where = report.server?.host
			? `on this host and on ${report.server.host}`
			: 'on this host';
		lines.push(...causeSection(first, '## Cause:', where));
		if (others.length > 0) {
			lines.push('## Other possible causes', '');
			for (const [index, cause] of others.entries()) {
				lines.push(...causeSection(cause, `### ${index + 2}.`, where));
			}
		}
	} else if (probe.outcome === 'open') {
		lines.push(
			'## Result',
			'',
			'Nothing is wrong: the target accepted the connection, and no check found a problem.',
			'',
		);
	} else {
		const unknown = report.steps.filter(step => step.status === 'unknown');
		lines.push(
			'## Result',
			'',
			`The connection was not accepted (${probe.outcome}), but no cause could be named from here.${
				unknown.length > 0
					? ` ${unknown.length} step(s) could not tell; each says what to run by hand.`
					: ''
			}`,
			'',
		);
	}

	return lines;
}

/** The pasted error (--error): what the client saw, against the probe now. */
function reportedLines(report: Report): string[] {
	const reported = report.reported;
	if (!reported) {
		return [];
	}

	const changed =
		reported.changed === true ? ': **the situation changed**' : '';
	return [
		`- Pasted error (${cell(reported.client)}): ${code(reported.line)}`,
		`- The client saw: **${reported.outcome ?? 'not said'}**; now: **${reported.now ?? 'not probed'}**${changed}`,
	];
}

/** The report as markdown (for tickets, `echo | refused`, and the app's export), without a final newline. */
export function renderMarkdown(report: Report): string {
	const {target, probe} = report;
	const lines: string[] = [
		`# refused: ${prose(target.input)}`,
		'',
		`- Target: ${code(target.input)} (host ${code(target.host)}, port ${target.port}${target.scheme ? `, scheme ${prose(target.scheme)}` : ''})`,
		`- Outcome: **${probe.outcome}**${probe.address ? ` (first address ${code(probe.address)}, ${probe.ms} ms)` : ''}`,
		...reportedLines(report),
		`- Exit code: ${report.exitCode} (${report.exitCode === 0 ? 'no problem found' : 'a problem was found'})`,
		`- Tool: ${report.tool.name} ${report.tool.version}; every result below was measured on this host${report.server?.host ? ` and on ${prose(report.server.host)} over SSH` : ''}.`,
		'',
	];

	if (probe.addresses.length > 0) {
		lines.push(
			'## Connect to each address',
			'',
			'| Address | Family | From | Outcome | Time |',
			'| --- | --- | --- | --- | --- |',
			...probe.addresses.map(
				a =>
					`| ${code(a.address, true)} | IPv${a.family} | ${cell(a.source)} | ${a.outcome} | ${a.ms} ms |`,
			),
			'',
		);
	}

	lines.push(...resultLines(report));

	if (report.questions.length > 0) {
		lines.push(
			'## Questions',
			'',
			'| Question | Answer | How | Evidence |',
			'| --- | --- | --- | --- |',
		);
		for (const question of report.questions) {
			lines.push(
				`| ${cell(question.prompt)} | ${cell(question.answer ?? '(none)')} | ${answeredBy[question.by] ?? question.by} | ${cell(question.evidence ?? '')} |`,
			);
		}

		lines.push('');
	}

	if (report.steps.length > 0) {
		lines.push(
			report.server ? "## Steps on this host (the client's side)" : '## Steps',
			'',
			...stepLines(report.steps, '###'),
		);
	}

	if (report.server) {
		lines.push(...serverSection(report.server));
	}

	return lines.join('\n').trimEnd();
}

/** The app's export: the report, then the decision tree with the path of this diagnosis marked (report/chart.ts). */
export function renderMarkdownWithPath(
	report: Report,
	chart: readonly string[],
): string {
	return [
		renderMarkdown(report),
		'',
		'## The path on the decision tree',
		'',
		codeBlock(chart.join('\n')),
	].join('\n');
}
