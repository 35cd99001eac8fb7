import type {ProxyKind, UpstreamFacts} from '../../tree/facts.js';
import {hostPort} from '../../net/address.js';
import type {CheckContext, CheckRun} from '../types.js';
import {
	isGatewayError,
	proxyFromHttp,
	proxyLabels,
	proxyProcesses,
	remoteKinds,
	statusLine,
} from './kinds.js';
import {listenersOnPort} from './listening.js';

const httpSchemes = new Set(['http', 'https', 'ws', 'wss']);

/** Programs that forward a published port into a container, where a proxy may run unseen. */
const forwarders = new Set([
	'docker-proxy',
	'rootlessport',
	'conmon',
	'slirp4netns',
	'pasta',
	'containerd',
	'kube-proxy',
]);

/** The URL to ask: the one the user gave, or http://HOST:PORT/ for a bare host:port. */
export function targetUrl(context: Pick<CheckContext, 'target'>): string {
	const {target} = context;
	if (target.scheme && httpSchemes.has(target.scheme)) {
		try {
			const url = new URL(target.input);
			url.protocol = target.scheme.startsWith('ws')
				? url.protocol.replace('ws', 'http')
				: url.protocol;
			url.hash = '';
			return url.toString();
		} catch {}
	}

	const secure =
		target.scheme === 'https' || target.scheme === 'wss' || target.port === 443;
	return `${secure ? 'https' : 'http'}://${hostPort(target.host, target.port)}/`;
}

/**
Who answers on the target: a reverse proxy found by the process that listens on the port (on
this host), or by the HTTP answer (Server header, a proxy's own error page), and the status it
gives. 502/503/504 from a proxy means its own connection to the backend failed.
*/
export const reverseProxy: CheckRun = async context => {
	const {target, facts, io} = context;
	const output: string[] = [];
	const commands: string[] = [];
	let found:
		| {
				kind: ProxyKind;
				evidence: string;
				pid?: number;
				local: boolean;
				container?: string;
		  }
		| undefined;

	/** A local listener whose program is known and is neither a proxy nor a container's port forwarder. */
	let plainProgram: string | undefined;
	/** Docker-proxy and the like: the proxy that answers runs in a container, behind it. */
	let forwarder: string | undefined;
	if (facts.local?.isLocal) {
		const port = await listenersOnPort(context, target.port);
		const owners = port.listeners.flatMap(l => l.processes.map(p => p.name));
		if (
			owners.length > 0 &&
			owners.every(
				name => proxyProcesses[name] === undefined && !forwarders.has(name),
			)
		) {
			plainProgram = owners[0];
		}

		forwarder = owners.find(name => forwarders.has(name));

		commands.push(port.source);
		for (const listener of port.listeners) {
			const owner = listener.processes.find(
				p => proxyProcesses[p.name] !== undefined,
			);
			output.push(
				`listening: ${hostPort(listener.address, listener.port)}${listener.processes.length > 0 ? ` ${listener.processes.map(p => `${p.name} pid ${p.pid}`).join(', ')}` : ''}`,
			);
			if (owner && !found) {
				found = {
					kind: proxyProcesses[owner.name]!,
					evidence: `${owner.name} (pid ${owner.pid}) listens on ${hostPort(listener.address, listener.port)}`,
					pid: owner.pid,
					local: true,
				};
			}
		}

		if (port.error) {
			output.push(`listeners: ${port.error}`);
		} else if (!port.processesVisible && port.listeners.length > 0) {
			output.push(
				'the processes that own the sockets are hidden (not root): sudo ss -Htlnp',
			);
		}
	}

	let http: UpstreamFacts['http'];
	const isHttp = Boolean(target.scheme && httpSchemes.has(target.scheme));
	const ask = found !== undefined || (isHttp && plainProgram === undefined);
	if (ask) {
		const url = targetUrl(context);
		// HAProxy retries a refused server three times, a second apart, before it answers 503.
		const timeout = Math.max(6000, context.timeoutMs);
		context.onCommand(`GET ${url}`);
		commands.push(`GET ${url}`);
		const answer = await io.httpGet(url, timeout);
		if (answer.ok) {
			const server = answer.headers['server'];
			http = {url, status: answer.status, ...(server ? {server} : {})};
			output.push(
				`GET ${url} → ${statusLine(answer.status)}${server ? ` (Server: ${server})` : ''}`,
			);
			const byHttp = proxyFromHttp(answer.headers, answer.body);
			if (byHttp && !found) {
				const remote = remoteKinds.has(byHttp.kind);
				found = {
					kind: byHttp.kind,
					evidence: `${byHttp.evidence}${forwarder && !remote ? ` (in a container: ${forwarder} listens on the port)` : ''}`,
					local: !remote && !forwarder && facts.local?.isLocal === true,
					...(forwarder && !remote ? {container: forwarder} : {}),
				};
			}

			const envoyRefused = /delayed connect error: 111/.exec(answer.body);
			if (envoyRefused) {
				output.push(`the body says: ${answer.body.trim().split('\n')[0]}`);
			}
		} else {
			output.push(`GET ${url} → no HTTP answer (${answer.code})`);
		}
	}

	const upstream: UpstreamFacts = {
		...(found
			? {
					proxy: found.kind,
					evidence: found.evidence,
					local: found.local,
					...(found.pid === undefined ? {} : {pid: found.pid}),
					...(found.container ? {container: found.container} : {}),
				}
			: {}),
		...(http ? {http} : {}),
	};
	const label = found ? proxyLabels[found.kind] : undefined;
	const status = http?.status;
	let detail: string;
	let verdict: 'passed' | 'problem' | 'unknown' = 'passed';
	if (found && isGatewayError(status)) {
		verdict = 'problem';
		detail = `${label} answers ${statusLine(status)}: its own connection to the backend failed (${found.evidence})`;
	} else if (found) {
		detail = `${label} answers for ${hostPort(target.host, target.port)} (${found.evidence})${status === undefined ? '' : `: ${statusLine(status)}`}`;
	} else if (isGatewayError(status)) {
		verdict = 'unknown';
		detail = `something answers ${statusLine(status)}${http?.server ? ` (Server: ${http.server})` : ''} but it is not a proxy this tool knows: a gateway could not reach its backend`;
	} else {
		detail = plainProgram
			? `${plainProgram} listens on port ${target.port}: not a reverse proxy`
			: facts.local?.isLocal
				? `no reverse proxy answers on port ${target.port} of this host`
				: `no reverse proxy or load balancer shows itself in the answer${status === undefined ? '' : ` (${statusLine(status)})`}`;
	}

	return {
		status: verdict,
		detail,
		...(commands.length > 0 ? {command: commands.join('; ')} : {}),
		output,
		facts: {upstream},
	};
};
