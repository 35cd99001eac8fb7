/**
Mount the lab screens. The running lab is torn down however the app ends: q, Ctrl-C, SIGTERM, or
a crash (the marker covers a kill -9: the next start cleans up).
*/
import process from 'node:process';
import {render} from 'ink';
import {LabApp} from './app.js';
import type {LabServices} from './types.js';

/** Test-only: REFUSED_TEST_CRASH_LAB throws outside React once a lab is set up (a crash must tear it down). */
function crashHook(services: LabServices): LabServices {
	if (!process.env['REFUSED_TEST_CRASH_LAB']) {
		return services;
	}

	return {
		...services,
		async start(id) {
			const started = await services.start(id);
			setTimeout(() => {
				throw new Error('crash requested by REFUSED_TEST_CRASH_LAB');
			}, 200);
			return started;
		},
	};
}

export async function runLabApp(options: {
	readonly services: LabServices;
	readonly first?: string;
	readonly color: boolean;
}): Promise<number> {
	const services = crashHook(options.services);
	let code = 0;
	const instance = render(
		<LabApp
			services={services}
			first={options.first}
			onExit={exitCode => {
				code = exitCode;
			}}
		/>,
		{exitOnCtrlC: false},
	);
	// However it ends, the lab is torn down (below, awaited) before the code is returned.
	const bail = (exitCode: number) => () => {
		code = exitCode;
		instance.unmount();
	};

	const crash = (error: unknown) => {
		process.stderr.write(
			`refused: internal error: ${(error as Error)?.message ?? String(error)}\n`,
		);
		bail(3)();
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

	return code;
}
