/**
Drive an Ink app in tests: render and press keys inside act() (frames and effects are flushed when
act returns), and wait for content by polling in short act() turns, never with fixed sleeps.
*/
import {act, type ReactElement} from 'react';
import {render} from 'ink-testing-library';
import stripAnsi from 'strip-ansi';

export type Instance = ReturnType<typeof render>;

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	tab: '\t',
	home: '\u001B[H',
	end: '\u001B[F',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	ctrlC: '\u0003',
} as const;

export const plain = (frame: string | undefined) => stripAnsi(frame ?? '');

const turn = async () =>
	new Promise<void>(resolve => {
		setImmediate(resolve);
	});

export async function renderApp(element: ReactElement): Promise<Instance> {
	let instance: Instance | undefined;
	await act(async () => {
		instance = render(element);
	});
	// UseInput subscribes in an effect: let it attach before the first key.
	await act(turn);
	return instance!;
}

/** Write each input as its own chunk (a key at a time), letting the app settle in between. */
export async function press(
	instance: Instance,
	...inputs: string[]
): Promise<void> {
	for (const input of inputs) {
		await act(async () => {
			instance.stdin.write(input);
		});
		await act(turn);
	}
}

/** Wait until the frame matches (a string it contains, a pattern, or a predicate); fail with the frame. */
export async function waitFor(
	instance: Instance,
	expected: string | RegExp | ((frame: string) => boolean),
	timeoutMs = 10_000,
): Promise<string> {
	const matches = (frame: string) =>
		typeof expected === 'string'
			? frame.includes(expected)
			: expected instanceof RegExp
				? expected.test(frame)
				: expected(frame);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const frame = plain(instance.lastFrame());
		if (matches(frame)) {
			return frame;
		}

		if (Date.now() > deadline) {
			throw new Error(
				`timed out waiting for ${String(expected)}; the screen was:\n${frame}`,
			);
		}

		await act(turn);
	}
}

/** Pretend the terminal has this size: set it on the fake stdout and tell Ink it was resized. */
export async function resize(
	instance: Instance,
	columns: number,
	rows: number,
): Promise<void> {
	await act(async () => {
		Object.defineProperty(instance.stdout, 'columns', {
			configurable: true,
			get: () => columns,
		});
		Object.defineProperty(instance.stdout, 'rows', {
			configurable: true,
			get: () => rows,
		});
		instance.stdout.emit('resize');
	});
	await act(turn);
}
