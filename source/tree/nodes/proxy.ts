import type {Facts, ProxyKind} from '../facts.js';
import type {AutoAnswer, CheckNode} from '../types.js';
import {serverChecks} from './server.js';

const httpSchemes = new Set(['http', 'https', 'ws', 'wss']);

export const proxyLabels: Readonly<Record<ProxyKind, string>> = {
	nginx: 'nginx',
	haproxy: 'HAProxy',
	caddy: 'Caddy',
	envoy: 'Envoy',
	traefik: 'Traefik',
	apache: 'Apache httpd',
	'aws-elb': 'an AWS load balancer (ELB/ALB)',
	'gcp-lb': 'a Google Cloud load balancer',
	'azure-lb': 'an Azure Application Gateway',
	cloudflare: 'Cloudflare',
};

/** Load balancers that never run on this host. */
export const remoteKinds: ReadonlySet<ProxyKind> = new Set([
	'aws-elb',
	'gcp-lb',
	'azure-lb',
	'cloudflare',
]);

/** 502, 503, 504: a gateway could not get an answer from its backend. */
export const isGatewayError = (status: number | undefined) =>
	status === 502 || status === 503 || status === 504;

/** The process names of the listeners step are used when that step exists. */
const detectAfter = serverChecks.some(node => node.id === 'listeners')
	? ['probe', 'local', 'listeners']
	: ['probe', 'local'];

/** The proxy checks of the tree (in the order they appear on screen). */
export const proxyChecks: readonly CheckNode[] = [
	{
		kind: 'check',
		id: 'reverse-proxy',
		writes: ['upstream'],
		title: 'Is a reverse proxy answering?',
		why: "When a proxy (nginx, HAProxy, Caddy, Envoy, Traefik) answers for the service, the connection that fails may be the proxy's own connection to its backend, not yours.",
		read: 'Names the proxy and how it was recognised: the process listening on the port, or the HTTP Server header. 502, 503 or 504 from a proxy means it could not reach its backend.',
		after: detectAfter,
		when(facts) {
			if (facts.probe?.outcome !== 'open') {
				return 'the target does not accept connections, so no proxy answers on it';
			}

			const isHttp =
				facts.target?.scheme !== undefined &&
				httpSchemes.has(facts.target.scheme);
			return isHttp || facts.local?.isLocal
				? true
				: 'not an http(s) URL and not on this host: nothing to ask or read';
		},
		timeoutMs: 8000,
	},
	{
		kind: 'check',
		id: 'proxy-upstream',
		writes: ['upstream'],
		title: "Does the proxy's upstream accept?",
		why: 'The proxy sends each request to a backend named in its config. If that backend refuses, the proxy answers 502/503 and the backend is what to fix.',
		read: "Shows the config file and line that names the upstream for this request (server block, location, proxy_pass or server), what connecting to it gets, the proxy's error log lines, and what listens on that port on this host.",
		after: ['reverse-proxy'],
		when(facts) {
			const upstream = facts.upstream;
			if (!upstream?.proxy) {
				return 'no reverse proxy answers for the target';
			}

			if (upstream.container) {
				return `the proxy runs in a container (behind ${upstream.container}): read its config inside it, e.g. docker exec <container> nginx -T`;
			}

			if (remoteKinds.has(upstream.proxy) || !upstream.local) {
				return 'the proxy is not on this host, so its config cannot be read here';
			}

			return true;
		},
		timeoutMs: 10_000,
	},
	{
		kind: 'check',
		id: 'load-balancer',
		writes: ['upstream'],
		title: 'The load balancer in front',
		why: 'A load balancer on another host forwards only to backends that pass its health checks. What it sees can only be read on it, so the tool says what to check there and how.',
		read: 'Lists what to check on the balancer (listener, target port, health check path and port, security groups) with the commands for AWS, Google Cloud, Azure, HAProxy and nginx.',
		after: ['reverse-proxy'],
		uses: ['proxy'],
		when(facts, answers) {
			if (facts.upstream?.container) {
				return `the proxy runs in a container on this host (behind ${facts.upstream.container}), not on another host`;
			}

			if (facts.upstream?.proxy && facts.upstream.local) {
				return 'the proxy runs on this host: see the upstream step';
			}

			if (facts.upstream?.proxy && remoteKinds.has(facts.upstream.proxy)) {
				return true;
			}

			return answers.proxy === 'yes'
				? true
				: 'no load balancer in front (the proxy question was not answered yes)';
		},
		timeoutMs: 1000,
	},
];

/**
The `proxy` question applies when a proxy was found (then it answers itself), when something
answered 502/503/504 without saying what it is, or when a remote host refused or dropped the
connection (a balancer may stand in front of it). A local refusal has no proxy in between.
*/
export function proxyQuestionApplies(facts: Facts): boolean {
	const upstream = facts.upstream;
	if (upstream?.proxy) {
		return true;
	}

	if (isGatewayError(upstream?.http?.status)) {
		return true;
	}

	const outcome = facts.probe?.outcome;
	return (
		facts.local?.isLocal === false &&
		(outcome === 'refused' || outcome === 'timeout')
	);
}

/** Yes, with the evidence, when the reverse-proxy step identified one. */
export function proxyAnswer(facts: Facts): AutoAnswer | undefined {
	const upstream = facts.upstream;
	if (!upstream?.proxy) {
		return undefined;
	}

	return {
		value: 'yes',
		evidence: `${proxyLabels[upstream.proxy]}: ${upstream.evidence ?? 'identified by the reverse-proxy step'}`,
	};
}
