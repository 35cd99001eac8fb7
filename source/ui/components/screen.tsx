import {Box, Text} from 'ink';
import type {Layout} from '../layout.js';
import {asciiText, toneColors, type Row} from '../rows.js';
import {tint, useTheme, type Theme} from '../theme.js';

/** One row: its segments, styled when colours are on; never wider than the pane (cut by the selectors). */
export function RowView({
	row,
	theme,
}: {
	readonly row: Row;
	readonly theme: Theme;
}) {
	return (
		<Text wrap="truncate-end">
			{row.length === 0 ? ' ' : undefined}
			{row.map((segment, index) => (
				<Text
					key={index}
					color={
						segment.tone ? tint(theme, toneColors[segment.tone]) : undefined
					}
					bold={theme.color ? segment.bold : undefined}
					inverse={theme.color ? segment.inverse : undefined}
				>
					{theme.ascii ? asciiText(segment.text) : segment.text}
				</Text>
			))}
		</Text>
	);
}

function Rows({
	rows,
	height,
}: {
	readonly rows: readonly Row[];
	readonly height?: number;
}) {
	const theme = useTheme();
	const padded =
		height === undefined
			? rows
			: [
					...rows,
					...Array.from(
						{length: Math.max(0, height - rows.length)},
						(): Row => [],
					),
				];
	return (
		<Box flexDirection="column">
			{padded.map((row, index) => (
				<RowView key={index} row={row} theme={theme} />
			))}
		</Box>
	);
}

/** The walk screen: props only (the layout), drawn row by row. */
export function WalkScreen({
	view,
	width,
}: {
	readonly view: Layout;
	readonly width: number;
}) {
	return (
		<Box flexDirection="column" width={width}>
			<Rows rows={[view.header]} />
			<Rows rows={view.tree} height={view.treeHeight} />
			<Rows rows={view.lower} height={view.lowerHeight} />
			<Rows rows={view.notice} />
			<Rows rows={[view.footer]} />
		</Box>
	);
}
