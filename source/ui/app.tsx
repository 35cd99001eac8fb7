import {Box, useInput} from 'ink';
import {StartScreen} from './components/start.js';
import {WalkScreen} from './components/screen.js';
import {Prose} from './components/prose.js';
import {pickKey} from './keymap.js';
import {layout} from './layout.js';
import type {AppAction, AppState} from './state.js';
import {ThemeContext, useTheme, type Theme} from './theme.js';
import {useWalk, type WalkOptions} from './use-walk.js';

type WalkProps = WalkOptions & {
	/** Test only: throw while rendering once this step has finished (the crash path of the terminal). */
	readonly crashAfter?: string;
};

export type AppProps = WalkProps & {readonly theme?: Theme};

const defaultTheme: Theme = {color: true, ascii: false};

const startKeys = {
	unicode:
		'type a target, enter to start · ↑↓ practice case · Esc or Ctrl-C quits',
	ascii:
		'type a target, enter to start | up/down practice case | Esc or Ctrl-C quits',
};

/** The screen for a state: pure, props in, view out. */
export function View({state}: {readonly state: AppState}) {
	const theme = useTheme();
	if (state.screen === 'walk' && state.session) {
		return (
			<WalkScreen view={layout(state, theme.ascii)} width={state.columns} />
		);
	}

	return (
		<Box flexDirection="column" width={state.columns}>
			{state.screen === 'start' ? (
				<StartScreen
					text={state.text}
					field={state.field}
					error={state.error}
				/>
			) : (
				<Prose>Starting...</Prose>
			)}
			<Box marginTop={1}>
				<Prose wrap="truncate-end" dimColor={theme.color}>
					{startKeys[theme.ascii ? 'ascii' : 'unicode']}
				</Prose>
			</Box>
		</Box>
	);
}

function Walk(props: WalkProps) {
	const {state, dispatch} = useWalk(props);
	// The one input handler: it only dispatches, so the reducer always acts on the current state.
	useInput((input, key) => {
		dispatch({type: 'key', input, key: pickKey(key)} satisfies AppAction);
	});
	if (
		props.crashAfter &&
		state.session?.steps[props.crashAfter]?.state === 'done'
	) {
		throw new Error(`crash requested after ${props.crashAfter}`);
	}

	return <View state={state} />;
}

/** The interactive troubleshooter. `io` and `tree` are injected: that is what makes it testable. */
export function App({theme, ...props}: AppProps) {
	return (
		<ThemeContext.Provider value={theme ?? defaultTheme}>
			<Walk {...props} />
		</ThemeContext.Provider>
	);
}
