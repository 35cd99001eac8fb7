import type {ProxyKind} from '../../tree/facts.js';

/** Process names (comm) of reverse proxies. */
export const proxyProcesses: Readonly<Record<string, ProxyKind>> = {
	nginx: 'nginx',
	openresty: 'nginx',
	haproxy: 'haproxy',
	caddy: 'caddy',
	envoy: 'envoy',
	traefik: 'traefik',
	apache2: 'apache',
	httpd: 'apache',
};

/** Identify a proxy from an HTTP answer: the Server/Via headers, or a body only one proxy writes. */
export function proxyFromHttp(
	headers: Readonly<Record<string, string>>,
	body: string,
): {readonly kind: ProxyKind; readonly evidence: string} | undefined {
	const server = headers['server'] ?? '';
	const via = headers['via'] ?? '';
	const byServer: Array<[RegExp, ProxyKind]> = [
		[/^(nginx|openresty)/i, 'nginx'],
		[/haproxy/i, 'haproxy'],
		[/^caddy/i, 'caddy'],
		[/envoy/i, 'envoy'],
		[/traefik/i, 'traefik'],
		[/^apache/i, 'apache'],
		[/^awselb/i, 'aws-elb'],
		[/^(google frontend|gfe)/i, 'gcp-lb'],
		[/azure-application-gateway/i, 'azure-lb'],
		[/^cloudflare/i, 'cloudflare'],
	];
	for (const [pattern, kind] of byServer) {
		if (pattern.test(server)) {
			return {kind, evidence: `Server: ${server}`};
		}
	}

	if (/google/i.test(via)) {
		return {kind: 'gcp-lb', evidence: `Via: ${via}`};
	}

	if (/caddy/i.test(via)) {
		return {kind: 'caddy', evidence: `Via: ${via}`};
	}

	const byBody: Array<[RegExp, ProxyKind]> = [
		[/No server is available to handle this request/, 'haproxy'],
		[
			/upstream connect error or disconnect\/reset before headers|no healthy upstream/,
			'envoy',
		],
		[/<center>nginx(\/[\d.]+)?<\/center>/, 'nginx'],
	];
	for (const [pattern, kind] of byBody) {
		const match = pattern.exec(body);
		if (match) {
			return {kind, evidence: `the response body says "${match[0]}"`};
		}
	}

	return undefined;
}

export const statusTexts: Readonly<Record<number, string>> = {
	200: 'OK',
	301: 'Moved Permanently',
	302: 'Found',
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

export const statusLine = (status: number) =>
	`${status}${statusTexts[status] ? ` ${statusTexts[status]}` : ''}`;
