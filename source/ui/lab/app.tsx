/**
The lab screens: the catalogue, the goal, guided predictions with their reveal, the work (hands-on
hints one node at a time, `d` when done: a real connection checks the fix), and the score with one
line learned per node of the path. Every side effect goes through `services` (the labs); the
screens render props and state only.
*/
import {Box, Text, useApp, useInput} from 'ink';
import {useCallback, useEffect, useReducer, useRef} from 'react';
import {visible} from '../../text/sanitize.js';
import {
	hintLines,
	initialLabState,
	labReducer,
	type LabState,
} from './state.js';
import type {LabServices} from './types.js';

type Props = {
	readonly services: LabServices;
	readonly first?: string;
	/** The exit code: 0 after q, 130 after Ctrl-C. */
	readonly onExit?: (code: number) => void;
};

const mark = (right: boolean) => (right ? '✓ right' : '✗ not this time');

function Catalogue({state}: {readonly state: LabState}) {
	return (
		<Box flexDirection="column">
			<Text bold>Labs: real broken services on this machine. Pick one.</Text>
			{state.entries.map((entry, index) => (
				<Text
					key={entry.id}
					inverse={index === state.selected}
					dimColor={!entry.available}
				>
					{index === state.selected ? '›' : ' '} {String(index + 1).padStart(2)}
					. {entry.title} ({entry.mode}){entry.note ? ` · ${entry.note}` : ''}
				</Text>
			))}
			{state.message ? <Text color="red">{visible(state.message)}</Text> : null}
			<Text dimColor>↑↓ choose · enter start · q quit</Text>
		</Box>
	);
}

function Goal({state}: {readonly state: LabState}) {
	const lab = state.lab!;
	return (
		<Box flexDirection="column">
			<Text bold>{lab.title}</Text>
			<Text>Goal: {visible(lab.goal)}</Text>
			<Text>Files of the lab: {visible(lab.folder)}</Text>
			<Text>
				Mode: {state.mode}
				{state.mode === 'guided'
					? ': predict, then watch the tree explain.'
					: ': investigate in a shell; h gives a hint, d when fixed.'}
			</Text>
			<Text dimColor>enter begin · q quit (the lab is torn down)</Text>
		</Box>
	);
}

function Predict({state}: {readonly state: LabState}) {
	const questions: Record<string, string> = {
		'predict-probe': `What will the probe of ${state.lab!.target} say?`,
		'predict-branch': 'Where will the tree find the problem?',
		'predict-cause': 'Which cause will the tree end on?',
	};
	const question = questions[state.screen] ?? '';
	return (
		<Box flexDirection="column">
			<Text bold>Predict: {question}</Text>
			{state.choices.map((choice, index) => (
				<Text key={choice.value} inverse={index === state.choice}>
					{index === state.choice ? '›' : ' '} {choice.label}
				</Text>
			))}
			<Text dimColor>↑↓ choose · enter commit</Text>
		</Box>
	);
}

function Waiting({state}: {readonly state: LabState}) {
	return state.diagnosisFailed ? (
		<Text color="red">
			The diagnosis gave no report: could not tell. Run it by hand: refused{' '}
			{state.lab!.target}
		</Text>
	) : (
		<Text>The tree is walking {state.lab!.target}…</Text>
	);
}

function RevealProbe({state}: {readonly state: LabState}) {
	const {diagnosis} = state;
	if (!diagnosis) {
		return <Waiting state={state} />;
	}

	return (
		<Box flexDirection="column">
			<Text bold>
				The probe: {diagnosis.probe} · you said {state.predictions.probe}:{' '}
				{mark(state.predictions.probe === diagnosis.probe)}
			</Text>
			<Text>The path the tree took:</Text>
			{diagnosis.steps.map(step => (
				<Text key={step.title} wrap="truncate-end">
					{step.status === 'problem'
						? ' ✗ '
						: step.status === 'passed'
							? ' ✓ '
							: ' ? '}
					{visible(step.title)}: {visible(step.detail.split('\n')[0] ?? '')}
				</Text>
			))}
			<Text dimColor>enter: the next fork, where the tree looks</Text>
		</Box>
	);
}

function RevealBranch({state}: {readonly state: LabState}) {
	const actual = state.diagnosis?.branch ?? 'none';
	const label = (value: string | undefined) =>
		state.choices.find(choice => choice.value === value)?.label ?? value;
	const steps =
		state.diagnosis?.steps.filter(step => step.status === 'problem') ?? [];
	return (
		<Box flexDirection="column">
			<Text bold>
				The tree finds it in: {label(actual)} · you said{' '}
				{label(state.predictions.branch)}:{' '}
				{mark(state.predictions.branch === actual)}
			</Text>
			{steps.map(step => (
				<Text key={step.title} wrap="truncate-end">
					{' ✗ '}
					{visible(step.title)}: {visible(step.detail.split('\n')[0] ?? '')}
				</Text>
			))}
			<Text dimColor>enter: the last fork, the cause</Text>
		</Box>
	);
}

function RevealCause({state}: {readonly state: LabState}) {
	const cause = state.diagnosis?.causes[0];
	const expected = cause?.id ?? state.choices[0]?.value;
	return (
		<Box flexDirection="column">
			<Text bold>
				{cause ? visible(cause.title) : 'The tree names no cause here.'} · you
				said: {mark(state.predictions.cause === expected)}
			</Text>
			{cause ? <Text>{visible(cause.summary)}</Text> : null}
			{cause ? <Text dimColor>{visible(cause.explanation)}</Text> : null}
			{cause?.fixes.slice(0, 3).map((fix, index) => (
				<Text key={fix}>
					{index + 1}. {visible(fix)}
				</Text>
			))}
			<Text dimColor>enter: now fix it</Text>
		</Box>
	);
}

