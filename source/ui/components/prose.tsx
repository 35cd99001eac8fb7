import {Text, Transform} from 'ink';
import type {ComponentProps} from 'react';

/** Ink wraps with trim off, so a line that breaks at a space starts the next one with it: drop it. */
export function trimContinuation(line: string, index: number): string {
	return index === 0 ? line : line.replace(/^((?:\u001B\[[\d;]*m)*) +/, '$1');
}

/** Text that wraps cleanly: continuation lines start flush with the first. */
export function Prose(props: ComponentProps<typeof Text>) {
	return (
		<Transform transform={trimContinuation}>
			<Text {...props} />
		</Transform>
	);
}
