/**
Selectors for the lower pane: the detail of the selected node (the command run, its output lines,
the evidence, and in learn mode why it runs and how to read it), and the cause card that ends the
path (what is wrong, what it means, the evidence, the numbered fixes, the other causes folded).
*/
import {factsOf, type Session} from '../engine/session.js';
import type {Report, ReportCause} from '../report/model.js';
import {shape as defaultShape, type BranchItem} from '../tree/shape.js';
import type {CheckNode, Finding} from '../tree/types.js';
import {explainCommand} from './commands.js';
import {handshakeLines} from './learn.js';
import {
	cut,
	cutRow,
	oneLine,
	wrapRows,
	type Row,
	type Segment,
} from './rows.js';

export type CardOptions = {
	readonly width: number;
	/** Rows the pane has: the first fix must fit in them (undefined: everything, for the scrollback). */
	readonly height?: number;
	/** The highlighted item: fixes first, then the other causes. */
	readonly selected?: number;
	readonly unfolded: ReadonlySet<string>;
	readonly ascii: boolean;
};

export type Card = {
	readonly rows: Row[];
	/** Row index where each selectable item (fix, then other cause) starts. */
	readonly items: number[];
	readonly fixes: number;
	/** Rows up to the end of the first fix: what must be visible when the walk ends. */
	readonly essential: number;
};

const rule = (title: string, width: number, ascii: boolean): Row => {
	const line = ascii ? '-' : '─';
	const text = `${line.repeat(2)} ${title} `;
	return [
		{
			text: text + line.repeat(Math.max(0, width - [...text].length)),
			tone: 'problem',
			bold: true,
		},
	];
};

function fixRows(
	cause: ReportCause,
	options: CardOptions,
	first: number,
	indent: string,
): {rows: Row[]; starts: number[]} {
	const rows: Row[] = [];
	const starts: number[] = [];
	const pointer = options.ascii ? '>' : '❯';
	for (const [index, fix] of cause.fixes.entries()) {
		const isSelected = options.selected === first + index;
		starts.push(rows.length);
		const number = `${index + 1}.`.padEnd(3);
		const head = `${indent}${isSelected ? pointer : ' '} ${number}`;
		const command = wrapRows(
			fix.command,
			options.width,
			{tone: 'fix', bold: isSelected},
			' '.repeat([...head].length),
		);
		command[0] = [{text: head, tone: 'accent'}, ...command[0]!.slice(1)];
		rows.push(...command);
		const why = fix.why + (fix.undo ? ` Undo: ${fix.undo}` : '');
		const whyRows = wrapRows(
			why,
			options.width,
			{tone: 'muted'},
			' '.repeat([...head].length),
		);
		rows.push(
			...(options.height === undefined
				? whyRows
				: clampRows(whyRows, 1, options.width, options.ascii)),
		);
	}

	return {rows, starts};
}

/** At most `count` rows; the last one kept ends with an ellipsis when rows were dropped. */
function clampRows(
	rows: Row[],
	count: number,
	width: number,
	ascii: boolean,
): Row[] {
	if (rows.length <= count) {
		return rows;
	}

	const kept = rows.slice(0, count);
	const last = kept.at(-1) ?? [];
	kept[kept.length - 1] = cutRow(
		[...last, {text: ascii ? ' ~' : ' …'}],
		width,
		ascii,
	);
	return kept;
}

function trimmed(rows: Row[], room: number, what: string): Row[] {
	if (rows.length <= room) {
		return rows;
	}

	if (room <= 0) {
		return [];
	}

	// One row: the first line itself says more than a count of what is hidden.
	if (room === 1) {
		return rows.slice(0, 1);
	}

	return [
		...rows.slice(0, room - 1),
		[
			{
				text: `… ${rows.length - room + 1} more ${what}: enter on a step shows them`,
				tone: 'muted',
			},
		],
	];
}

function noCause(report: Report, options: CardOptions): Card {
	const {width} = options;
	if (report.probe.outcome === 'open') {
		const where = report.probe.address
			? ` (${report.probe.address}, ${report.probe.ms} ms)`
			: '';
		return {
			rows: [
				rule('Nothing is wrong', width, options.ascii),
				...wrapRows(
					`${report.target.input} accepted the connection${where}. If a client still fails, compare its target with this one (name, port, IPv4 or IPv6).`,
					width,
				),
			],
			items: [],
			fixes: 0,
			essential: 3,
		};
	}

	const unknown = report.steps.filter(step => step.status === 'unknown');
	return {
		rows: [
			rule(`No cause named (${report.probe.outcome})`, width, options.ascii),
			...wrapRows(
				`No cause could be named from here. ${unknown.length > 0 ? 'Could not tell, with what to run by hand:' : ''}`,
				width,
			),
			...unknown.flatMap(step =>
				wrapRows(`${step.title}: ${step.detail}`, width, {}, '  '),
			),
		],
		items: [],
		fixes: 0,
		essential: 4,
	};
}

