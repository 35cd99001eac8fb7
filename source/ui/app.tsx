import {Box, Static, useInput} from 'ink';
import {plan} from '../engine/session.js';
import type {Fix} from '../tree/types.js';
import {LogItem} from './components/log-item.js';
import {
	FixList,
	Footer,
	HelpPanel,
	QuestionView,
	RunningStep,
	StartScreen,
} from './components/live.js';
import {fixesOf, type AppAction, type AppState} from './state.js';
import {ThemeContext, useTheme, type Theme} from './theme.js';
import {useWalk, type WalkOptions} from './use-walk.js';
import {Prose} from './components/prose.js';

export type AppProps = WalkOptions & {readonly theme?: Theme};

const defaultTheme: Theme = {color: true, ascii: false};

const walkKeys = {
	unicode:
		'↑↓ enter · b back · c copy · ? learn · r rerun · e export · h help · q quit',
	ascii:
		'up/down enter | b back | c copy | ? learn | r rerun | e export | h help | q quit',
};
const startKeys = {
	unicode:
		'type a target, enter to start · ↑↓ practice case · Esc or Ctrl-C quits',
	ascii:
		'type a target, enter to start | up/down practice case | Esc or Ctrl-C quits',
};

/** Rows a text takes at a width (plain text, wrapped). */
const rowsOf = (text: string, width: number) =>
	text
		.split('\n')
		.reduce(
			(sum, line) =>
				sum + Math.max(1, Math.ceil(line.length / Math.max(1, width))),
			0,
		);

function fixesHeight(
	fixes: readonly Fix[],
	columns: number,
	selected: number,
	showWhy: 'all' | 'selected',
): number {
	return (
		2 +
		fixes.reduce(
			(sum, fix, index) =>
				sum +
				rowsOf(fix.command, columns - 5) +
				(showWhy === 'all' || index === selected
					? rowsOf(
							fix.why + (fix.undo ? ` Undo: ${fix.undo}` : ''),
							columns - 5,
						)
					: 0),
			0,
		)
	);
}

/** The screen for a state: pure, props in, view out. */
export function View({state}: {readonly state: AppState}) {
	const {session, columns, rows} = state;
	const {ascii} = useTheme();
	const live: React.JSX.Element[] = [];
	// The live area must stay shorter than the terminal, or Ink clears the screen (and the scrollback) on every frame.
	let budget =
		rows -
		1 -
		2 -
		(state.notice ? rowsOf(state.notice, columns) : 0) -
		(state.help ? 12 : 0);
	if (state.screen === 'start') {
		live.push(
			<StartScreen
				key="start"
				text={state.text}
				field={state.field}
				error={state.error}
			/>,
		);
	} else if (state.screen === 'starting') {
		live.push(<Prose key="starting">Starting the practice server...</Prose>);
	} else if (session) {
		const current = plan(session);
		if (current.ask) {
			budget -=
				3 + rowsOf(current.ask.why, columns - 2) + current.ask.choices.length;
			live.push(
				<QuestionView
					key="question"
					question={current.ask}
					choice={state.choice}
				/>,
			);
		}

		const running = session.tree.checks.filter(
			node => session.steps[node.id]?.state === 'running',
		);
		const perStep =
			running.length > 0 ? Math.floor(Math.max(0, budget) / running.length) : 0;
		const learnLine = state.learn ? 1 : 0;
		const outputLines = Math.max(0, Math.min(3, perStep - 2 - learnLine));
		const isLearning = state.learn && perStep >= 2 + learnLine;
		const shown =
			perStep >= 2
				? running
				: running.slice(0, Math.max(1, Math.floor(Math.max(0, budget) / 2)));
		live.unshift(
			...shown.map(node => (
				<RunningStep
					key={`${session.generation}-${node.id}`}
					node={node}
					step={session.steps[node.id]}
					outputLines={outputLines}
					isLearning={isLearning}
				/>
			)),
		);
		if (shown.length < running.length) {
			live.push(
				<Prose key="more">
					...and {running.length - shown.length} more running
				</Prose>,
			);
		}

		const fixes = fixesOf(state);
		if (state.concluded && fixes.length > 0) {
			const showWhy =
				fixesHeight(fixes, columns, state.fix, 'all') <= budget
					? 'all'
					: 'selected';
			live.push(
				<FixList
					key="fixes"
					fixes={fixes}
					selected={state.fix}
					showWhy={showWhy}
				/>,
			);
		}
	}

	return (
		<>
			<Static items={[...state.log]}>
				{entry => (
					// <Static> lays out without a width: give each entry the terminal's, so text wraps inside it.
					<Box key={entry.key} width={columns} flexDirection="column">
						<LogItem entry={entry} />
					</Box>
				)}
			</Static>
			<Box flexDirection="column" width={columns}>
				{live}
				{state.help ? <HelpPanel /> : undefined}
				{state.notice ? <Prose>{state.notice}</Prose> : undefined}
				<Footer
					keys={
						(state.screen === 'walk' ? walkKeys : startKeys)[
							ascii ? 'ascii' : 'unicode'
						]
					}
				/>
			</Box>
		</>
	);
}

function pickKey(key: {
	upArrow: boolean;
	downArrow: boolean;
	return: boolean;
	escape: boolean;
	tab: boolean;
	backspace: boolean;
	delete: boolean;
	ctrl: boolean;
	meta: boolean;
}) {
	return {
		upArrow: key.upArrow,
		downArrow: key.downArrow,
		return: key.return,
		escape: key.escape,
		tab: key.tab,
		backspace: key.backspace,
		delete: key.delete,
		ctrl: key.ctrl,
		meta: key.meta,
	};
}

function Walk(props: WalkOptions) {
	const {state, dispatch} = useWalk(props);
	// The one input handler: it only dispatches, so the reducer always acts on the current state.
	useInput((input, key) => {
		dispatch({type: 'key', input, key: pickKey(key)} satisfies AppAction);
	});
	return <View state={state} />;
}

/** The interactive troubleshooter. `io` and `tree` are injected: that is what makes it testable. */
export function App(props: AppProps) {
	return (
		<ThemeContext.Provider value={props.theme ?? defaultTheme}>
			<Walk {...props} />
		</ThemeContext.Provider>
	);
}
