import {Box, Text} from 'ink';
import SelectInput from 'ink-select-input';
import Spinner from 'ink-spinner';
import type {StepState} from '../../engine/session.js';
import type {CheckNode, Fix, QuestionNode} from '../../tree/types.js';
import {symbolsOf, tint, useTheme} from '../theme.js';
import {Prose} from './prose.js';

const seconds = (ms: number) =>
	ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;

/** A step while it runs: spinner, title, its own time limit, the exact command, the last output lines. */
export function RunningStep({
	node,
	step,
	outputLines,
	isLearning,
}: {
	readonly node: CheckNode;
	readonly step: StepState | undefined;
	/** How many output lines fit (0 to hide them). */
	readonly outputLines: number;
	readonly isLearning: boolean;
}) {
	const theme = useTheme();
	const symbols = symbolsOf(theme);
	const lines = outputLines > 0 ? (step?.lines ?? []).slice(-outputLines) : [];
	return (
		<Box flexDirection="column">
			<Box>
				<Box flexShrink={0} width={2}>
					<Prose color={tint(theme, 'cyan')}>
						<Spinner type={symbols.spinner} />
					</Prose>
				</Box>
				<Prose wrap="truncate-end">
					{node.title}{' '}
					<Text dimColor={theme.color}>(limit {seconds(node.timeoutMs)})</Text>
				</Prose>
			</Box>
			{step?.command ? (
				<Box paddingLeft={2}>
					<Prose wrap="truncate-middle" dimColor={theme.color}>
						$ {step.command}
					</Prose>
				</Box>
			) : undefined}
			{lines.map((line, index) => (
				<Box key={index} paddingLeft={2}>
					<Prose wrap="truncate-end" dimColor={theme.color}>
						{symbols.quote} {line}
					</Prose>
				</Box>
			))}
			{isLearning ? (
				<Box paddingLeft={2}>
					<Prose wrap="truncate-end" color={tint(theme, 'cyan')}>
						Why: {node.why}
					</Prose>
				</Box>
			) : undefined}
		</Box>
	);
}

function Indicator({isSelected = false}: {readonly isSelected?: boolean}) {
	const theme = useTheme();
	return (
		<Box marginRight={1}>
			<Prose color={tint(theme, 'blue')}>
				{isSelected ? symbolsOf(theme).pointer : ' '}
			</Prose>
		</Box>
	);
}

function Item({
	isSelected = false,
	label,
}: {
	readonly isSelected?: boolean;
	readonly label: string;
}) {
	const theme = useTheme();
	const isBold = isSelected && theme.color;
	return (
		<Prose color={isSelected ? tint(theme, 'blue') : undefined} bold={isBold}>
			{label}
		</Prose>
	);
}

/**
A question, only when the tool cannot find the answer itself. The list is ink-select-input, drawn
without its own key handling: the app's one input handler moves `choice`, so keys in a burst act in order.
*/
export function QuestionView({
	question,
	choice,
}: {
	readonly question: QuestionNode;
	readonly choice: number;
}) {
	const theme = useTheme();
	const symbols = symbolsOf(theme);
	return (
		<Box flexDirection="column" marginTop={1}>
			<Prose bold={theme.color}>
				<Text color={tint(theme, 'blue')}>{symbols.unknown} </Text>
				{question.prompt}
			</Prose>
			<Box paddingLeft={2}>
				<Prose dimColor={theme.color}>Why I ask: {question.why}</Prose>
			</Box>
			<SelectInput
				key={`${question.key}-${choice}`}
				isFocused={false}
				initialIndex={choice}
				items={question.choices.map(c => ({
					key: c.value,
					label: c.label,
					value: c.value,
				}))}
				indicatorComponent={Indicator}
				itemComponent={Item}
			/>
		</Box>
	);
}

