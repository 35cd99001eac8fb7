import process from 'node:process';
import {render} from 'ink';
import type {Io} from '../checks/types.js';
import type {Target} from '../tree/facts.js';
import type {Answers} from '../tree/types.js';
import {App} from './app.js';
import {detectTheme} from './theme.js';

export type InteractiveOptions = {
	readonly target?: Target;
	readonly io: Io;
	readonly timeoutMs: number;
	readonly answers: Answers;
	readonly color: boolean;
};

/** Put the terminal back as it was: cursor shown, raw mode off. Safe to call more than once. */
function restoreTerminal() {
	try {
		if (process.stdin.isTTY) {
			process.stdin.setRawMode(false);
		}
	} catch {}

	if (process.stdout.isTTY) {
		process.stdout.write('\u001B[?25h');
	}
}

/** Mount the Ink app; resolves with the exit code (0 nothing wrong, 1 a problem found, 3 a crash). */
export async function runInteractive(
	options: InteractiveOptions,
): Promise<number> {
	let code = 0;
	const theme = detectTheme(process.env, options.color);
	const instance = render(
		<App
			target={options.target}
			io={options.io}
			timeoutMs={options.timeoutMs}
			answers={options.answers}
			theme={theme}
			writeTerminal={data => process.stdout.write(data)}
			onExit={exitCode => {
				code = exitCode;
			}}
		/>,
		{exitOnCtrlC: false, patchConsole: true},
	);
	const crash = (error: unknown) => {
		instance.unmount();
		restoreTerminal();
		process.stderr.write(
			`refused: internal error: ${(error as Error)?.message ?? String(error)}\n`,
		);
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
	try {
		await instance.waitUntilExit();
	} catch (error) {
		restoreTerminal();
		process.stderr.write(
			`refused: internal error: ${(error as Error).message}\n`,
		);
		return 3;
	} finally {
		process.off('uncaughtException', crash);
		process.off('unhandledRejection', crash);
		process.off('SIGINT', terminate);
		process.off('SIGTERM', terminate);
		process.off('SIGHUP', terminate);
		restoreTerminal();
	}

	return code;
}