/** The cause card: the most likely cause, its evidence and numbered fixes, then the others folded. */
export function causeCard(report: Report, options: CardOptions): Card {
	const [first, ...others] = report.causes;
	if (!first) {
		return noCause(report, options);
	}

	const {width, height} = options;
	const head: Row[] = [
		rule(`Cause: ${first.id} (${first.confidence})`, width, options.ascii),
		...wrapRows(first.summary, width, {bold: true}),
	];
	const meaning = wrapRows(
		`What it means: ${first.explanation || first.title}`,
		width,
	);
	const evidence: Row[] = first.evidence.map(line => [
		{text: options.ascii ? '| ' : '│ ', tone: 'muted'},
		{text: cut(oneLine(line), width - 2, options.ascii), tone: 'muted'},
	]);
	const fixes = fixRows(first, options, 0, '');
	const fixesHead: Row[] =
		first.fixes.length > 0
			? [[{text: 'Fixes (shown, never run for you)', bold: true}]]
			: [[{text: 'No fix to show: see the evidence.', tone: 'muted'}]];
	let shownHead = head;
	let shownMeaning = meaning;
	let shownEvidence = evidence;
	if (height !== undefined) {
		// Tight: the summary in two rows, the meaning in one, the evidence in what is left before the first fix.
		shownHead = clampRows(head, 3, width, options.ascii);
		const firstFix =
			fixes.starts.length > 1 ? fixes.starts[1]! : fixes.rows.length;
		let room = height - shownHead.length - fixesHead.length - firstFix;
		shownMeaning = room >= 2 ? clampRows(meaning, 1, width, options.ascii) : [];
		room -= shownMeaning.length;
		shownEvidence = trimmed(evidence, Math.max(0, room), 'evidence lines');
	}

	const rows: Row[] = [
		...shownHead,
		...shownMeaning,
		...shownEvidence,
		...fixesHead,
	];
	const items = fixes.starts.map(start => start + rows.length);
	// The rule, the summary (two rows), the fixes heading and the whole first fix (its why in one row).
	const firstFixRows = Math.min(
		fixes.starts.length > 1 ? fixes.starts[1]! : fixes.rows.length,
		wrapRows(first.fixes[0]?.command ?? '', width, {}, '      ').length + 1,
	);
	const essential = Math.min(head.length, 3) + fixesHead.length + firstFixRows;
	rows.push(...fixes.rows);
	if (others.length > 0) {
		rows.push([{text: 'Other possible causes', bold: true}]);
	}

	for (const [index, cause] of others.entries()) {
		items.push(rows.length);
		rows.push(...otherCauseRows(cause, first.fixes.length + index, options));
	}

	return {rows, items, fixes: first.fixes.length, essential};
}

/** Another possible cause: one line, or unfolded to its summary, evidence and fixes. */
function otherCauseRows(
	cause: ReportCause,
	item: number,
	options: CardOptions,
): Row[] {
	const {ascii, width} = options;
	const isSelected = options.selected === item;
	const isOpen = options.unfolded.has(cause.id);
	const fold = ascii ? (isOpen ? '-' : '+') : isOpen ? '▾' : '▸';
	const head: Segment[] = [
		{text: isSelected ? (ascii ? '>' : '❯') : ' ', tone: 'accent'},
		{text: fold, tone: 'muted'},
		{text: ` ${cause.id} (${cause.confidence}): `, bold: isSelected},
		{text: oneLine(cause.summary)},
	];
	if (!isOpen) {
		return [head];
	}

	return [
		head.slice(0, 3),
		...wrapRows(cause.summary, width, {}, '   '),
		...cause.evidence.map((line): Row => [
			{text: `   ${ascii ? '|' : '│'} ${oneLine(line)}`, tone: 'muted'},
		]),
		...fixRows(cause, {...options, selected: undefined}, 0, '  ').rows,
	];
}

export type DetailOptions = {
	readonly width: number;
	readonly learn: boolean;
};

