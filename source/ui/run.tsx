import process from 'node:process';
import {render} from 'ink';
import type {Target} from '../tree/facts.js';
import type {Answers} from '../tree/types.js';
import {App} from './app.js';
import {finalText} from './print.js';
import type {AppState} from './state.js';
import {detectTheme} from './theme.js';
import {
	clearUnderFirstWrite,
	enterScreen,
	handOver,
	restoreTerminal,
} from './terminal.js';
import type {WalkOptions} from './use-walk.js';

export type InteractiveOptions = {
	readonly target?: Target;
	readonly io: WalkOptions['io'];
	readonly timeoutMs: number;
	readonly answers: Answers;
	readonly color: boolean;
	/** The labs catalogue, opened when the start screen's "Labs" line is chosen (after this app has left the screen). */
	readonly openLabs?: () => Promise<number>;
	/** A first frame is on the screen already (pre-frame.ts): Ink's first frame clears it. */
	readonly preFramed?: boolean;
};

/** Mount the Ink app on the alternate screen; resolves with the exit code (0, 1, 130, 3 on a crash). */
export async function runInteractive(
	options: InteractiveOptions,
): Promise<number> {
	let code = 0;
	let last: AppState | undefined;
	let next: 'labs' | undefined;
	const theme = detectTheme(process.env, options.color);
	enterScreen();
	if (options.preFramed) {
		clearUnderFirstWrite(process.stdout);
	}

	const crashAfter = process.env['REFUSED_TEST_CRASH_UI'];
	const instance = render(
		<App
			target={options.target}
			io={options.io}
			timeoutMs={options.timeoutMs}
			answers={options.answers}
			theme={theme}
			writeTerminal={data => process.stdout.write(data)}
			{...(crashAfter ? {crashAfter} : {})}
			onExit={(exitCode, state, then) => {
				code = exitCode;
				last = state;
				next = then;
			}}
		/>,
		{exitOnCtrlC: false, patchConsole: true},
	);
	const fail = (error: unknown) => {
		restoreTerminal();
		process.stderr.write(
			`refused: internal error: ${(error as Error)?.message ?? String(error)}\n`,
		);
	};

	const crash = (error: unknown) => {
		instance.unmount();
		fail(error);
		process.exit(3);
	};

	const terminate = () => {
		instance.unmount();
		restoreTerminal();
		process.exit(130);
	};

	process.on('uncaughtException', crash);
	process.on('unhandledRejection', crash);
	process.on('SIGINT', terminate);
	process.on('SIGTERM', terminate);
	process.on('SIGHUP', terminate);
	handOver();
	try {
		await instance.waitUntilExit();
	} catch (error) {
		fail(error);
		return 3;
	} finally {
		process.off('uncaughtException', crash);
		process.off('unhandledRejection', crash);
		process.off('SIGINT', terminate);
		process.off('SIGTERM', terminate);
		process.off('SIGHUP', terminate);
		restoreTerminal();
	}

	if (next === 'labs' && options.openLabs) {
		return options.openLabs();
	}

	// Back on the normal screen: the final tree, the cause and the fixes stay in the scrollback.
	if (last) {
		process.stdout.write(finalText(last, theme.ascii));
	}

	return code;
}
