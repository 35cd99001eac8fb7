/**
The line-splitting preamble the config and log parsers share: text (any line ending) into lines
numbered from 1, blank lines dropped.
*/
export type NumberedLine = {
	/** 1-based, as editors and error messages count. */
	readonly number: number;
	/** The line as written, without its line ending. */
	readonly text: string;
};

export function numberedLines(text: string): NumberedLine[] {
	const lines: NumberedLine[] = [];
	for (const [index, raw] of text.split('\n').entries()) {
		const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
		if (line.trim() !== '') {
			lines.push({number: index + 1, text: line});
		}
	}

	return lines;
}
