/**
The terminal's state while the app owns it: the alternate screen, the cursor, raw mode. Shared by the
first frame drawn before Ink loads (pre-frame.ts, from cli.tsx) and the Ink app (run.tsx), so the
screen is entered once and always left, whichever of them is on when a signal or a crash comes.
No React or Ink here: it loads at once.
*/
import process from 'node:process';

const enterAlternate = '\u001B[?1049h';
const leaveAlternate = '\u001B[?1049l';
const showCursor = '\u001B[?25h';
const beginSynchronized = '\u001B[?2026h';
// Cursor to the top-left corner, then erase from there to the end of the screen.
const clearScreen = '\u001B[H\u001B[J';
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let inAlternate = false;
let unguard: (() => void) | undefined;

/** Switch to the alternate screen (once: a second call writes nothing). */
export function enterScreen(): void {
	if (!inAlternate) {
		process.stdout.write(enterAlternate);
		inAlternate = true;
	}
}

/** Put the terminal back as it was: alternate screen left, cursor shown, raw mode off. Safe to call more than once. */
export function restoreTerminal() {
	try {
		if (process.stdin.isTTY) {
			process.stdin.setRawMode(false);
		}
	} catch {}

	if (process.stdout.isTTY) {
		process.stdout.write((inAlternate ? leaveAlternate : '') + showCursor);
	}

	inAlternate = false;
}

/**
Until the app's own handlers are on (`handOver`): Ctrl-C (before raw mode it is a signal), SIGTERM
or SIGHUP leave the terminal as it was and exit 130.
*/
export function guardScreen(): void {
	if (unguard) {
		return;
	}

	const leave = () => {
		restoreTerminal();
		process.exit(130);
	};

	for (const signal of signals) {
		process.on(signal, leave);
	}

	// A crash before Ink's handlers are on (a failed import): at exit, leave the screen too.
	process.once('exit', () => {
		if (inAlternate) {
			restoreTerminal();
		}
	});

	unguard = () => {
		for (const signal of signals) {
			process.off(signal, leave);
		}
	};
}

/** The app's handlers are on: drop the guard. */
export function handOver(): void {
	unguard?.();
	unguard = undefined;
}

/** The first write's text with the screen cleared first, inside the frame's synchronized update when it opens one. */
export function clearedFirst(chunk: string): string {
	return chunk.startsWith(beginSynchronized)
		? beginSynchronized + clearScreen + chunk.slice(beginSynchronized.length)
		: clearScreen + chunk;
}

/**
Ink draws its first frame from the cursor on, over whatever is there: after a pre-frame, clear the
screen in the same write as that frame (no blank screen in between), then step aside.
*/
export function clearUnderFirstWrite(stream: NodeJS.WriteStream): void {
	const own = Object.hasOwn(stream, 'write');
	const write = stream.write;
	stream.write = function (
		this: NodeJS.WriteStream,
		chunk: unknown,
		...rest: unknown[]
	) {
		if (own) {
			stream.write = write;
		} else {
			// @ts-expect-error -- back to the prototype's method
			delete stream.write;
		}

		const text =
			typeof chunk === 'string'
				? chunk
				: Buffer.from(chunk as Uint8Array).toString();
		return (write as (...args: unknown[]) => boolean).call(
			this,
			clearedFirst(text),
			...rest,
		);
	};
}
