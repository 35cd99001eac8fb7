import stripAnsi from 'strip-ansi';

/** Remove terminal control sequences and other control characters (keeps newlines and tabs). */
export function sanitize(text: string): string {
	return stripAnsi(text)
		.replaceAll('\r\n', '\n')
		.replaceAll(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '');
}

const safe = /^[\w@%+=:,./-]+$/;

/** Display form of an argv, quoted for a POSIX shell where needed (for showing and copying). */
export function shellQuote(arguments_: readonly string[]): string {
	return arguments_
		.map(argument =>
			safe.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`,
		)
		.join(' ');
}
