/**
`refused TARGET --via DEST`: both sides of one diagnosis. The SSH connection opens while this
host's walk runs; when this host could not connect, the same walk runs on the server through the
server's Io, aimed at the server's own address (the one this host dialed when it is there, else the
address the SSH connection reached), with this host's address as seen by the server (SSH_CONNECTION)
as `client` so the server's firewall is walked for our packets. Then the two are joined (join.ts).
The connection is closed whatever happens.
*/
import type {Io} from '../checks/types.js';
import {factsOf, type Session} from '../engine/session.js';
import {parseAddress, sameAddress} from '../net/address.js';
import {buildReport} from '../report/model.js';
import type {Target} from '../tree/facts.js';
import type {Answers} from '../tree/types.js';
import {proveWithCounters} from './confirm.js';
import {formatDestination, type Destination} from './destination.js';
import type {ServerIdentity} from './hello.js';
import {
	joinFailure,
	joinReports,
	joinSkipped,
	type JoinedReport,
} from './join.js';
import {openServer, type OpenedServer} from './index.js';

export type Diagnose = (
	target: Target,
	options: {
		readonly io: Io;
		readonly timeoutMs: number;
		readonly answers?: Answers;
		readonly signal?: AbortSignal;
	},
) => Promise<Session>;

export type ViaOptions = {
	readonly destination: Destination;
	readonly io: Io;
	readonly timeoutMs: number;
	readonly answers?: Answers;
	readonly signal?: AbortSignal;
	/** The one driver (injected: this folder does not import the composition root). */
	readonly diagnose: Diagnose;
	/** No prompt of any kind (--json, --markdown). */
	readonly batch: boolean;
	readonly ssh?: string;
	readonly connectTimeoutS?: number;
};

/** SSH_CONNECTION: "CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT", as the server saw this connection. */
export function sshConnection(
	env: Readonly<Record<string, string | undefined>>,
): {client?: string; server?: string} {
	const [client, , server] = (env['SSH_CONNECTION'] ?? '').split(' ');
	return {
		...(client && parseAddress(client) ? {client} : {}),
		...(server && parseAddress(server) ? {server} : {}),
	};
}

/** Aim the server's walk at its own address: the one this host dialed when the server has it. */
export function serverTarget(
	dialed: string,
	port: number,
	identity: ServerIdentity,
): {address: string; port: number; note?: string} {
	if (identity.interfaces.some(i => sameAddress(i.address, dialed))) {
		return {address: dialed, port};
	}

	const reached = sshConnection(identity.env).server;
	const address =
		reached ??
		identity.interfaces.find(i => !i.internal && i.family === 4)?.address ??
		dialed;
	return {
		address,
		port,
		note: `${dialed} is not an address of ${identity.hostname} (NAT, a load balancer or another host answers for it): the server probed ${address}, the address SSH reached`,
	};
}

function targetFor(address: string, port: number): Target {
	const host = address.includes(':') ? `[${address}]` : address;
	return {input: `${host}:${port}`, host: address, port};
}

async function serverWalk(
	opened: Extract<OpenedServer, {ok: true}>,
	client: ReturnType<typeof buildReport>,
	options: ViaOptions,
): Promise<JoinedReport> {
	const {identity} = opened;
	if (client.probe.outcome === 'open' && client.causes.length === 0) {
		return joinSkipped(
			client,
			{identity, commands: opened.connection.commands()},
			'the target accepted the connection from this host: nothing to look at on the server',
		);
	}

	if (!client.probe.address) {
		return joinSkipped(
			client,
			{identity, commands: opened.connection.commands()},
			'the name did not resolve on this host, so there is no address to look at on the server',
		);
	}

	const aim = serverTarget(client.probe.address, client.target.port, identity);
	const seen = sshConnection(identity.env).client;
	const answers: Answers = {
		...options.answers,
		...(seen && !options.answers?.client ? {client: seen} : {}),
	};
	const session = await options.diagnose(targetFor(aim.address, aim.port), {
		io: opened.io,
		// The server's probe of its own address crosses no network, but a REJECT with an ICMP error
		// answers a local connect only at the SYN's first retransmit (about 1 s): never less than 3 s.
		timeoutMs: Math.max(options.timeoutMs, 3000),
		answers,
		...(options.signal ? {signal: options.signal} : {}),
	});
	// The rule that decides our packets: its counters on the server around one more connect from here.
	const {firewall} = factsOf(session);
	const proof =
		firewall && answers.client
			? await proveWithCounters({
					server: opened.io,
					client: options.io,
					firewall,
					address: client.probe.address,
					port: client.target.port,
					timeoutMs: options.timeoutMs,
				})
			: undefined;
	return joinReports(client, buildReport(session), {
		identity,
		commands: opened.connection.commands(),
		target: {address: aim.address, port: aim.port},
		...(aim.note ? {note: aim.note} : {}),
		...(proof ? {proof} : {}),
	});
}

function openFor(options: ViaOptions): Promise<OpenedServer> {
	return openServer({
		destination: options.destination,
		batch: options.batch,
		connectTimeoutS: options.connectTimeoutS ?? 5,
		...(options.ssh ? {ssh: options.ssh} : {}),
	});
}

/** The server's side of a client walk already done (the app's "look at the server over SSH?"), joined. */
export async function diagnoseServer(
	client: ReturnType<typeof buildReport>,
	options: ViaOptions,
	opening: Promise<OpenedServer> = openFor(options),
): Promise<JoinedReport> {
	const opened = await opening;
	if (!opened.ok) {
		return joinFailure(
			client,
			formatDestination(options.destination),
			opened.failure,
		);
	}

	try {
		return await serverWalk(opened, client, options);
	} finally {
		await opened.close();
	}
}

/** Both sides, joined; an SSH failure is one line in `server.error`, the client's walk stands. */
export async function diagnoseVia(
	target: Target,
	options: ViaOptions,
): Promise<JoinedReport> {
	// The SSH connection opens while this host's walk runs.
	const opening = openFor(options);
	const clientSession = await options.diagnose(target, {
		io: options.io,
		timeoutMs: options.timeoutMs,
		...(options.answers ? {answers: options.answers} : {}),
		...(options.signal ? {signal: options.signal} : {}),
	});
	return diagnoseServer(buildReport(clientSession), options, opening);
}