function Work({state}: {readonly state: LabState}) {
	const lab = state.lab!;
	const hints = hintLines(state);
	return (
		<Box flexDirection="column">
			<Text bold>Fix it: {visible(lab.goal)}</Text>
			<Text>In a shell (in {visible(lab.folder)}):</Text>
			{lab.shell.map(line => (
				<Text key={line}> $ {visible(line)}</Text>
			))}
			{hints.map((hint, index) => (
				<Text key={hint} color="yellow">
					Hint {index + 1}: {visible(hint)}
				</Text>
			))}
			{state.message ? <Text color="red">{visible(state.message)}</Text> : null}
			<Text dimColor>
				d done: check with a real connection ·{' '}
				{state.mode === 'hands-on' ? 'h hint (costs a point) · ' : ''}g give up
				· q quit
			</Text>
		</Box>
	);
}

function Result({state}: {readonly state: LabState}) {
	const result = state.result!;
	return (
		<Box flexDirection="column">
			<Text bold>
				{result.solved ? 'Solved: the app connects.' : 'Not solved.'} Score{' '}
				{result.score}/{result.max}
			</Text>
			<Text>What this lab teaches, one line per step of the path:</Text>
			{result.learned.map(line => (
				<Text key={line} wrap="truncate-end">
					· {visible(line)}
				</Text>
			))}
			{result.solved ? null : (
				<Text>
					The fix: {state.lab!.fix.map(line => visible(line)).join(' ; ')}
				</Text>
			)}
			<Text dimColor>enter: back to the labs · q quit</Text>
		</Box>
	);
}

const screens = {
	catalogue: Catalogue,
	goal: Goal,
	'predict-probe': Predict,
	'predict-branch': Predict,
	'predict-cause': Predict,
	'reveal-branch': RevealBranch,
	'reveal-probe': RevealProbe,
	'reveal-cause': RevealCause,
	work: Work,
	result: Result,
} as const;

export function LabApp({services, first, onExit}: Props) {
	const [state, dispatch] = useReducer(
		labReducer,
		services.list(),
		initialLabState,
	);
	const {exit} = useApp();
	const current = useRef(state);
	useEffect(() => {
		current.current = state;
	});

	const start = useCallback(
		async (id: string) => {
			const entry = services.list().find(item => item.id === id);
			if (!entry?.available) {
				dispatch({
					type: 'failed',
					message: `${entry?.title ?? id}: ${entry?.note ?? 'not playable here'}`,
				});
				return;
			}

			dispatch({type: 'busy', text: `Setting up: ${entry.title}…`});
			try {
				const lab = await services.start(id);
				dispatch({type: 'started', lab, mode: entry.mode});
			} catch (error) {
				dispatch({type: 'failed', message: (error as Error).message});
			}
		},
		[services],
	);

	useEffect(() => {
		if (first) {
			void start(first);
		}
	}, [first, start]);

	const finish = useCallback(
		(solved: boolean) => {
			const now = current.current;
			const diagnosis = now.diagnosis;
			const play =
				now.mode === 'guided'
					? {
							mode: 'guided' as const,
							probeRight: now.predictions.probe === diagnosis?.probe,
							branchRight: now.predictions.branch === diagnosis?.branch,
							causeRight:
								now.predictions.cause ===
								(diagnosis?.causes[0]?.id ?? now.choices[0]?.value),
							solved,
						}
					: {mode: 'hands-on' as const, hints: now.hints, solved};
			dispatch({
				type: 'finished',
				result: {
					...services.finish(now.lab!.id, play, diagnosis?.steps ?? []),
					solved,
				},
			});
		},
		[services],
	);

	const quit = useCallback(
		(code: number) => {
			void services.stop().finally(() => {
				onExit?.(code);
				exit();
			});
		},
		[services, exit, onExit],
	);

	const onWork = useCallback(
		(input: string) => {
			if (input === 'h' && current.current.mode === 'hands-on') {
				dispatch({type: 'hint'});
			} else if (input === 'g') {
				finish(false);
			} else if (input === 'd') {
				dispatch({type: 'busy', text: 'Checking: the app dials its service…'});
				void services.victory().then(victory => {
					if (victory.ok) {
						finish(true);
					} else {
						dispatch({type: 'not-yet', output: victory.output});
					}
				});
			}
		},
		[services, finish],
	);

	/** Enter, on each screen. */
	const onEnter = useCallback(() => {
		const now = current.current;
		if (now.screen === 'catalogue') {
			const entry = now.entries[now.selected];
			if (entry) {
				void start(entry.id);
			}
		} else if (now.screen === 'goal') {
			dispatch({type: 'begin'});
			void services.diagnose().then(diagnosis => {
				dispatch({type: 'diagnosed', diagnosis});
			});
		} else if (
			now.screen.startsWith('predict') ||
			(now.screen.startsWith('reveal') && now.diagnosis)
		) {
			dispatch({
				type: 'pick',
				branchChoices: services.branchChoices(),
				causeChoices: services.causeChoices(now.lab!.id),
			});
		} else if (now.screen === 'result') {
			void services.stop().then(() => {
				dispatch({type: 'catalogue', entries: services.list()});
			});
		}
	}, [services, start]);

	useInput((input, key) => {
		if (input === 'q' || (key.ctrl && input === 'c')) {
			quit(input === 'q' ? 0 : 130);
		} else if (key.upArrow || key.downArrow) {
			dispatch({type: 'move', by: key.upArrow ? -1 : 1});
		} else if (key.return) {
			onEnter();
		} else if (current.current.screen === 'work') {
			onWork(input);
		}
	});

	if (state.screen === 'busy') {
		return <Text>{state.busy}</Text>;
	}

	const View = screens[state.screen];
	return <View state={state} />;
}
