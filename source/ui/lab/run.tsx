/**
Mount the lab screens. The running lab is torn down however the app ends: q, Ctrl-C, SIGTERM, or
a crash (the marker covers a kill -9: the next start cleans up).
*/
import process from 'node:process';
import {render} from 'ink';
import {LabApp} from './app.js';
import type {LabServices} from './types.js';

export async function runLabApp(options: {
	readonly services: LabServices;
	readonly first?: string;
	readonly color: boolean;
}): Promise<number> {
	const {services} = options;
	const instance = render(
		<LabApp services={services} first={options.first} />,
		{exitOnCtrlC: false},
	);
	const bail = (code: number) => () => {
		instance.unmount();
		void services.stop().finally(() => process.exit(code));
	};

	const crash = (error: unknown) => {
		instance.unmount();
		process.stderr.write(
			`refused: internal error: ${(error as Error)?.message ?? String(error)}\n`,
		);
		void services.stop().finally(() => process.exit(3));
	};

	process.once('SIGTERM', bail(143));
	process.once('SIGHUP', bail(129));
	process.once('SIGINT', bail(130));
	process.once('uncaughtException', crash);
	process.once('unhandledRejection', crash);
	try {
		await instance.waitUntilExit();
	} finally {
		await services.stop();
	}

	return 0;
}
