/**
The screen's layout, computed from the state alone (pure): a header, the tree pane, the lower pane
(the cause card, the selected node's detail, the live step, help or the map), a notice and the
footer. Every pane is a list of rows cut to the width, so the heights are exact: the whole screen
is one row shorter than the terminal (Ink clears the screen when output fills it).
*/
import {plan} from '../engine/session.js';
import {renderChart} from '../report/chart.js';
import {buildReport} from '../report/model.js';
import {cut, cutRow, oneLine, wrapRows, type Row} from './rows.js';
import {causeCard, detailRows} from './select-detail.js';
import {
	checkKey,
	contextLine,
	limitMs,
	questionKey,
	seconds,
	treeContext,
	walkTree,
} from './select-tree.js';
import {
	serverDetail,
	serverExtras,
	serverFollowed,
	serverPending,
	shownReport,
} from './server-view.js';
import type {AppState} from './state.js';
import {
	asciiGlyphs,
	treeRows,
	unicodeGlyphs,
	type TreeNode,
} from './tree-rows.js';

export type Layout = {
	readonly header: Row;
	readonly tree: Row[];
	readonly treeHeight: number;
	/** Node keys of the tree, in order, and which of them fold. */
	readonly treeNodes: string[];
	readonly foldable: string[];
	/** The selected node: the user's, or the one the walk is at. */
	readonly cursor?: string;
	readonly lower: Row[];
	readonly lowerHeight: number;
	readonly lowerTotal: number;
	/** Card rows where each item (fix, other cause) starts. */
	readonly itemRows: number[];
	readonly notice: Row[];
	readonly footer: Row;
};

const spinners = {
	unicode: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
	ascii: ['-', '\\', '|', '/'],
};

const footers = {
	tree: 'q quit · ↑↓ move · enter open · tab fixes · c copy · ? learn · m map · b back · r rerun · e export · h help',
	lower:
		'q quit · ↑↓ fixes · PgUp/PgDn scroll · tab tree · c copy · ? learn · m map · b back · r rerun · e export · h help',
	ask: 'q quit · ↑↓ choose · enter answer · ? learn · m map · b back · h help',
};

function asciiFooter(text: string): string {
	return text.replaceAll(' · ', ' | ').replaceAll('↑↓', 'up/down');
}

export const helpText = [
	'Keys',
	'↑↓ or j/k: move in the tree (or through the fixes when they have focus)',
	'enter: unfold a branch, or open the detail of a step (command, output, evidence)',
	'tab: move focus between the tree and the fixes; Esc closes the detail',
	'PgUp/PgDn, Home/End: scroll the pane that has focus',
	'1-9: pick a choice or a fix',
	'c: copy the selected fix with OSC 52 (works through SSH; inside tmux it needs: set -g set-clipboard on)',
	'?: learn mode: why each step runs, what its command does, how to read it',
	'm: the map: the whole decision tree, with this diagnosis marked',
	'b: back, change your last answer (the tree regrows from there)',
	'r: rerun the walk (answers kept), to verify a fix',
	'e: write a markdown report to the current directory',
	'q: quit (Ctrl-C too); the tree and the cause stay in your scrollback',
];

function foldableKeys(node: TreeNode): string[] {
	const children = node.children ?? [];
	return [
		...(children.length > 0 && node.key !== 'root' ? [node.key] : []),
		...children.flatMap(child => foldableKeys(child)),
	];
}

/** The node the walk is at: the question being asked, the first running step, or the step that found the cause. */
function followed(state: AppState): string | undefined {
	const session = state.session!;
	const ask = plan(session).ask;
	if (ask) {
		return questionKey(ask.key);
	}

	const running = session.tree.checks.find(
		node => session.steps[node.id]?.state === 'running',
	);
	if (running) {
		return checkKey(running.id);
	}

	const fork = serverFollowed(state);
	if (fork) {
		return fork;
	}

	const cause = state.concluded ? buildReport(session).causes[0] : undefined;
	const found = session.tree.checks.findLast(node =>
		session.steps[node.id]?.result?.findings?.some(
			finding => finding.id === cause?.id,
		),
	);
	return found ? checkKey(found.id) : undefined;
}

