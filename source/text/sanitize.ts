import stripAnsi from 'strip-ansi';

/**
Remove terminal control sequences and other control characters (keeps newlines and tabs; and NUL
with `keepNul`, for files whose words it separates, such as /proc/PID/cmdline).
*/
export function sanitize(
	text: string,
	options: {readonly keepNul?: boolean} = {},
): string {
	return stripAnsi(text)
		.replaceAll('\r\n', '\n')
		.replaceAll(
			options.keepNul
				? /[\u0001-\u0008\u000B-\u001F\u007F-\u009F]/g
				: /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g,
			'',
		);
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

/**
For the screen and the reports: control characters (escape, bell, C1, DEL, and any that survived)
become visible `\xNN` text, so nothing from the system can drive the terminal. Newlines and tabs
are kept unless `oneLine` (then they become `\n` and spaces).
*/
export function visible(
	text: string,
	options: {oneLine?: boolean} = {},
): string {
	const shown = text.replaceAll(
		/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g,
		character =>
			`\\x${character.codePointAt(0)!.toString(16).padStart(2, '0')}`,
	);
	return options.oneLine
		? shown
				.replaceAll('\r', '\\r')
				.replaceAll('\n', '\\n')
				.replaceAll('\t', ' ')
		: shown;
}

/** `sudo` in front of a command only for a user who is not root, as argv words. */
export function sudoArgs(uid: number | undefined): string[] {
	return uid === 0 ? [] : ['sudo'];
}

/** A command that needs root, quoted for a POSIX shell: `sudo` in front only when not root. */
export function privileged(
	uid: number | undefined,
	argv: readonly string[],
): string {
	return shellQuote([...sudoArgs(uid), ...argv]);
}

/** `sudo ` for a user who is not root; nothing for root (for commands written as text). */
export function sudoPrefix(uid: number | undefined): string {
	return uid === 0 ? '' : 'sudo ';
}
