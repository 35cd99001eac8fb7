/**
The lab screens' state and its pure reducer. Screens: the catalogue, the goal, (guided) a
prediction then its reveal for the probe and for the cause, the work (fix it; hands-on: hints one
node at a time), and the result. Side effects (start, diagnose, check, stop) are the app's.
*/
import type {Choice, LabDiagnosis, LabEntry, StartedLab} from './types.js';

export type Screen =
	| 'catalogue'
	| 'busy'
	| 'goal'
	| 'predict-probe'
	| 'reveal-probe'
	| 'predict-branch'
	| 'reveal-branch'
	| 'predict-cause'
	| 'reveal-cause'
	| 'work'
	| 'result';

export type LabState = {
	readonly screen: Screen;
	readonly entries: readonly LabEntry[];
	readonly selected: number;
	readonly lab?: StartedLab;
	readonly mode: 'guided' | 'hands-on';
	readonly diagnosis?: LabDiagnosis;
	/** The diagnosis could not be read (said on screen, never a guess). */
	readonly diagnosisFailed?: boolean;
	readonly choices: readonly Choice[];
	readonly choice: number;
	readonly predictions: {
		readonly probe?: string;
		readonly branch?: string;
		readonly cause?: string;
	};
	readonly hints: number;
	readonly message?: string;
	readonly busy?: string;
	readonly result?: {
		readonly score: number;
		readonly max: number;
		readonly solved: boolean;
		readonly learned: readonly string[];
	};
};

export const probeChoices: readonly Choice[] = [
	{value: 'refused', label: 'refused at once (a reset or a reject)'},
	{value: 'timeout', label: 'silence, then a timeout'},
	{value: 'open', label: 'accepted: the port answers'},
	{value: 'unreachable', label: 'no route to the host'},
];

export type LabAction =
	| {readonly type: 'move'; readonly by: number}
	| {readonly type: 'busy'; readonly text: string}
	| {
			readonly type: 'started';
			readonly lab: StartedLab;
			readonly mode: 'guided' | 'hands-on';
	  }
	| {readonly type: 'failed'; readonly message: string}
	| {readonly type: 'begin'}
	| {readonly type: 'diagnosed'; readonly diagnosis?: LabDiagnosis}
	| {
			readonly type: 'pick';
			readonly branchChoices: readonly Choice[];
			readonly causeChoices: readonly Choice[];
	  }
	| {readonly type: 'next'}
	| {readonly type: 'hint'}
	| {readonly type: 'not-yet'; readonly output: string}
	| {
			readonly type: 'finished';
			readonly result: NonNullable<LabState['result']>;
	  }
	| {readonly type: 'catalogue'; readonly entries: readonly LabEntry[]};

export const initialLabState = (entries: readonly LabEntry[]): LabState => ({
	screen: 'catalogue',
	entries,
	selected: 0,
	mode: 'guided',
	choices: [],
	choice: 0,
	predictions: {},
	hints: 0,
});

const wrap = (value: number, length: number) =>
	length === 0 ? 0 : (value + length) % length;

function move(state: LabState, by: number): LabState {
	if (state.screen === 'catalogue') {
		return {
			...state,
			selected: wrap(state.selected + by, state.entries.length),
		};
	}

	return state.screen.startsWith('predict')
		? {...state, choice: wrap(state.choice + by, state.choices.length)}
		: state;
}

const reveals: Partial<
	Record<Screen, readonly [Screen, 'probe' | 'branch' | 'cause']>
> = {
	'predict-probe': ['reveal-probe', 'probe'],
	'predict-branch': ['reveal-branch', 'branch'],
	'predict-cause': ['reveal-cause', 'cause'],
};

/** Enter on a prediction: keep it and reveal; enter on a reveal: the next fork. */
function pick(
	state: LabState,
	action: Extract<LabAction, {type: 'pick'}>,
): LabState {
	const reveal = reveals[state.screen];
	if (reveal) {
		const value = state.choices[state.choice]?.value;
		return {
			...state,
			screen: reveal[0],
			predictions: {...state.predictions, [reveal[1]]: value},
		};
	}

	if (state.screen === 'reveal-probe') {
		return {
			...state,
			screen: 'predict-branch',
			choices: action.branchChoices,
			choice: 0,
		};
	}

	if (state.screen === 'reveal-branch') {
		return {
			...state,
			screen: 'predict-cause',
			choices: action.causeChoices,
			choice: 0,
		};
	}

	return state.screen === 'reveal-cause' ? {...state, screen: 'work'} : state;
}

export function labReducer(state: LabState, action: LabAction): LabState {
	switch (action.type) {
		case 'move': {
			return move(state, action.by);
		}

		case 'busy': {
			return {...state, screen: 'busy', busy: action.text, message: undefined};
		}

		case 'started': {
			return {
				...initialLabState(state.entries),
				selected: state.selected,
				screen: 'goal',
				lab: action.lab,
				mode: action.mode,
			};
		}

		case 'failed': {
			return {
				...state,
				screen: state.lab ? 'work' : 'catalogue',
				message: action.message,
			};
		}

		case 'begin': {
			return state.mode === 'guided'
				? {...state, screen: 'predict-probe', choices: probeChoices, choice: 0}
				: {...state, screen: 'work'};
		}

		case 'diagnosed': {
			return action.diagnosis
				? {...state, diagnosis: action.diagnosis}
				: {...state, diagnosisFailed: true};
		}

		case 'pick': {
			return pick(state, action);
		}

		case 'next': {
			return state;
		}

		case 'hint': {
			return {...state, hints: state.hints + 1};
		}

		case 'not-yet': {
			return {
				...state,
				screen: 'work',
				message: `Not yet: the app still fails: ${action.output}`,
			};
		}

		case 'finished': {
			return {
				...state,
				screen: 'result',
				result: action.result,
				message: undefined,
			};
		}

		case 'catalogue': {
			return {...initialLabState(action.entries), selected: state.selected};
		}
	}
}

/** Hands-on hints: one node of the path at a time, then the cause. */
export function hintLines(state: LabState): string[] {
	const steps = state.diagnosis?.steps ?? [];
	const lines = [
		...steps.map(step => `${step.title}: ${step.detail.split('\n')[0] ?? ''}`),
		...(state.diagnosis?.causes[0]
			? [`The tree ends on: ${state.diagnosis.causes[0].title}`]
			: []),
	];
	return lines.slice(0, state.hints);
}
