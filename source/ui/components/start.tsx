import {Box, Text} from 'ink';
import {symbolsOf, tint, useTheme} from '../theme.js';
import {Prose} from './prose.js';

export function StartScreen({
	text,
	field,
	error,
}: {
	readonly text: string;
	readonly field: 0 | 1 | 2;
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
			<Box>
				<Box flexShrink={0} width={2}>
					<Prose color={tint(theme, 'blue')}>
						{field === 2 ? symbols.pointer : ' '}
					</Prose>
				</Box>
				<Prose>
					<Text bold={field === 2 && theme.color}>Labs:</Text> 13 real broken
					services to practise on, guided or hands-on, scored (also: refused
					lab)
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
