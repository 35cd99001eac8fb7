import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {learned, maxOf, maxScore, scorePlay} from '../../source/labs/score.js';
import {
	loadProgress,
	recordTry,
	resetProgress,
} from '../../source/labs/progress.js';
import {stateDir} from '../../source/labs/paths.js';

describe('scoring', () => {
	test('guided: 1 for the probe, 1 for the branch, 2 for the cause, 2 for the fix (max 6)', () => {
		expect(maxOf('guided')).toBe(6);
		expect(maxOf('hands-on')).toBe(maxScore);
		const all = {
			mode: 'guided',
			probeRight: true,
			branchRight: true,
			causeRight: true,
			solved: true,
		} as const;
		expect(scorePlay(all)).toBe(6);
		expect(scorePlay({...all, probeRight: false})).toBe(5);
		expect(scorePlay({...all, branchRight: false})).toBe(5);
		expect(scorePlay({...all, causeRight: false})).toBe(4);
		expect(scorePlay({...all, solved: false})).toBe(4);
	});

	test('hands-on: 5 for the fix, one off per hint (at most 3), 0 unsolved', () => {
		expect(scorePlay({mode: 'hands-on', hints: 0, solved: true})).toBe(5);
		expect(scorePlay({mode: 'hands-on', hints: 2, solved: true})).toBe(3);
		expect(scorePlay({mode: 'hands-on', hints: 9, solved: true})).toBe(2);
		expect(scorePlay({mode: 'hands-on', hints: 0, solved: false})).toBe(0);
	});

	test('learned: one line per node of the path, then the lesson', () => {
		expect(
			learned(
				[
					{title: 'Connect', detail: 'refused at once\nmore'},
					{title: 'Listeners', detail: 'node on 127.0.0.1 only'},
				],
				'lesson',
			),
		).toEqual([
			'Connect: refused at once',
			'Listeners: node on 127.0.0.1 only',
			'lesson',
		]);
	});
});

describe('progress in the XDG state directory', () => {
	test('the state dir: $XDG_STATE_HOME/refused, else ~/.local/state/refused', () => {
		expect(stateDir({XDG_STATE_HOME: '/x/state', HOME: '/home/a'})).toBe(
			'/x/state/refused',
		);
		expect(stateDir({HOME: '/home/a'})).toBe('/home/a/.local/state/refused');
		// A relative XDG path is ignored, as the spec says.
		expect(stateDir({XDG_STATE_HOME: 'rel', HOME: '/home/a'})).toBe(
			'/home/a/.local/state/refused',
		);
	});

	test('a try is recorded (best score kept, tries counted), reset clears it, a broken file is empty progress', () => {
		const state = mkdtempSync(path.join(tmpdir(), 'refused-progress-'));
		try {
			expect(loadProgress(state)).toEqual({});
			recordTry(state, 'wrong-port', {score: 3, max: 5, solved: true});
			recordTry(state, 'wrong-port', {score: 1, max: 5, solved: false});
			expect(loadProgress(state)['wrong-port']).toMatchObject({
				best: 3,
				tries: 2,
				solved: true,
				max: 5,
			});
			expect(resetProgress(state)).toBe(true);
			expect(loadProgress(state)).toEqual({});
			expect(resetProgress(state)).toBe(false);
			writeFileSync(path.join(state, 'labs.json'), '{not json');
			expect(loadProgress(state)).toEqual({});
		} finally {
			rmSync(state, {recursive: true, force: true});
		}
	});
});