function learnRows(
	session: Session,
	node: CheckNode,
	command: string | undefined,
	width: number,
): Row[] {
	const rows = wrapRows(`Why: ${node.why}`, width, {tone: 'learn'});
	const does = explainCommand(command);
	if (does) {
		rows.push(...wrapRows(`The command: ${does}`, width, {tone: 'learn'}));
	}

	rows.push(...wrapRows(`Reading it: ${node.read}`, width, {tone: 'learn'}));
	const probe = session.steps[node.id]?.result?.facts?.probe;
	if (probe) {
		rows.push([
			{text: 'How the TCP handshake went:', tone: 'learn', bold: true},
		]);
		for (const line of handshakeLines(probe, session.target.port)) {
			rows.push(...wrapRows(`• ${line}`, width, {tone: 'learn'}));
		}
	}

	return rows;
}

function findingRows(findings: readonly Finding[], width: number): Row[] {
	return findings.flatMap(finding => [
		...wrapRows(
			`finding ${finding.id} (${finding.confidence}): ${finding.summary}`,
			width,
			{tone: 'problem'},
		),
		...finding.evidence.flatMap(line =>
			wrapRows(`│ ${line}`, width, {tone: 'muted'}, '  '),
		),
	]);
}

function checkDetail(
	session: Session,
	id: string,
	options: DetailOptions,
): Row[] {
	const {width} = options;
	const node = session.tree.checks.find(check => check.id === id);
	if (!node) {
		return [];
	}

	const step = session.steps[id];
	const result = step?.result;
	const status: Row[] = result
		? wrapRows(`${result.status}: ${result.detail}`, width, {
				tone: result.status === 'skipped' ? 'muted' : undefined,
			})
		: [[{text: step ? 'running' : 'waiting', tone: 'muted'}]];
	const command = result?.command ?? step?.command;
	const output = result?.output ?? step?.lines ?? [];
	return [
		[{text: node.title, bold: true}],
		...status,
		...(command ? wrapRows(`$ ${command}`, width, {tone: 'muted'}) : []),
		...output.map((line): Row => [
			{text: cut(`│ ${oneLine(line)}`, width), tone: 'muted'},
		]),
		...findingRows(result?.findings ?? [], width),
		...(options.learn
			? learnRows(session, node, command, width)
			: [
					[
						{
							text: '? learn mode: why this step runs and how to read it',
							tone: 'muted',
						},
					] satisfies Row,
				]),
	];
}

function questionDetail(session: Session, key: string, width: number): Row[] {
	const question = session.tree.questions.find(q => q.key === key);
	if (!question) {
		return [];
	}

	const record = session.answers[question.key];
	const evidence = record?.evidence ? `. Evidence: ${record.evidence}` : '';
	return [
		[{text: question.prompt, bold: true}],
		...wrapRows(`Why I ask: ${question.why}`, width, {tone: 'learn'}),
		...(record
			? wrapRows(
					`Answer: ${record.value ?? '(none)'} (${record.by})${evidence}`,
					width,
				)
			: []),
	];
}

function itemLine(session: Session, item: BranchItem): string {
	if (item.kind === 'check') {
		const step = session.steps[item.id]?.result;
		return `${item.id}: ${step?.status ?? 'not run'}: ${step?.detail ?? ''}`;
	}

	const record = session.answers[item.key];
	return `${item.key}?: ${record ? `answered ${record.value ?? '(none)'}` : 'not asked'}`;
}

function branchDetail(session: Session, id: string, width: number): Row[] {
	const branch = defaultShape.branches.find(b => b.id === id);
	return [
		[{text: branch?.label ?? id, bold: true}],
		...wrapRows(`Taken when ${branch?.when ?? 'its steps apply'}.`, width, {
			tone: 'learn',
		}),
		...(branch?.items ?? []).flatMap(item =>
			wrapRows(itemLine(session, item), width, {}, '  '),
		),
	];
}

/** The detail of the node a key names (check:ID, question:KEY, branch:ID, root). */
export function detailRows(
	session: Session,
	key: string,
	options: DetailOptions,
): Row[] {
	const [kind, id = ''] = key.split(/:(.*)/s) as [string, string?];
	const {width} = options;
	switch (kind) {
		case 'check': {
			return checkDetail(session, id, options);
		}

		case 'question': {
			return questionDetail(session, id, width);
		}

		case 'branch': {
			return branchDetail(session, id, width);
		}

		default: {
			const probe = factsOf(session).probe;
			return [
				[{text: `Target ${session.target.input}`, bold: true}],
				...(probe?.addresses ?? []).map((address): Row => [
					{
						text: `  ${address.address} (IPv${address.family}, ${address.source}): ${address.outcome} in ${address.ms} ms`,
					},
				]),
			];
		}
	}
}
