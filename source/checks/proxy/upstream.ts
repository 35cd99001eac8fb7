/**
The proxy-upstream step: which upstream a local reverse proxy sends this request to, and does it
accept? `measure` reads the proxy's config and error log through its dialect (source/proxies),
connects to each upstream server, and reads what listens on a refused local upstream's port;
`judgeUpstream` (./upstream-judge.ts) decides, ./upstream-explain.ts words it.
*/
import {
	serversFromLog,
	type UpstreamServer,
} from '../../model/proxy/upstream.js';
import {dialects} from '../../proxies/index.js';
import {hostPort, isIP} from '../../net/address.js';
import {defineCheck} from '../define.js';
import type {CheckContext} from '../types.js';
import {listenersOnPort, type PortListeners} from './listening.js';
import {judgeUpstream} from './upstream-judge.js';
import {
	assess,
	type ProbedServer,
	type ServerProbe,
	type UpstreamObservations,
} from './upstream-model.js';

async function probeServer(
	context: CheckContext,
	server: UpstreamServer,
): Promise<ServerProbe> {
	if (server.unix) {
		return {kind: 'unix'};
	}

	if (!server.host || server.port === undefined) {
		return {kind: 'no-port'};
	}

	let addresses = [server.host];
	if (isIP(server.host) === 0) {
		const lookup = await context.io.lookup(server.host, 3000);
		if (!lookup.ok || lookup.addresses.length === 0) {
			return {kind: 'no-address', code: lookup.ok ? 'no address' : lookup.code};
		}

		// The proxy resolves the name too and tries each address in turn (nginx, HAProxy at start).
		addresses = lookup.addresses.map(a => a.address);
	}

	const tries = [];
	for (const address of addresses) {
		context.onLine(`connect ${hostPort(address, server.port)}`);
		const result = await context.io.connect(
			address,
			server.port,
			context.timeoutMs,
			context.signal,
		);
		tries.push({address, code: result.code, ms: result.ms});
	}

	return {kind: 'tried', tries};
}

/** The request as the proxy sees it: where it connected, the Host, and the path. */
function request(context: CheckContext) {
	const {target, facts} = context;
	let path = '/';
	try {
		path = new URL(facts.upstream?.http?.url ?? target.input).pathname || '/';
	} catch {}

	return {
		address: facts.probe?.address ?? target.host,
		port: target.port,
		host: target.host,
		path,
	};
}

/** What listens on the port of every refused upstream on this host (the server-side half). */
async function refusedPorts(
	context: CheckContext,
	probed: readonly ProbedServer[],
	ownAddresses: readonly string[],
): Promise<Record<number, PortListeners>> {
	const ports: Record<number, PortListeners> = {};
	for (const one of probed) {
		const assessed = assess(one, ownAddresses);
		const {port} = one.server;
		if (
			assessed.outcome === 'refused' &&
			assessed.local &&
			port !== undefined &&
			!ports[port]
		) {
			ports[port] = await listenersOnPort(context, port);
		}
	}

	return ports;
}

export async function measureUpstream(
	context: CheckContext,
): Promise<UpstreamObservations> {
	const kind = context.facts.upstream?.proxy;
	const dialect = kind ? dialects[kind] : undefined;
	if (!dialect) {
		return {kind: 'unsupported', ...(kind ? {proxy: kind} : {})};
	}

	const config = await dialect.load(context, context.facts.upstream?.pid);
	const route = config.route?.(request(context));
	const log = await dialect.readErrorLog(context, config.errorLogs);
	let servers = route?.servers ?? [];
	// No upstream from the config (unreadable, or a variable): the log names the one the proxy tried.
	if (servers.length === 0 && log.entries.length > 0) {
		servers = serversFromLog(log.entries);
	}

	const probed: ProbedServer[] = [];
	for (const server of servers) {
		probed.push({server, probe: await probeServer(context, server)});
	}

	const ownAddresses =
		context.facts.local?.addresses ??
		context.io.interfaces().map(i => i.address);
	const none = route ? route.none : config.error;
	return {
		kind: 'read',
		label: dialect.label,
		route: route?.reasons ?? [],
		notes: [...config.notes, ...(route?.notes ?? []), ...log.notes],
		commands: [...config.commands, ...log.commands],
		...(none === undefined ? {} : {none}),
		logLines: log.entries,
		probed,
		ports: await refusedPorts(context, probed, ownAddresses),
		ownAddresses,
		control: config.control,
	};
}

/** Which upstream a local reverse proxy sends this request to, and does it accept? */
export const proxyUpstream = defineCheck({
	measure: measureUpstream,
	judge: judgeUpstream,
});
