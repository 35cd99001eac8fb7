/**
`--via`: the server's side of a diagnosis over the user's own SSH. `openServer` opens the one
connection, checks the login shell, learns who and where we are, and returns the server's `Io`
(for the server-side checks) with a `close()` that ends the master and removes its folder. Every
SSH failure comes back as one classified line, never an exception.
*/
import type {Io} from '../checks/types.js';
import {
	connectSsh,
	type SshConnection,
	type SshSettings,
} from './connection.js';
import type {SshFailure} from './failure.js';
import {hello, type ServerIdentity} from './hello.js';
import {createRemoteIo} from './remote-io.js';

export type {Destination} from './destination.js';
export {
	formatDestination,
	parseDestination,
	type ParsedDestination,
} from './destination.js';
export type {SshFailure, SshFailureKind} from './failure.js';
export type {Privilege, ServerIdentity} from './hello.js';
export type {SshSettings} from './connection.js';

export type ServerSide = {
	readonly io: Io;
	readonly identity: ServerIdentity;
	readonly connection: SshConnection;
	readonly close: () => Promise<void>;
};

export type OpenedServer =
	| ({readonly ok: true} & ServerSide)
	| {readonly ok: false; readonly failure: SshFailure};

export async function openServer(
	settings: SshSettings & {readonly commandTimeoutMs?: number},
): Promise<OpenedServer> {
	const connected = await connectSsh(settings);
	if (!connected.ok) {
		return connected;
	}

	const {connection} = connected;
	const said = await hello(connection);
	if (!said.ok) {
		await connection.close();
		return said;
	}

	return {
		ok: true,
		io: createRemoteIo(connection, said.identity, {
			...(settings.commandTimeoutMs === undefined
				? {}
				: {commandTimeoutMs: settings.commandTimeoutMs}),
		}),
		identity: said.identity,
		connection,
		close: connection.close,
	};
}
