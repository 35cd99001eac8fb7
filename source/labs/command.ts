/**
`refused lab` without a terminal, and its flags: `--list` (the catalogue, progress, root labs marked),
`--reset` (progress cleared, leftovers torn down), and `refused lab ID` driven by lines on stdin
(`check`, `quit`), answering with one JSON line per event on stdout: what the tests and scripts use.
Every path cleans the leftovers of dead apps first.
*/
import {createInterface} from 'node:readline';
import process from 'node:process';
import {catalogue, labById} from './catalogue.js';
import {
	checkVictory,
	cleanLeftovers,
	isRoot,
	startLab,
	stopLab,
	type RunningLab,
} from './lifecycle.js';
import {stateDir} from './paths.js';
import {loadProgress, resetProgress} from './progress.js';

export const labState = () => stateDir(process.env);

export function listText(state: string, root: boolean): string {
	const progress = loadProgress(state);
	const lines = catalogue.map((lab, index) => {
		const done = progress[lab.id];
		const score = done
			? ` best ${done.best}/${done.max}${done.solved ? ' solved' : ''}`
			: '';
		const needs = lab.root && !root ? ' (needs root: skipped here)' : '';
		return `${String(index + 1).padStart(2)}. ${lab.id.padEnd(18)} ${lab.mode.padEnd(8)} ${lab.title}${needs}${score}`;
	});
	return [
		'Labs (refused lab ID to play one; with a terminal: refused lab)',
		...lines,
		root ? '' : 'Labs 8-13 build private network namespaces: they need root.',
	]
		.filter(line => line !== '')
		.join('\n');
}

const say = (event: Record<string, unknown>) => {
	process.stdout.write(`${JSON.stringify(event)}\n`);
};

/** Hold one lab, driven by stdin lines; tears down on quit, end of input, SIGINT, SIGTERM or a crash. */
export async function scriptLab(id: string): Promise<number> {
	const state = labState();
	const lab = labById(id);
	if (!lab) {
		process.stderr.write(
			`refused: no lab "${id}" (refused lab --list shows them)\n`,
		);
		return 2;
	}

	if (lab.root && !isRoot()) {
		process.stderr.write(
			`refused: lab ${id} needs root (private network namespaces and rules); skipped\n`,
		);
		return 2;
	}

	let running: RunningLab | undefined;
	let stopping: Promise<void> | undefined;
	const stop = async () => {
		stopping ??= running ? stopLab(running) : Promise.resolve();
		await stopping;
	};

	const onSignal = (code: number) => () => {
		void stop().finally(() => process.exit(code));
	};

	process.once('SIGINT', onSignal(130));
	process.once('SIGTERM', onSignal(143));
	// A crash of the app still tears the lab down (a kill -9 is the marker's job).
	process.once('uncaughtException', error => {
		process.stderr.write(`refused: internal error: ${error.message}\n`);
		void stop().finally(() => process.exit(3));
	});
	try {
		running = await startLab(state, lab, catalogue.indexOf(lab));
		const {situation} = running;
		say({
			event: 'ready',
			lab: lab.id,
			target: situation.target,
			goal: situation.goal,
			folder: running.folder,
			clientNetns: situation.clientNetns ?? null,
			diagnoseNetns: situation.diagnoseNetns ?? situation.clientNetns ?? null,
			clientEnv: situation.clientEnv ?? {},
			cause: lab.cause,
			fix: situation.fix,
			marker: running.marker(),
		});
		if (process.env['REFUSED_TEST_CRASH_LAB']) {
			// Lets the tests prove that a crash of the app holding a lab leaves nothing behind.
			setTimeout(() => {
				throw new Error('crash requested by REFUSED_TEST_CRASH_LAB');
			}, 10);
		}

		const lines = createInterface({input: process.stdin});
		for await (const line of lines) {
			if (line.trim() === 'check') {
				say({event: 'victory', ...(await checkVictory(running))});
			} else if (line.trim() === 'quit') {
				break;
			}
		}

		await stop();
		say({event: 'done'});
		return 0;
	} catch (error) {
		await stop();
		process.stderr.write(`refused: lab ${id}: ${(error as Error).message}\n`);
		return 3;
	}
}

export async function resetLabs(): Promise<string> {
	const state = labState();
	const cleaned = await cleanLeftovers(state);
	const removed = resetProgress(state);
	return [
		removed ? 'Lab progress cleared.' : 'No lab progress to clear.',
		...(cleaned.length > 0 ? [`Cleaned up: ${cleaned.join(', ')}`] : []),
	].join('\n');
}

export async function listLabs(): Promise<string> {
	const state = labState();
	const cleaned = await cleanLeftovers(state);
	return [
		listText(state, isRoot()),
		...(cleaned.length > 0
			? [`Cleaned up leftovers of: ${cleaned.join(', ')}`]
			: []),
	].join('\n');
}
