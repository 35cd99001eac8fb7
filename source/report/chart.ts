/**
`refused --tree`: the whole decision tree as a text chart that fits 80 columns, drawn from the same
data the app walks (tree/shape.ts, the checks of tree/nodes, the questions, the cause registry).
With a session, the path of this diagnosis is marked on it: the steps that ran, the answers given,
the branches ruled out and the cause concluded.
*/
import type {Session} from '../engine/session.js';
import {
	shape as defaultShape,
	unplacedChecks,
	type Branch,
	type TreeShape,
} from '../tree/shape.js';
import type {CauseNode, CheckNode, QuestionNode, Tree} from '../tree/types.js';
import {visible} from '../text/sanitize.js';

export type ChartOptions = {
	readonly width?: number;
	readonly ascii?: boolean;
	readonly shape?: TreeShape;
	/** Mark the path of this diagnosis. */
	readonly session?: Session;
	/** The cause this diagnosis concluded (the report's first). */
	readonly concluded?: string;
};

type Glyphs = {
	tee: string;
	last: string;
	pipe: string;
	space: string;
	mark: string;
	cause: string;
	ask: string;
};

const unicode: Glyphs = {
	tee: '├─ ',
	last: '└─ ',
	pipe: '│  ',
	space: '   ',
	mark: '» ',
	cause: '⇒ ',
	ask: '? ',
};
const ascii: Glyphs = {
	tee: '|- ',
	last: '`- ',
	pipe: '|  ',
	space: '   ',
	mark: '> ',
	cause: '=> ',
	ask: '? ',
};

/** Which causes a check may conclude, from the cause registry's `concludedBy`. */
export function causesConcludedBy(tree: Tree, checkId: string): CauseNode[] {
	return tree.causes.filter(cause => cause.concludedBy.includes(checkId));
}

/** Wrap `text` to `width`, the first line after `first`, the others after `rest`. */
function wrapWith(
	first: string,
	rest: string,
	text: string,
	width: number,
): string[] {
	const lines: string[] = [];
	let prefix = first;
	let line = '';
	const room = () => width - [...prefix].length;
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const candidate = line === '' ? word : `${line} ${word}`;
		if ([...candidate].length <= room() || line === '') {
			line =
				[...candidate].length <= room()
					? candidate
					: [...candidate].slice(0, room()).join('');
			continue;
		}

		lines.push(prefix + line);
		prefix = rest;
		line =
			[...word].length <= room() ? word : [...word].slice(0, room()).join('');
	}

	lines.push(prefix + line);
	return lines;
}

type Path = {
	readonly ran: ReadonlySet<string>;
	readonly skipped: ReadonlyMap<string, string>;
	readonly answers: ReadonlyMap<string, string>;
	readonly concluded?: string;
};

function pathOf(
	session: Session | undefined,
	concluded?: string,
): Path | undefined {
	if (!session) {
		return undefined;
	}

	const ran = new Set<string>();
	const skipped = new Map<string, string>();
	for (const [id, step] of Object.entries(session.steps)) {
		if (step.result?.status === 'skipped') {
			skipped.set(id, step.result.detail);
		} else if (step.result) {
			ran.add(id);
		}
	}

	const answers = new Map<string, string>();
	for (const question of session.tree.questions) {
		const record = session.answers[question.key];
		if (record) {
			const label =
				question.choices.find(choice => choice.value === record.value)?.label ??
				record.value ??
				'not answered';
			answers.set(question.key, `${label} (${record.by})`);
		}
	}

	return {ran, skipped, answers, concluded};
}

class Chart {
	readonly lines: string[] = [];
	readonly tree: Tree;
	readonly glyphs: Glyphs;
	readonly width: number;
	readonly path: Path | undefined;
	constructor(
		tree: Tree,
		glyphs: Glyphs,
		width: number,
		path: Path | undefined,
	) {
		this.tree = tree;
		this.glyphs = glyphs;
		this.width = width;
		this.path = path;
	}

	/** One entry: a node line (with its guide), then continuation lines under it. */
	add(onPath: boolean, guide: string, under: string, text: string) {
		const mark = this.path ? (onPath ? this.glyphs.mark : '  ') : '';
		const pad = ' '.repeat([...mark].length);
		const wrapped = wrapWith(
			mark + guide,
			pad + under,
			visible(text, {oneLine: true}),
			this.width,
		);
		this.lines.push(...wrapped);
	}

