/**
The composition root of the app's fork "look at the server over SSH?": the server's side of a walk
the app already did, run through the user's ssh in BatchMode (the app owns the terminal, so ssh
never prompts: a password or passphrase it would need is a one-line failure), joined with the
client's report exactly as `--via` joins them. Never throws: every failure is `server.error`.
*/
import type {Io} from './checks/types.js';
import {diagnose} from './diagnose.js';
import type {Report} from './report/model.js';
import type {Answers} from './tree/types.js';
import {parseDestination} from './via/destination.js';
import {diagnoseServer} from './via/walk.js';

export type LookAtServerOptions = {
	readonly io: Io;
	readonly timeoutMs: number;
	readonly answers?: Answers;
	readonly signal?: AbortSignal;
};

export type LookAtServer = (
	destination: string,
	client: Report,
	options: LookAtServerOptions,
) => Promise<Report>;

const failed = (
	client: Report,
	destination: string,
	kind: string,
	message: string,
): Report => ({
	...client,
	server: {
		destination,
		verdict: message,
		steps: [],
		commands: 0,
		error: {kind, message},
	},
});

export const lookAtServer: LookAtServer = async (
	destination,
	client,
	options,
) => {
	const parsed = parseDestination(destination);
	if (!parsed.ok) {
		return failed(client, destination, 'destination', parsed.message);
	}

	try {
		return await diagnoseServer(client, {
			destination: parsed.destination,
			io: options.io,
			timeoutMs: options.timeoutMs,
			diagnose,
			batch: true,
			...(options.answers ? {answers: options.answers} : {}),
			...(options.signal ? {signal: options.signal} : {}),
		});
	} catch (error) {
		return failed(
			client,
			destination,
			'error',
			`the server's side could not run: ${(error as Error).message}`,
		);
	}
};
