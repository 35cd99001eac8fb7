/** The one upstream-server type every proxy dialect routes to (nginx, HAProxy, or the error log). */
export type UpstreamServer = {
	/** "127.0.0.1:3000", "[::1]:3000", "unix:/run/app.sock", or a host name with port. */
	readonly address: string;
	readonly host?: string;
	readonly port?: number;
	readonly unix?: string;
	/** Where it is written: a config file (with `line`), or "the error log". */
	readonly file: string;
	readonly line?: number;
	/** The line itself: "proxy_pass http://127.0.0.1:3000;", "server app1 10.0.0.5:80 check". */
	readonly text: string;
	/** Kept out of normal traffic: `backup`, `down` (nginx), `disabled` (HAProxy). */
	readonly flags: readonly string[];
	/** HAProxy's server name. */
	readonly name?: string;
	/** HAProxy health-checks it (`check`) and marks it DOWN. */
	readonly checked?: boolean;
};

/** "/etc/nginx/conf.d/app.conf:14", or "the error log". */
export const sourceOf = (server: UpstreamServer) =>
	server.line === undefined ? server.file : `${server.file}:${server.line}`;

/** Servers that take normal traffic (not a backup, not marked down or disabled). */
export const isActive = (server: UpstreamServer) =>
	!server.flags.some(
		flag => flag === 'backup' || flag === 'down' || flag === 'disabled',
	);

/** What a request is: where it connected, and (HTTP) its Host and path. */
export type ProxyRequest = {
	readonly address: string;
	readonly port: number;
	readonly host?: string;
	readonly path?: string;
};

/** Where a proxy sends one request, and why. */
export type ProxyRoute = {
	/** Why these servers: the server block and location, or the frontend and backend chosen. */
	readonly reasons: readonly string[];
	readonly servers: readonly UpstreamServer[];
	/** Things the config cannot decide (a variable in proxy_pass). */
	readonly notes: readonly string[];
	/** Said when no upstream can be named: no server block for the port, files served directly. */
	readonly none?: string;
};

/** An error-log line that names the upstream the proxy tried ("127.0.0.1:3000", "unix:/run/x.sock"). */
export type ProxyLogEntry = {
	readonly upstream: string;
	readonly raw: string;
};

/** With no upstream from the config (unreadable, or a variable), the ones the error log names. */
export function serversFromLog(
	entries: readonly ProxyLogEntry[],
): UpstreamServer[] {
	const seen = new Set<string>();
	return entries
		.slice(-10)
		.map(e => e.upstream)
		.filter(address => !seen.has(address) && seen.add(address))
		.map(address => {
			const match = /^(?:\[([^\]]+)]|([^:]+)):(\d+)$/.exec(address);
			const unix = address.startsWith('unix:') ? address.slice(5) : undefined;
			return {
				address,
				...(match ? {host: match[1] ?? match[2]!, port: Number(match[3])} : {}),
				...(unix ? {unix} : {}),
				file: 'the error log',
				text: `upstream: "${address}"`,
				flags: [],
			};
		});
}