/** The fixes of the most likely cause: numbered, the whole command always on screen, each with why. */
export function FixList({
	fixes,
	selected,
	showWhy,
}: {
	readonly fixes: readonly Fix[];
	readonly selected: number;
	/** 'all', 'selected' (only the highlighted one's why), to fit the screen. */
	readonly showWhy: 'all' | 'selected';
}) {
	const theme = useTheme();
	const symbols = symbolsOf(theme);
	return (
		<Box flexDirection="column" marginTop={1}>
			<Prose bold={theme.color}>Fixes (shown, never run for you):</Prose>
			{fixes.map((fix, index) => {
				const isSelected = index === selected;
				const isBold = isSelected && theme.color;
				return (
					<Box key={fix.command} flexDirection="column">
						<Box>
							<Box flexShrink={0} width={5}>
								<Prose color={tint(theme, 'blue')}>
									{isSelected ? symbols.pointer : ' '} {index + 1}.
								</Prose>
							</Box>
							<Prose
								bold={isBold}
								color={isSelected ? tint(theme, 'green') : undefined}
							>
								{fix.command}
							</Prose>
						</Box>
						{showWhy === 'all' || isSelected ? (
							<Box paddingLeft={5}>
								<Prose dimColor={theme.color}>
									{fix.why}
									{fix.undo ? ` Undo: ${fix.undo}` : ''}
								</Prose>
							</Box>
						) : undefined}
					</Box>
				);
			})}
		</Box>
	);
}

export function Footer({keys}: {readonly keys: string}) {
	const theme = useTheme();
	return (
		<Box marginTop={1}>
			<Prose wrap="truncate-end" dimColor={theme.color}>
				{keys}
			</Prose>
		</Box>
	);
}

export function HelpPanel() {
	const theme = useTheme();
	return (
		<Box
			flexDirection="column"
			marginTop={1}
			borderStyle={theme.ascii ? 'classic' : 'round'}
			paddingX={1}
		>
			<Prose bold={theme.color}>Keys</Prose>
			<Prose>arrows, enter: move and choose; 1-9: pick a choice or a fix</Prose>
			<Prose>
				b: back, change your last answer (the walk recomputes from there)
			</Prose>
			<Prose>
				c: copy the selected fix with OSC 52 (works through SSH; inside tmux it
				needs: set -g set-clipboard on)
			</Prose>
			<Prose>
				?: learn mode: why each step runs, what its command does, how to read it
			</Prose>
			<Prose>r: rerun the walk (answers kept), to verify a fix</Prose>
			<Prose>e: write a markdown report to the current directory</Prose>
			<Prose>q or Ctrl-C: quit. h or Esc: close this help</Prose>
		</Box>
	);
}

export function StartScreen({
	text,
	field,
	error,
}: {
	readonly text: string;
	readonly field: 0 | 1;
	readonly error?: string;
}) {
	const theme = useTheme();
	const symbols = symbolsOf(theme);
	return (
		<Box flexDirection="column">
			<Prose bold={theme.color}>
				refused: find out why a TCP connection is refused
			</Prose>
			<Prose dimColor={theme.color}>
				Step by step, measured on this host. Read-only: fixes are shown, never
				run.
			</Prose>
			<Box marginTop={1}>
				<Box flexShrink={0} width={2}>
					<Prose color={tint(theme, 'blue')}>
						{field === 0 ? symbols.pointer : ' '}
					</Prose>
				</Box>
				<Prose>Target: </Prose>
				<Prose>{text}</Prose>
				{field === 0 ? (
					<Prose inverse={theme.color}>{theme.color ? ' ' : '_'}</Prose>
				) : undefined}
			</Box>
			<Box paddingLeft={2}>
				<Prose dimColor={theme.color}>
					e.g. localhost:5432, db.internal 6379, [::1]:8080, https://example.org
				</Prose>
			</Box>
			<Box marginTop={1}>
				<Box flexShrink={0} width={2}>
					<Prose color={tint(theme, 'blue')}>
						{field === 1 ? symbols.pointer : ' '}
					</Prose>
				</Box>
				<Prose>
					<Text bold={field === 1 && theme.color}>Practice case:</Text> start a
					small local server broken in a known way, and diagnose it
				</Prose>
			</Box>
			{error ? (
				<Box marginTop={1}>
					<Prose color={tint(theme, 'red')}>{error}</Prose>
				</Box>
			) : undefined}
		</Box>
	);
}
