/**
OSC 52 asks the terminal itself to set the clipboard, so it works through SSH: the sequence travels
with the output to the user's own terminal. tmux forwards it when `set -g set-clipboard on`; GNU
screen needs it wrapped in its passthrough (DCS ... ST).
*/
export function osc52(
	text: string,
	env: Readonly<Record<string, string | undefined>>,
): string {
	const sequence = `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
	const term = env['TERM'] ?? '';
	if (term.startsWith('screen') && !env['TMUX']) {
		return `\u001BP${sequence}\u001B\\`;
	}

	return sequence;
}

/** What to tell the user after a copy, depending on where the sequence goes. */
export function clipboardHint(
	env: Readonly<Record<string, string | undefined>>,
): string {
	if (env['TMUX']) {
		return 'inside tmux this needs: set -g set-clipboard on';
	}

	if ((env['TERM'] ?? '').startsWith('screen')) {
		return "sent through GNU screen's passthrough";
	}

	return 'your terminal must allow OSC 52 clipboard writes';
}