function liveRows(state: AppState, width: number, spinner: string): Row[] {
	const session = state.session!;
	const rows: Row[] = [];
	for (const node of session.tree.checks) {
		const step = session.steps[node.id];
		if (step?.state !== 'running') {
			continue;
		}

		const elapsed = state.now - (state.startedAt[node.id] ?? state.now);
		rows.push(
			cutRow(
				[
					{text: `${spinner} `, tone: 'accent'},
					{text: node.title, bold: true},
					{
						text: ` ${seconds(Math.max(0, elapsed))} (limit ${seconds(limitMs(node, state.timeoutMs))})`,
						tone: 'muted',
					},
				],
				width,
			),
		);
		if (step.command) {
			rows.push([
				{text: cut(`  $ ${oneLine(step.command)}`, width), tone: 'muted'},
			]);
		}

		for (const line of step.lines.slice(-2)) {
			rows.push([{text: cut(`  │ ${oneLine(line)}`, width), tone: 'muted'}]);
		}
	}

	return rows;
}

function headerRow(state: AppState, width: number): Row {
	const session = state.session!;
	const end = state.walkEnd ?? state.now;
	const elapsed = seconds(Math.max(0, end - state.walkStart));
	const status = state.concluded ? `done in ${elapsed}` : `walking ${elapsed}`;
	const left = `refused ${oneLine(session.target.input)}`;
	const context = oneLine(contextLine(session));
	const right = context ? `${status} · ${context}` : status;
	const room = width - [...left].length - 2;
	const shown = cut(right, Math.max(0, room));
	return [
		{text: left, bold: true},
		{
			text: ' '.repeat(
				Math.max(1, width - [...left].length - [...shown].length),
			),
		},
		{text: shown, tone: 'muted'},
	];
}

type Lower = {
	rows: Row[];
	items: number[];
	essential: number;
	kind: 'card' | 'detail' | 'live' | 'full';
};

type LowerInput = {
	readonly width: number;
	readonly cursor: string | undefined;
	readonly spinner: string;
	readonly cardHeight?: number;
};

function lowerContent(state: AppState, input: LowerInput): Lower {
	const {width, cursor, spinner, cardHeight} = input;
	const session = state.session!;
	if (state.help) {
		return {
			rows: helpText.flatMap((line, index) =>
				wrapRows(line, width, index === 0 ? {bold: true} : {}),
			),
			items: [],
			essential: 0,
			kind: 'full',
		};
	}

	if (state.map) {
		const report = state.concluded ? buildReport(session) : undefined;
		return {
			rows: renderChart(session.tree, {
				width,
				session,
				concluded: report?.causes[0]?.id,
			})
				.split('\n')
				.map((line): Row => [
					{text: line, tone: line.includes('» ') ? undefined : 'muted'},
				]),
			items: [],
			essential: 0,
			kind: 'full',
		};
	}

	if (state.detail && cursor) {
		return {
			rows: [
				[{text: cut(`── detail ${'─'.repeat(width)}`, width), tone: 'accent'}],
				...(serverDetail(state, cursor, width) ??
					detailRows(session, cursor, {width, learn: state.learn})),
			],
			items: [],
			essential: 0,
			kind: 'detail',
		};
	}

	if (state.concluded) {
		const card = causeCard(shownReport({session, server: state.server}), {
			width,
			height: cardHeight,
			selected:
				state.focus === 'lower' ? state.fix : state.fix === 0 ? 0 : state.fix,
			unfolded: new Set(state.unfolded),
			ascii: false,
		});
		return {
			rows: card.rows,
			items: card.items,
			essential: card.essential,
			kind: 'card',
		};
	}

	const rows = liveRows(state, width, spinner);
	if (state.learn && cursor?.startsWith('check:')) {
		rows.push(...detailRows(session, cursor, {width, learn: true}).slice(-3));
	}

	return {rows, items: [], essential: 0, kind: 'live'};
}

