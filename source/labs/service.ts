/**
The labs as the lab screens use them (structurally the screens' LabServices): one running lab at
a time, its diagnosis read from this CLI's --json report, progress recorded.
*/
import {causeRegistry} from '../tree/causes.js';
import {shape} from '../tree/shape.js';
import {catalogue, labById} from './catalogue.js';
import {
	checkVictory,
	diagnoseLab,
	isRoot,
	startLab,
	stopLab,
	type RunningLab,
} from './lifecycle.js';
import {labState} from './command.js';
import {loadProgress, recordTry} from './progress.js';
import {learned, maxOf, scorePlay, type Play} from './score.js';

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] =>
	Array.isArray(value) ? (value as Json[]) : [];
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The fork the guided mode asks about: where will the tree find the problem? */
export const branchChoices = () => [
	...shape.branches
		.filter(branch => branch.id !== 'pasted-error')
		.map(branch => ({value: branch.id, label: branch.label})),
	{value: 'none', label: 'nowhere: the tree finds no problem'},
];

/** The branch holding the first step with a problem after the trunk (none: no problem found). */
function problemBranch(steps: Json[]): string {
	const trunk = new Set([
		shape.context,
		...shape.trunk.map(step => step.check),
	]);
	const first = steps.find(
		step => step['status'] === 'problem' && !trunk.has(text(step['id'])),
	);
	const branch = shape.branches.find(candidate =>
		candidate.items.some(
			item => item.kind === 'check' && item.id === text(first?.['id']),
		),
	);
	return branch?.id ?? 'none';
}

/** The report's path and causes (the --json contract), as the screens show them. */
export function viewOfReport(report: unknown) {
	if (typeof report !== 'object' || report === null) {
		return undefined;
	}

	const data = report as Json;
	return {
		probe: text((data['probe'] as Json | undefined)?.['outcome']),
		branch: problemBranch(list(data['steps'])),
		steps: list(data['steps'])
			.filter(step => step['status'] !== 'skipped')
			.map(step => ({
				title: text(step['title']),
				status: text(step['status']),
				detail: text(step['detail']),
			})),
		causes: list(data['causes']).map(cause => ({
			id: text(cause['id']),
			title: text(cause['title']),
			summary: text(cause['summary']),
			explanation: text(cause['explanation']),
			fixes: list(cause['fixes']).map(fix => text(fix['command'])),
		})),
	};
}

const titleOf = (id: string) =>
	(causeRegistry as Record<string, {title: string} | undefined>)[id]?.title ??
	id;

export function labServices(cliPath: string) {
	const state = labState();
	let running: RunningLab | undefined;
	let stopping: Promise<void> = Promise.resolve();
	return {
		list() {
			const progress = loadProgress(state);
			const root = isRoot();
			return catalogue.map(lab => {
				const done = progress[lab.id];
				const note =
					lab.root && !root
						? 'needs root'
						: done
							? `best ${done.best}/${done.max}`
							: undefined;
				return {
					id: lab.id,
					title: lab.title,
					mode: lab.mode,
					available: !lab.root || root,
					...(note ? {note} : {}),
				};
			});
		},
		async start(id: string) {
			const lab = labById(id);
			if (!lab) {
				throw new Error(`no lab ${id}`);
			}

			running = await startLab(state, lab, catalogue.indexOf(lab));
			return {
				id,
				title: lab.title,
				goal: running.situation.goal,
				target: running.situation.target,
				shell: running.situation.shell,
				fix: running.situation.fix,
				lesson: lab.lesson,
				folder: running.folder,
			};
		},
		async diagnose() {
			return running
				? viewOfReport(await diagnoseLab(running, cliPath))
				: undefined;
		},
		async victory() {
			return running
				? checkVictory(running)
				: {ok: false, output: 'no lab is running'};
		},
		/** Tear the running lab down; callers at the same time share one teardown. */
		async stop() {
			const current = running;
			running = undefined;
			if (current) {
				stopping = stopLab(current);
			}

			await stopping;
		},
		branchChoices,
		causeChoices(id: string) {
			const own = labById(id)?.cause ?? 'no-listener';
			const others = [
				'no-listener',
				'firewall-reject',
				'filtered',
				'loopback-only',
				'address-family-mismatch',
				'proxy-misroute',
			].filter(cause => cause !== own);
			return [own, ...others.slice(0, 3)].map(value => ({
				value,
				label: titleOf(value),
			}));
		},
		/** Score a finished play, record it in the progress, and say what was learned. */
		finish(
			id: string,
			play: Play,
			steps: ReadonlyArray<{title: string; detail: string}>,
		) {
			const score = scorePlay(play);
			const max = maxOf(play.mode);
			recordTry(state, id, {score, max, solved: play.solved});
			return {
				score,
				max,
				learned: learned(steps, labById(id)?.lesson ?? ''),
			};
		},
	};
}
