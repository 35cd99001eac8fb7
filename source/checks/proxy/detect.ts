import type {ProxyKind, UpstreamFacts} from '../../tree/facts.js';
import type {CheckResult} from '../../tree/types.js';
import {hostPort} from '../../net/address.js';
import {defineCheck, type JudgeInput} from '../define.js';
import type {CheckContext, HttpResult} from '../types.js';
import {
	isGatewayError,
	proxyLabels,
	remoteKinds,
} from '../../tree/nodes/proxy.js';
import {proxyFromHttp, proxyProcesses, statusLine} from './kinds.js';
import {listenersOnPort, type PortListeners} from './listening.js';

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

type Found = {
	kind: ProxyKind;
	evidence: string;
	pid?: number;
	local: boolean;
	container?: string;
};

export type DetectObservations = {
	/** What listens on the target's port, for a target on this host. */
	readonly port?: PortListeners;
	/** The plain HTTP GET to the target, when one was made. */
	readonly http?: {readonly url: string; readonly answer: HttpResult};
};

/** The listener owners: a proxy among them, a plain program, or a container's port forwarder. */
function byListeners(port: PortListeners | undefined): {
	found?: Found;
	plainProgram?: string;
	forwarder?: string;
} {
	const listeners = port?.listeners ?? [];
	const owners = listeners.flatMap(l => l.processes.map(p => p.name));
	const plain =
		owners.length > 0 &&
		owners.every(
			name => proxyProcesses[name] === undefined && !forwarders.has(name),
		);
	const forwarder = owners.find(name => forwarders.has(name));
	let found: Found | undefined;
	for (const listener of listeners) {
		const owner = listener.processes.find(
			p => proxyProcesses[p.name] !== undefined,
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

	return {
		...(found ? {found} : {}),
		...(plain ? {plainProgram: owners[0]} : {}),
		...(forwarder ? {forwarder} : {}),
	};
}

const isHttpTarget = (target: CheckContext['target']) =>
	Boolean(target.scheme && httpSchemes.has(target.scheme));

/** Ask over HTTP when a proxy listens here, or for an http(s) URL not served by a plain program. */
async function measureDetect(
	context: CheckContext,
): Promise<DetectObservations> {
	const {target, facts, io} = context;
	const port = facts.local?.isLocal
		? await listenersOnPort(context, target.port)
		: undefined;
	const seen = byListeners(port);
	const ask =
		seen.found !== undefined ||
		(isHttpTarget(target) && seen.plainProgram === undefined);
	if (!ask) {
		return port ? {port} : {};
	}

	const url = targetUrl(context);
	// HAProxy retries a refused server three times, a second apart, before it answers 503.
	const timeout = Math.max(6000, context.timeoutMs);
	context.onCommand(`GET ${url}`);
	const answer = await io.httpGet(url, timeout);
	return {...(port ? {port} : {}), http: {url, answer}};
}

function listenerLines(port: PortListeners | undefined): string[] {
	if (!port) {
		return [];
	}

	const lines = port.listeners.map(
		listener =>
			`listening: ${hostPort(listener.address, listener.port)}${listener.processes.length > 0 ? ` ${listener.processes.map(p => `${p.name} pid ${p.pid}`).join(', ')}` : ''}`,
	);
	if (port.error) {
		lines.push(`listeners: ${port.error}`);
	} else if (!port.processesVisible && port.listeners.length > 0) {
		lines.push(
			'the processes that own the sockets are hidden (not root): sudo ss -Htlnp',
		);
	}

	return lines;
}

/** The HTTP answer: its lines, the facts, and a proxy it names (Server header or its own error page). */
function byHttp(
	observed: DetectObservations['http'],
	seen: ReturnType<typeof byListeners>,
	isLocal: boolean,
): {lines: string[]; http?: UpstreamFacts['http']; found?: Found} {
	if (!observed) {
		return {lines: []};
	}

	const {url, answer} = observed;
	if (!answer.ok) {
		return {lines: [`GET ${url} → no HTTP answer (${answer.code})`]};
	}

	const server = answer.headers['server'];
	const lines = [
		`GET ${url} → ${statusLine(answer.status)}${server ? ` (Server: ${server})` : ''}`,
	];
	if (answer.body.includes('delayed connect error: 111')) {
		lines.push(`the body says: ${answer.body.trim().split('\n')[0]}`);
	}

	const http = {url, status: answer.status, ...(server ? {server} : {})};
	const named = proxyFromHttp(answer.headers, answer.body);
	if (!named) {
		return {lines, http};
	}

	const remote = remoteKinds.has(named.kind);
	const {forwarder} = seen;
	const container = forwarder && !remote ? forwarder : undefined;
	return {
		lines,
		http,
		found: {
			kind: named.kind,
			evidence: `${named.evidence}${container ? ` (in a container: ${container} listens on the port)` : ''}`,
			local: !remote && !forwarder && isLocal,
			...(container ? {container} : {}),
		},
	};
}

function verdict(
	input: JudgeInput,
	found: Found | undefined,
	http: UpstreamFacts['http'],
	plainProgram: string | undefined,
): {status: 'passed' | 'problem' | 'unknown'; detail: string} {
	const {target, facts} = input;
	const status = http?.status;
	if (found) {
		const label = proxyLabels[found.kind];
		return isGatewayError(status)
			? {
					status: 'problem',
					detail: `${label} answers ${statusLine(status)}: its own connection to the backend failed (${found.evidence})`,
				}
			: {
					status: 'passed',
					detail: `${label} answers for ${hostPort(target.host, target.port)} (${found.evidence})${status === undefined ? '' : `: ${statusLine(status)}`}`,
				};
	}

	if (isGatewayError(status)) {
		return {
			status: 'unknown',
			detail: `something answers ${statusLine(status)}${http?.server ? ` (Server: ${http.server})` : ''} but it is not a proxy this tool knows: a gateway could not reach its backend`,
		};
	}

	return {
		status: 'passed',
		detail: plainProgram
			? `${plainProgram} listens on port ${target.port}: not a reverse proxy`
			: facts.local?.isLocal
				? `no reverse proxy answers on port ${target.port} of this host`
				: `no reverse proxy or load balancer shows itself in the answer${status === undefined ? '' : ` (${statusLine(status)})`}`,
	};
}

/**
Who answers on the target: a reverse proxy found by the process that listens on the port (on
this host), or by the HTTP answer (Server header, a proxy's own error page), and the status it
gives. 502/503/504 from a proxy means its own connection to the backend failed.
*/
export function judgeDetect(
	observations: DetectObservations,
	input: JudgeInput,
): CheckResult {
	const seen = byListeners(observations.port);
	const answered = byHttp(
		observations.http,
		seen,
		input.facts.local?.isLocal === true,
	);
	const found = seen.found ?? answered.found;
	const {http} = answered;
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
	const commands = [
		...(observations.port ? [observations.port.source] : []),
		...(observations.http ? [`GET ${observations.http.url}`] : []),
	];
	return {
		...verdict(input, found, http, seen.plainProgram),
		...(commands.length > 0 ? {command: commands.join('; ')} : {}),
		output: [...listenerLines(observations.port), ...answered.lines],
		facts: {upstream},
	};
}

export const reverseProxy = defineCheck({
	measure: measureDetect,
	judge: judgeDetect,
});
