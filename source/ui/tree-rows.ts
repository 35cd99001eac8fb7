/**
A generic tree, drawn as rows: one line per node (mark, label, one-line verdict), box-drawing
guides with an ASCII fallback, folded nodes on one line, an inline question with its choices.
It knows nothing of checks or causes: the selectors build the nodes.
*/
import {cutRow, oneLine, type Row, type Segment, type Tone} from './rows.js';

export type TreeMark =
	| 'passed'
	| 'problem'
	| 'unknown'
	| 'skipped'
	| 'running'
	| 'waiting'
	| 'ask'
	| 'answer'
	| 'root';

export type TreeNode = {
	readonly key: string;
	readonly mark: TreeMark;
	readonly label: string;
	readonly verdict: string;
	readonly children?: readonly TreeNode[];
	/** Open unless the user toggled it: false for what is folded at first. */
	readonly open?: boolean;
	/** An inline question: its choices, and the highlighted one. */
	readonly choices?: readonly string[];
	readonly chosen?: number;
	/** One line under the node (why a question is asked). */
	readonly note?: string;
	/** On the path of this diagnosis (the chart marks it). */
	readonly onPath?: boolean;
};

export type TreeGlyphs = {
	readonly tee: string;
	readonly last: string;
	readonly pipe: string;
	readonly space: string;
	readonly pointer: string;
	readonly folded: string;
	readonly marks: Readonly<Record<Exclude<TreeMark, 'running'>, string>>;
};

export const unicodeGlyphs: TreeGlyphs = {
	tee: '├─ ',
	last: '└─ ',
	pipe: '│  ',
	space: '   ',
	pointer: '❯',
	folded: '▸',
	marks: {
		passed: '✔',
		problem: '✖',
		unknown: '?',
		skipped: '·',
		waiting: '·',
		ask: '?',
		answer: '↳',
		root: '●',
	},
};

export const asciiGlyphs: TreeGlyphs = {
	tee: '|- ',
	last: '`- ',
	pipe: '|  ',
	space: '   ',
	pointer: '>',
	folded: '>',
	marks: {
		passed: '+',
		problem: 'x',
		unknown: '?',
		skipped: '.',
		waiting: '.',
		ask: '?',
		answer: '=',
		root: '*',
	},
};

const markTones: Partial<Record<TreeMark, Tone>> = {
	passed: 'passed',
	problem: 'problem',
	unknown: 'unknown',
	skipped: 'muted',
	waiting: 'muted',
	running: 'accent',
	ask: 'accent',
	answer: 'accent',
};

export type TreeRowsOptions = {
	readonly width: number;
	readonly glyphs: TreeGlyphs;
	/** The spinner frame drawn for running nodes. */
	readonly spinner: string;
	/** The selected node's key, when the tree has focus or a selection. */
	readonly selected?: string;
	/** Keys whose open state the user flipped. */
	readonly toggled: ReadonlySet<string>;
	/** Leave the root's own line out (the screen's header shows it). */
	readonly hideRoot?: boolean;
};

export type TreeRows = {
	readonly rows: Row[];
	/** The node key of each row (a choice or note row carries its node's key). */
	readonly keys: string[];
	/** Keys of the node rows, in order: what ↑↓ moves over. */
	readonly nodes: string[];
	/** The depth of each row (a choice or note row: its node's depth plus one). */
	readonly depths: number[];
};

export const isOpen = (node: TreeNode, toggled: ReadonlySet<string>) =>
	(node.open ?? true) !== toggled.has(node.key);

function labelWidth(siblings: readonly TreeNode[]): number {
	return Math.min(
		16,
		Math.max(0, ...siblings.map(node => [...node.label].length)),
	);
}

function nodeRow(
	node: TreeNode,
	prefix: string,
	pad: number,
	options: TreeRowsOptions,
): Row {
	const {glyphs} = options;
	const isSelected = options.selected === node.key;
	const hasChildren = (node.children?.length ?? 0) > 0;
	const folded = hasChildren && !isOpen(node, options.toggled);
	const mark =
		node.mark === 'running' ? options.spinner : glyphs.marks[node.mark];
	const segments: Segment[] = [
		{text: isSelected ? glyphs.pointer : ' ', tone: 'accent'},
		{text: prefix, tone: 'muted'},
		folded
			? {text: `${glyphs.folded} `, tone: 'muted'}
			: {text: `${mark} `, tone: markTones[node.mark]},
		{
			text: oneLine(node.label).padEnd(pad),
			bold: node.mark !== 'skipped',
			inverse: isSelected,
		},
		{text: ' '},
		{
			text: oneLine(node.verdict),
			tone: node.mark === 'skipped' ? 'muted' : undefined,
		},
	];
	return cutRow(segments, options.width, glyphs === asciiGlyphs);
}

/** The rows of a tree: the root on the first line, then its children with guides. */
export function treeRows(root: TreeNode, options: TreeRowsOptions): TreeRows {
	const result: TreeRows = {rows: [], keys: [], nodes: [], depths: []};
	let depth = 0;
	const add = (row: Row, key: string, isNode: boolean) => {
		result.rows.push(row);
		result.keys.push(key);
		result.depths.push(isNode ? depth : depth + 1);
		if (isNode) {
			result.nodes.push(key);
		}
	};

	const visit = (
		node: TreeNode,
		prefix: string,
		childPrefix: string,
		pad: number,
	) => {
		if (node !== root || !options.hideRoot) {
			add(nodeRow(node, prefix, pad, options), node.key, true);
		}

		const extra = (text: string, tone: Tone, pointer = ' ') => {
			add(
				cutRow(
					[
						{text: pointer, tone: 'accent'},
						{text: `${childPrefix}  `, tone: 'muted'},
						{text, tone},
					],
					options.width,
				),
				node.key,
				false,
			);
		};

		if (node.note) {
			extra(node.note, 'muted');
		}

		for (const [index, choice] of (node.choices ?? []).entries()) {
			const chosen = index === node.chosen;
			extra(
				`${chosen ? options.glyphs.pointer : ' '} ${index + 1}. ${choice}`,
				chosen ? 'accent' : 'note',
			);
		}

		if (!isOpen(node, options.toggled)) {
			return;
		}

		const children = node.children ?? [];
		const width = labelWidth(children);
		for (const [index, child] of children.entries()) {
			const isLast = index === children.length - 1;
			depth++;
			visit(
				child,
				childPrefix + (isLast ? options.glyphs.last : options.glyphs.tee),
				childPrefix + (isLast ? options.glyphs.space : options.glyphs.pipe),
				width,
			);
			depth--;
		}
	};

	visit(root, '', '', 0);
	return result;
}
