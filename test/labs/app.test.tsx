/**
The lab screens with fake services (the labs themselves are tested for real in test/e2e/labs.test.ts):
a guided play predicts the probe and the cause, fixes, and scores; a hands-on play takes hints one
node at a time, is told "not yet" by a failed check, then solves.
*/
import {describe, expect, test, vi} from 'vitest';
import {LabApp} from '../../source/ui/lab/app.js';
import type {LabDiagnosis, LabServices} from '../../source/ui/lab/types.js';
import {scorePlay, learned, maxOf} from '../../source/labs/score.js';
import {keys, press, renderApp, waitFor} from '../helpers/ink.js';

const diagnosis: LabDiagnosis = {
	probe: 'refused',
	branch: 'this-host',
	steps: [
		{title: 'Connect', status: 'problem', detail: 'refused at once: a reset'},
		{
			title: 'Who listens',
			status: 'problem',
			detail: 'node listens on 127.0.0.1:47001 only',
		},
	],
	causes: [
		{
			id: 'address-family-mismatch',
			title: 'IPv4 only, dialed on IPv6',
			summary: 'node listens on 127.0.0.1:47001: IPv4 only',
			explanation: 'localhost has two addresses.',
			fixes: ['listen on :: as well'],
		},
	],
};

function fake(mode: 'guided' | 'hands-on', victories: boolean[]) {
	const finished: unknown[] = [];
	const services: LabServices = {
		list: () => [
			{id: 'lab-a', title: 'Lab A', mode, available: true},
			{id: 'lab-b', title: 'Lab B', mode, available: false, note: 'needs root'},
		],
		start: vi.fn(async (id: string) => ({
			id,
			title: 'Lab A',
			goal: 'The app on port 47001 cannot reach its database.',
			target: '[::1]:47001',
			shell: ['node client.js'],
			fix: ['sh start.sh db'],
			lesson: 'the lesson',
			folder: '/tmp/lab-a',
		})),
		diagnose: async () => diagnosis,
		victory: async () => ({
			ok: victories.shift() ?? false,
			output: 'connect ECONNREFUSED ::1:47001',
		}),
		stop: vi.fn(async () => {}),
		branchChoices: () => [
			{value: 'this-host', label: 'this host'},
			{value: 'firewall', label: 'firewall'},
		],
		causeChoices: () => [
			{value: 'address-family-mismatch', label: 'IPv4 only, dialed on IPv6'},
			{value: 'no-listener', label: 'Nothing listens'},
		],
		finish(_id, play, steps) {
			finished.push(play);
			return {
				score: scorePlay(play),
				max: maxOf(play.mode),
				learned: learned(steps, 'the lesson'),
			};
		},
	};
	return {services, finished};
}

describe('lab screens', () => {
	test('guided: predict the probe, the branch and the cause, fix, score 6/6 with one line learned per node', async () => {
		const {services, finished} = fake('guided', [true]);
		const app = await renderApp(<LabApp services={services} />);
		await waitFor(app, 'Lab A (guided)');
		expect(await waitFor(app, 'Lab B')).toContain('needs root');
		await press(app, keys.enter);
		await waitFor(app, 'Goal: The app on port 47001');
		await press(app, keys.enter);
		await waitFor(app, 'Predict: What will the probe of [::1]:47001 say?');
		await press(app, keys.enter);
		const probe = await waitFor(app, 'The probe: refused');
		expect(probe).toContain('✓ right');
		expect(probe).toContain(
			'Who listens: node listens on 127.0.0.1:47001 only',
		);
		await press(app, keys.enter);
		await waitFor(app, 'Where will the tree find the problem?');
		await press(app, keys.enter);
		expect(await waitFor(app, 'The tree finds it in: this host')).toContain(
			'✓ right',
		);
		await press(app, keys.enter);
		await waitFor(app, 'Which cause will the tree end on?');
		await press(app, keys.enter);
		const card = await waitFor(app, 'IPv4 only, dialed on IPv6 · you said');
		expect(card).toContain('1. listen on :: as well');
		await press(app, keys.enter);
		await waitFor(app, 'Fix it:');
		await press(app, 'd');
		const result = await waitFor(app, 'Score 6/6');
		expect(result).toContain('Solved: the app connects.');
		expect(result).toContain('· Connect: refused at once: a reset');
		expect(result).toContain(
			'· Who listens: node listens on 127.0.0.1:47001 only',
		);
		expect(finished).toEqual([
			{
				mode: 'guided',
				probeRight: true,
				branchRight: true,
				causeRight: true,
				solved: true,
			},
		]);
		await press(app, 'q');
		expect(services.stop).toHaveBeenCalled();
	});

	test('guided: a wrong prediction is said and scored', async () => {
		const {services} = fake('guided', [true]);
		const app = await renderApp(<LabApp services={services} />);
		await press(app, keys.enter);
		await waitFor(app, 'Goal:');
		await press(app, keys.enter, keys.down, keys.enter);
		expect(await waitFor(app, 'The probe: refused')).toContain(
			'you said timeout: ✗ not this time',
		);
		await press(app, keys.enter, keys.down, keys.enter);
		expect(await waitFor(app, 'The tree finds it in')).toContain(
			'you said firewall: ✗ not this time',
		);
		await press(app, keys.enter, keys.down, keys.enter);
		expect(await waitFor(app, '· you said: ')).toContain('✗ not this time');
		await press(app, keys.enter, 'd');
		expect(await waitFor(app, /Score \d\/6/)).toContain('Score 2/6');
	});

	test('hands-on: hints one node at a time, a failed check says not yet, then solved with hints off the score', async () => {
		const {services} = fake('hands-on', [false, true]);
		const app = await renderApp(<LabApp services={services} />);
		await press(app, keys.enter);
		await waitFor(app, 'investigate in a shell');
		await press(app, keys.enter);
		await waitFor(app, '$ node client.js');
		// The diagnosis runs in the background: the first hint is its first node.
		await press(app, 'h');
		expect(
			await waitFor(app, 'Hint 1: Connect: refused at once'),
		).not.toContain('Hint 2');
		await press(app, 'h');
		await waitFor(app, 'Hint 2: Who listens');
		await press(app, 'd');
		expect(await waitFor(app, 'Not yet')).toContain(
			'connect ECONNREFUSED ::1:47001',
		);
		await press(app, 'd');
		expect(await waitFor(app, 'Score')).toContain('Score 3/5');
	});

	test('a lab that needs root is listed, not started', async () => {
		const {services} = fake('guided', []);
		const app = await renderApp(<LabApp services={services} />);
		await press(app, keys.down, keys.enter);
		await waitFor(app, 'Lab B: needs root');
		expect(services.start).not.toHaveBeenCalled();
	});
});