	check(node: CheckNode, guide: string, under: string) {
		const ran = this.path?.ran.has(node.id) ?? false;
		const skipped = this.path?.skipped.get(node.id);
		this.add(ran, guide, under, `${node.id}: ${node.title}`);
		const causes = causesConcludedBy(this.tree, node.id).map(cause =>
			cause.id === this.path?.concluded
				? `${cause.id} (this diagnosis)`
				: cause.id,
		);
		if (causes.length > 0) {
			const concluded = causes.some(cause =>
				cause.endsWith('(this diagnosis)'),
			);
			this.add(
				concluded,
				under,
				`${under}   `,
				`${this.glyphs.cause}${causes.join(', ')}`,
			);
		}

		if (skipped !== undefined && this.path) {
			this.add(false, under, `${under}  `, `(not this time: ${skipped})`);
		}
	}

	branch(branch: Branch, isLast: boolean) {
		const {glyphs, path} = this;
		const guide = glyphs.space + (isLast ? glyphs.last : glyphs.tee);
		const under = glyphs.space + (isLast ? glyphs.space : glyphs.pipe);
		const taken = branch.items.some(item =>
			item.kind === 'check'
				? path?.ran.has(item.id)
				: path?.answers.has(item.key),
		);
		this.add(taken, guide, under, `${branch.label}: when ${branch.when}`);
		for (const [position, item] of branch.items.entries()) {
			const itemLast = position === branch.items.length - 1;
			const itemGuide = under + (itemLast ? glyphs.last : glyphs.tee);
			const itemUnder = under + (itemLast ? glyphs.space : glyphs.pipe);
			if (item.kind === 'check') {
				const node = this.tree.checks.find(check => check.id === item.id);
				if (node) {
					this.check(node, itemGuide, itemUnder);
				}

				continue;
			}

			const question = this.tree.questions.find(q => q.key === item.key);
			if (question) {
				this.question(question, itemGuide, itemUnder);
			}
		}
	}

	question(question: QuestionNode, guide: string, under: string) {
		const answer = this.path?.answers.get(question.key);
		this.add(
			answer !== undefined,
			guide,
			under,
			`${this.glyphs.ask}${question.key}: ${question.prompt} (${question.choices.map(choice => choice.label).join(' / ')})`,
		);
		this.add(false, under, under, `asked when: ${question.why}`);
		if (answer !== undefined) {
			this.add(true, under, under, `answer: ${answer}`);
		}
	}
}

/** The chart's lines. */
export function treeChart(tree: Tree, options: ChartOptions = {}): string[] {
	const shape = options.shape ?? defaultShape;
	const glyphs = options.ascii ? ascii : unicode;
	const width = options.width ?? 80;
	const path = pathOf(options.session, options.concluded);
	const chart = new Chart(tree, glyphs, width, path);
	const byId = new Map(tree.checks.map(node => [node.id, node]));
	const target = options.session?.target.input ?? 'TARGET';
	chart.add(true, '', '', `${target}`);
	const context = byId.get(shape.context);
	if (context) {
		chart.check(context, glyphs.tee, glyphs.pipe);
	}

	for (const step of shape.trunk) {
		const node = byId.get(step.check);
		if (node) {
			chart.check(node, glyphs.tee, glyphs.pipe);
		}
	}

	chart.add(true, glyphs.last, glyphs.space, `${shape.fork}`);
	const branches = [...shape.branches];
	const unplaced = unplacedChecks(shape, tree);
	if (unplaced.length > 0) {
		branches.push({
			id: 'other',
			label: 'other steps',
			when: 'they apply',
			items: unplaced.map(node => ({kind: 'check', id: node.id})),
		});
	}

	for (const [index, branch] of branches.entries()) {
		chart.branch(branch, index === branches.length - 1);
	}

	const placed = new Set(
		tree.checks.flatMap(node =>
			causesConcludedBy(tree, node.id).map(cause => cause.id),
		),
	);
	const loose = tree.causes.filter(cause => !placed.has(cause.id));
	if (loose.length > 0) {
		chart.lines.push('');
		chart.add(false, '', '', 'Causes the walk can end on:');
		for (const cause of loose) {
			chart.add(
				cause.id === path?.concluded,
				`  ${glyphs.cause}`,
				'     ',
				`${cause.id}${cause.id === path?.concluded ? ' (this diagnosis)' : ''}: ${cause.title}`,
			);
		}
	}

	return chart.lines;
}

/** The chart as one text, with a legend. */
export function renderChart(tree: Tree, options: ChartOptions = {}): string {
	const glyphs = options.ascii ? ascii : unicode;
	const legend = options.session
		? `${glyphs.mark.trim()} marks the path of this diagnosis; ${glyphs.cause.trim()} the causes a step can conclude.`
		: `${glyphs.cause.trim()} the causes a step can conclude; ? a question the walk asks when it cannot measure.`;
	return [
		'refused: the decision tree',
		...wrapWith('', '', legend, options.width ?? 80),
		'',
		...treeChart(tree, options),
	].join('\n');
}