/** The lower pane's content and height: the card keeps the cause and its first fix in view. */
function lowerPane(
	state: AppState,
	input: LowerInput,
	space: {body: number; full: boolean; treeTotal: number},
): {lower: Lower; lowerHeight: number} {
	const {body, treeTotal} = space;
	const first = lowerContent(state, input);
	if (space.full) {
		return {lower: first, lowerHeight: body};
	}

	if (first.kind === 'card') {
		// The cause and the first fix always; more of the card where the tree leaves room.
		const want = Math.max(
			first.essential,
			Math.floor(body * 0.45),
			body - treeTotal,
		);
		const height = Math.min(first.rows.length, Math.min(body - 2, want));
		const lower = lowerContent(state, {...input, cardHeight: height});
		return {lower, lowerHeight: Math.min(lower.rows.length, height)};
	}

	if (first.kind === 'detail') {
		return {
			lower: first,
			lowerHeight: Math.min(
				first.rows.length,
				body - Math.min(treeTotal, Math.max(3, Math.floor(body * 0.4))),
			),
		};
	}

	return {
		lower: first,
		lowerHeight: Math.min(
			first.rows.length,
			Math.max(body - treeTotal, Math.min(first.rows.length, 4)),
		),
	};
}

/** The last row to keep in view for a selected row: its open subtree too, as far as the pane allows. */
function subtreeEnd(
	drawn: {keys: string[]; depths: number[]},
	row: number,
	height: number,
): number {
	if (row < 0) {
		return 0;
	}

	let end = row;
	while (
		end + 1 < drawn.keys.length &&
		(drawn.keys[end + 1] === drawn.keys[row] ||
			drawn.depths[end + 1]! > drawn.depths[row]!)
	) {
		end++;
	}

	return Math.min(end, row + Math.max(0, height - 1));
}

/** The layout of the walk screen for a state (ascii picks the glyphs only: widths are the same). */
export function layout(state: AppState, ascii = false): Layout {
	const width = Math.max(20, state.columns);
	const glyphs = ascii ? asciiGlyphs : unicodeGlyphs;
	const frames = ascii ? spinners.ascii : spinners.unicode;
	const spinner = frames[Math.floor(state.now / 100) % frames.length]!;
	const session = state.session!;
	const root = walkTree(treeContext(state, session, serverExtras(state)));
	const toggled = new Set(state.toggled);
	const cursorCandidate = state.cursor ?? followed(state);
	const probe = treeRows(root, {
		width,
		glyphs,
		spinner,
		toggled,
		hideRoot: true,
	});
	const cursor =
		cursorCandidate && probe.nodes.includes(cursorCandidate)
			? cursorCandidate
			: state.cursor
				? probe.nodes[0]
				: undefined;
	const drawn = treeRows(root, {
		width,
		glyphs,
		spinner,
		toggled,
		hideRoot: true,
		selected: state.cursor ? cursor : undefined,
	});
	const notice = state.notice
		? wrapRows(state.notice, width, {tone: 'note'}).slice(0, 3)
		: [];
	const body = Math.max(4, state.rows - 1 - 2 - notice.length);
	const full = state.help || state.map;
	const input: LowerInput = {width, cursor, spinner};
	const {lower, lowerHeight} = lowerPane(state, input, {
		body,
		full,
		treeTotal: drawn.rows.length,
	});
	const treeHeight = full ? 0 : Math.max(0, body - lowerHeight);
	const focusKey = cursor ?? followed(state);
	const focusRow = focusKey
		? subtreeEnd(drawn, drawn.keys.indexOf(focusKey), treeHeight)
		: 0;
	const treeTop = focusRow < treeHeight ? 0 : focusRow - treeHeight + 1;
	const maxTop = Math.max(0, lower.rows.length - lowerHeight);
	const lowerTop = Math.min(state.lowerTop, maxTop);
	const footerText =
		(plan(session).ask !== undefined || serverPending(state)) &&
		state.focus === 'tree'
			? footers.ask
			: footers[state.focus];
	return {
		header: headerRow(state, width),
		tree: drawn.rows.slice(treeTop, treeTop + treeHeight),
		treeHeight,
		treeNodes: drawn.nodes,
		foldable: foldableKeys(root),
		cursor,
		lower: lower.rows.slice(lowerTop, lowerTop + lowerHeight),
		lowerHeight,
		lowerTotal: lower.rows.length,
		itemRows: lower.items,
		notice,
		footer: [
			{
				text: cut(ascii ? asciiFooter(footerText) : footerText, width, ascii),
				tone: 'muted',
			},
		],
	};
}
