import net from 'node:net';
import {
	haproxyConfigArgs,
	parseHaproxyConfig,
	routeHaproxy,
	type HaproxySection,
} from '../../parsers/haproxy.js';
import {
	nginxErrorLogs,
	parseNginxErrorLog,
	routeNginx,
	upstreamAddressOf,
	type NginxLogEntry,
} from '../../parsers/nginx.js';
import type {UpstreamProbe} from '../../tree/facts.js';
import type {CheckResult, Finding, Fix, Outcome} from '../../tree/types.js';
import {outcomeOf} from '../outcomes.js';
import {hostPort, isLoopback} from '../../net/address.js';
import type {CheckContext, CheckRun} from '../types.js';
import {isGatewayError, proxyLabels, statusLine} from './kinds.js';
import {describeListener, listenersOnPort} from './listening.js';
import {
	errorLogPaths,
	loadNginxConfig,
	type NginxConfig,
} from './nginx-config.js';
import {readProcess} from './process.js';

/** An address the proxy sends to, and where its config (or log) names it. */
export type Candidate = {
	readonly address: string;
	readonly host?: string;
	readonly port?: number;
	readonly unix?: string;
	/** "/etc/nginx/sites-enabled/app:14". */
	readonly source: string;
	/** The line itself: "proxy_pass http://127.0.0.1:3000;". */
	readonly quote: string;
	readonly flags: readonly string[];
};

export type Probed = Candidate & {
	readonly outcome: Outcome | 'unknown';
	readonly line: string;
	readonly local: boolean;
	/** The address actually dialed (after resolving a name). */
	readonly dialed?: string;
};

function isOwnAddress(context: CheckContext, address: string): boolean {
	const plain = address.toLowerCase().replace(/^::ffff:/, '');
	if (isLoopback(plain) || plain === '0.0.0.0' || plain === '::') {
		return true;
	}

	const own =
		context.facts.local?.addresses ??
		context.io.interfaces().map(i => i.address);
	return own.some(a => a.toLowerCase() === plain);
}

async function probeCandidate(
	context: CheckContext,
	candidate: Candidate,
): Promise<Probed> {
	if (candidate.unix) {
		return {
			...candidate,
			outcome: 'unknown',
			local: true,
			line: `${candidate.address}: a Unix socket, not TCP; check it with: sudo ss -xlp | grep ${candidate.unix}`,
		};
	}

	if (!candidate.host || candidate.port === undefined) {
		return {
			...candidate,
			outcome: 'unknown',
			local: false,
			line: `${candidate.address}: no port, cannot connect`,
		};
	}

	let addresses = [candidate.host];
	if (net.isIP(candidate.host) === 0) {
		const lookup = await context.io.lookup(candidate.host, 3000);
		if (!lookup.ok || lookup.addresses.length === 0) {
			return {
				...candidate,
				outcome: 'dns-failure',
				local: false,
				line: `${candidate.address}: the name does not resolve here (${lookup.ok ? 'no address' : lookup.code})`,
			};
		}

		// The proxy resolves the name too and tries each address in turn (nginx, HAProxy at start).
		addresses = lookup.addresses.map(a => a.address);
	}

	const words: Record<Outcome, string> = {
		open: 'accepted',
		refused: 'refused',
		timeout: 'no answer',
		unreachable: 'unreachable',
		'dns-failure': 'name not resolved',
	};
	const tries = [];
	for (const address of addresses) {
		const dialed = hostPort(address, candidate.port);
		context.onLine(`connect ${dialed}`);
		const result = await context.io.connect(
			address,
			candidate.port,
			context.timeoutMs,
			context.signal,
		);
		const outcome = outcomeOf(result.code);
		tries.push({
			address,
			dialed,
			outcome,
			line: `connect ${dialed}${dialed === candidate.address ? '' : ` (${candidate.address})`}: ${words[outcome]} (${result.code}) in ${result.ms} ms`,
		});
	}

	// One address that accepts is enough for the proxy; otherwise the first address speaks for all.
	const chosen = tries.find(t => t.outcome === 'open') ?? tries[0]!;
	return {
		...candidate,
		outcome: chosen.outcome,
		dialed: chosen.dialed,
		local: isOwnAddress(context, chosen.address),
		line: tries.map(t => t.line).join('; '),
	};
}

/** What listens on the upstream's port on this host, for the server-side half of the story. */
async function serverSide(
	context: CheckContext,
	probed: Probed,
): Promise<{evidence: string; short: string}> {
	const port = await listenersOnPort(context, probed.port!);
	if (port.error) {
		return {
			evidence: `what listens on port ${probed.port} here could not be read: ${port.error} (by hand: sudo ss -Htlnp 'sport = :${probed.port}')`,
			short: `what listens on port ${probed.port} here could not be read`,
		};
	}

	if (port.listeners.length === 0) {
		return {
			evidence: `on this host nothing listens on port ${probed.port} at all (${port.source})`,
			short: `nothing listens on port ${probed.port} on this host: the backend is not running, or listens on another port`,
		};
	}

	const held = port.listeners.map(l => describeListener(l)).join(', ');
	return {
		evidence: `on this host port ${probed.port} is held by ${held} (${port.source}), not on ${probed.dialed ?? probed.address}`,
		short: `port ${probed.port} on this host is held by ${held}, not on the address the proxy dials`,
	};
}

type Analysis = {
	readonly proxyLabel: string;
	readonly candidates: readonly Candidate[];
	/** Why these: the server block / frontend and location chosen. */
	readonly route: readonly string[];
	readonly logLines: readonly NginxLogEntry[];
	readonly notes: readonly string[];
	readonly commands: readonly string[];
	readonly fixes: (probed: Probed) => Fix[];
	/** Said when no upstream can be named. */
	readonly none?: string;
};

async function finish(
	context: CheckContext,
	analysis: Analysis,
): Promise<CheckResult> {
	const http = context.facts.upstream?.http;
	const gateway = isGatewayError(http?.status);
	const output: string[] = [...analysis.route, ...analysis.notes];
	const command = analysis.commands.join('; ');
	if (analysis.candidates.length === 0) {
		const lines = [
			...output,
			...analysis.logLines.slice(-3).map(e => `error log: ${e.raw}`),
		];
		return {
			status: 'unknown',
			detail:
				analysis.none ??
				`no upstream for this request could be found in ${analysis.proxyLabel}'s config`,
			...(command ? {command} : {}),
			output: lines,
		};
	}

	const probed: Probed[] = [];
	for (const candidate of analysis.candidates) {
		probed.push(await probeCandidate(context, candidate));
	}

	output.push(...probed.map(p => `${p.source}: ${p.quote} → ${p.line}`));
	const logFor = (p: Probed) =>
		analysis.logLines.filter(
			e =>
				e.upstream && upstreamAddressOf(e.upstream) === (p.dialed ?? p.address),
		);
	const refused = probed.filter(p => p.outcome === 'refused');
	const active = probed.filter(
		p =>
			!p.flags.includes('backup') &&
			!p.flags.includes('down') &&
			!p.flags.includes('disabled'),
	);
	const upstreams: UpstreamProbe[] = probed.map(p => ({
		address: p.dialed ?? p.address,
		outcome: p.outcome,
		source: p.source,
		local: p.local,
	}));
	const facts = {
		upstream: {
			...context.facts.upstream,
			upstream: upstreams[0]!.address,
			upstreams,
		},
	};
	for (const entry of analysis.logLines.slice(-3)) {
		output.push(`error log: ${entry.raw}`);
	}

	const silent = probed.filter(
		p => p.outcome === 'timeout' || p.outcome === 'unreachable',
	);
	if (refused.length === 0 && silent.length > 0) {
		// The backend does not answer at all: dropped packets or no route, on the proxy's side.
		const first = silent[0]!;
		const dropped = first.outcome === 'timeout';
		const where = first.dialed ?? first.address;
		return {
			status: 'problem',
			detail: `${analysis.proxyLabel}'s upstream ${where} (${first.source}) ${dropped ? 'does not answer: its packets are dropped' : 'is unreachable'}`,
			...(command ? {command} : {}),
			output,
			facts,
			findings: [
				{
					id: dropped ? 'filtered' : 'host-unreachable',
					confidence: gateway ? 'likely' : 'possible',
					summary: `${analysis.proxyLabel}${http ? ` answers ${statusLine(http.status)}` : ''}: its upstream ${where} (${first.source}) ${
						dropped
							? 'does not answer at all (a firewall drops the packets, or the host is down)'
							: 'cannot be reached from here (no route)'
					}.`,
					evidence: [
						...(http
							? [
									`GET ${http.url} → ${statusLine(http.status)}${http.server ? ` (Server: ${http.server})` : ''}`,
								]
							: []),
						...analysis.route,
						...silent.flatMap(p => [`${p.source}: ${p.quote}`, p.line]),
					],
					fixes: [
						backendFix(first),
						{
							command: `ip route get ${first.host ?? where}`,
							why: 'Which way the packets to the upstream go from this host.',
						},
					],
				},
			],
		};
	}

	if (refused.length === 0) {
		const open = probed.filter(p => p.outcome === 'open');
		const allOpen = open.length === probed.length;
		return {
			status: gateway ? 'unknown' : allOpen ? 'passed' : 'unknown',
			detail: gateway
				? `${analysis.proxyLabel} answered ${statusLine(http.status)}, but its upstream ${open.map(p => p.dialed ?? p.address).join(', ') || probed.map(p => p.address).join(', ')} ${allOpen ? 'accepts now' : 'could not be tested'}: it may have been restarting, or it accepts and then fails (see the error log)`
				: allOpen
					? `${analysis.proxyLabel}'s upstream ${open.map(p => p.dialed ?? p.address).join(', ')} accepts connections`
					: `${analysis.proxyLabel}'s upstream could not be tested: ${probed.map(p => p.line).join('; ')}`,
			...(command ? {command} : {}),
			output,
			facts,
		};
	}

	const sides: Array<{evidence: string; short: string}> = [];
	for (const p of refused) {
		if (p.local && p.port !== undefined) {
			sides.push(await serverSide(context, p));
		}
	}

	const hints = sides.map(side => side.evidence);
	output.push(...hints);
	const everyActiveRefused =
		active.length > 0 && active.every(p => p.outcome === 'refused');
	const corroborated = gateway || refused.some(p => logFor(p).length > 0);
	const confidence = everyActiveRefused
		? corroborated
			? 'confirmed'
			: 'likely'
		: 'possible';
	const first = refused[0]!;
	const names = refused
		.map(p => `${p.dialed ?? p.address} (${p.source})`)
		.join(', ');
	const side = sides[0] ? `; ${sides[0].short}` : '';
	const partial = everyActiveRefused
		? ''
		: ' (the other upstreams accept, so only some requests fail)';
	const summary = `${analysis.proxyLabel}${http ? ` answers ${statusLine(http.status)}` : ' accepts'}, but its upstream ${names} refuses connections${side}${partial}.`;
	const evidence = [
		...(http
			? [
					`GET ${http.url} → ${statusLine(http.status)}${http.server ? ` (Server: ${http.server})` : ''}`,
				]
			: []),
		...analysis.route,
		...refused.flatMap(p => [
			`${p.source}: ${p.quote}`,
			p.line,
			...logFor(p)
				.slice(-1)
				.map(e => `error log: ${e.raw}`),
		]),
		...hints,
	];
	const finding: Finding = {
		id: 'upstream-refused',
		confidence,
		summary,
		evidence,
		fixes: refused
			.flatMap(p => analysis.fixes(p))
			.filter(
				(fix, index, all) =>
					all.findIndex(f => f.command === fix.command) === index,
			),
	};
	return {
		status: 'problem',
		detail: `upstream ${first.dialed ?? first.address} (${first.source}) refuses: ${analysis.proxyLabel} cannot reach its backend`,
		...(command ? {command} : {}),
		output,
		facts,
		findings: [finding],
	};
}

function backendFix(p: Probed): Fix {
	return p.local
		? {
				command: `refused ${p.dialed ?? p.address}`,
				why: `Diagnose the backend itself: the proxy is fine, ${p.dialed ?? p.address} is not accepting. This walks its listener, service and firewall on this host.`,
			}
		: {
				command: `refused ${p.dialed ?? p.address}`,
				why: `Run this on the backend host (${p.host ?? p.address}): it reads the listeners, services and firewall there.`,
			};
}

function requestPath(context: CheckContext): string {
	try {
		return (
			new URL(context.facts.upstream?.http?.url ?? context.target.input)
				.pathname || '/'
		);
	} catch {
		return '/';
	}
}

async function tailLog(
	context: CheckContext,
	path: string,
): Promise<{entries: NginxLogEntry[]; note?: string; command: string}> {
	const args = ['-n', '200', '--', path];
	context.onCommand(`tail ${args.join(' ')}`);
	const result = await context.io.run(
		{file: 'tail', args, timeoutMs: 3000},
		{signal: context.signal},
	);
	if (result.exitCode === 0) {
		return {
			entries: parseNginxErrorLog(result.stdout),
			command: result.command,
		};
	}

	const reason = result.notFound
		? 'tail is not installed'
		: result.timedOut
			? 'tail timed out'
			: (result.stderr.trim().split('\n')[0] ?? 'unreadable');
	return {
		entries: [],
		note: `error log ${path} could not be read (${reason}); by hand: sudo tail -n 50 ${path}`,
		command: result.command,
	};
}

async function analyseNginx(context: CheckContext): Promise<Analysis> {
	const {target, facts} = context;
	const config = await loadNginxConfig(context, facts.upstream?.pid);
	const notes: string[] = [];
	const commands: string[] = [];
	const route: string[] = [];
	let candidates: Candidate[] = [];
	let none: string | undefined;
	let logPaths = ['/var/log/nginx/error.log'];
	let okConfig: NginxConfig | undefined;
	if (config.ok) {
		okConfig = config;
		commands.push(config.command ?? `read ${config.files.join(', ')}`);
		notes.push(
			`config: ${config.confFile} (from ${config.how}), ${config.files.length} file${config.files.length === 1 ? '' : 's'} read`,
			...config.problems.slice(0, 3).map(p => `config problem: ${p}`),
		);
		const request = {
			address: facts.probe?.address ?? target.host,
			port: target.port,
			host: target.host,
			path: requestPath(context),
		};
		const routed = routeNginx(config.directives, request);
		route.push(
			`${routed.serverReason}${routed.location === undefined ? '' : `, location ${routed.location}`}`,
		);
		for (const pass of routed.passes) {
			if (pass.variable) {
				notes.push(
					`${pass.file}:${pass.line}: ${pass.directive} ${pass.value}: the address is a variable, decided per request; check the error log`,
				);
			}

			for (const server of pass.servers) {
				candidates.push({
					address: server.address,
					...(server.host === undefined ? {} : {host: server.host}),
					...(server.port === undefined ? {} : {port: server.port}),
					...(server.unix === undefined ? {} : {unix: server.unix}),
					source: `${server.file}:${server.line}`,
					quote: server.text,
					flags: server.flags,
				});
			}
		}

		if (!routed.server) {
			none = `nginx's config has no server block for port ${target.port}: ${routed.serverReason}`;
		} else if (routed.passes.length === 0) {
			none = `nginx serves ${request.path} on port ${target.port} itself (${route[0]}): there is no upstream to test`;
		}

		logPaths = errorLogPaths(config, nginxErrorLogs(config.directives));
	} else {
		notes.push(config.error);
		if (config.command) {
			commands.push(config.command);
		}

		none = `${config.error}; run by hand: sudo nginx -T | grep -nE 'listen|proxy_pass|upstream|server '`;
	}

	const logLines: NginxLogEntry[] = [];
	for (const path of logPaths.slice(0, 3)) {
		const tail = await tailLog(context, path);
		commands.push(tail.command);
		if (tail.note) {
			notes.push(tail.note);
		}

		logLines.push(
			...tail.entries.filter(
				e =>
					e.upstream !== undefined &&
					/connect\(\) failed|upstream/.test(e.message),
			),
		);
	}

	// No upstream from the config (unreadable, or a variable): the log names the one nginx tried.
	if (candidates.length === 0 && logLines.length > 0) {
		const seen = new Set<string>();
		candidates = logLines
			.slice(-10)
			.map(e => upstreamAddressOf(e.upstream!))
			.filter(address => !seen.has(address) && seen.add(address))
			.map(address => {
				const match = /^(?:\[([^\]]+)]|([^:]+)):(\d+)$/.exec(address);
				const unix = address.startsWith('unix:') ? address.slice(5) : undefined;
				return {
					address,
					...(match
						? {host: match[1] ?? match[2]!, port: Number(match[3])}
						: {}),
					...(unix ? {unix} : {}),
					source: 'the error log',
					quote: `upstream: "${address}"`,
					flags: [],
				};
			});
	}

	const signal = okConfig ? [okConfig.binary, ...okConfig.options] : ['nginx'];
	return {
		proxyLabel: 'nginx',
		candidates,
		route,
		logLines,
		notes,
		commands,
		...(none === undefined ? {} : {none}),
		fixes: p => [
			backendFix(p),
			{
				command: `sudo ${signal.join(' ')} -t && sudo ${signal.join(' ')} -s reload`,
				why: `If the backend listens on another address or port, change ${p.source} (${p.quote}) to it, then test the config and reload nginx (no dropped connections).`,
			},
		],
	};
}

async function analyseHaproxy(context: CheckContext): Promise<Analysis> {
	const {target, facts} = context;
	const pid = facts.upstream?.pid;
	let files = ['/etc/haproxy/haproxy.cfg'];
	const notes: string[] = [];
	const commands: string[] = [];
	let how = 'the default path';
	if (pid !== undefined) {
		const process = await readProcess(context.io, pid);
		if (process) {
			const named = haproxyConfigArgs(process.argv);
			if (named.length > 0) {
				files = named;
			}

			how = `/proc/${pid}/cmdline: ${process.argv.join(' ')}`;
		}
	}

	const sections: HaproxySection[] = [];
	const read: string[] = [];
	for (const path of files) {
		const file = await context.io.readFile(path);
		if (file.ok) {
			read.push(path);
			sections.push(...parseHaproxyConfig(file.text, path));
			continue;
		}

		// A directory: its *.cfg files, in order.
		const names = await context.io.readDir(path);
		if (names) {
			for (const name of names.filter(n => n.endsWith('.cfg')).toSorted()) {
				const inner = await context.io.readFile(`${path}/${name}`);
				if (inner.ok) {
					read.push(`${path}/${name}`);
					sections.push(...parseHaproxyConfig(inner.text, `${path}/${name}`));
				}
			}
		} else {
			notes.push(
				`${path} could not be read (${file.code}); by hand: sudo cat ${path}`,
			);
		}
	}

	commands.push(`read ${read.join(', ') || files.join(', ')}`);
	notes.unshift(`config: ${files.join(', ')} (from ${how})`);
	const routed = routeHaproxy(sections, {
		address: facts.probe?.address ?? target.host,
		port: target.port,
	});
	const route = [
		routed.reason,
		...routed.backends.map(
			b =>
				`backend ${b.section.name} at ${b.section.file}:${b.section.line} (${b.via})`,
		),
	];
	const candidates = routed.backends.flatMap(b =>
		b.servers.map(s => ({
			address: s.address,
			...(s.host === undefined ? {} : {host: s.host}),
			...(s.port === undefined ? {} : {port: s.port}),
			...(s.unix === undefined ? {} : {unix: s.unix}),
			source: `${s.file}:${s.line}`,
			quote: s.text,
			flags: s.flags,
		})),
	);
	const configArgs = files.flatMap(f => ['-f', f]);
	return {
		proxyLabel: 'HAProxy',
		candidates,
		route,
		logLines: [],
		notes,
		commands,
		...(read.length === 0
			? {none: `HAProxy's config could not be read: ${notes.at(-1) ?? ''}`}
			: routed.frontend
				? routed.backends.length === 0
					? {none: `${routed.reason} names no backend with servers`}
					: {}
				: {none: `HAProxy's config: ${routed.reason}`}),
		fixes: p => [
			backendFix(p),
			{
				command: `sudo haproxy -c ${configArgs.join(' ')} && sudo systemctl reload haproxy`,
				why: `If the backend listens on another address or port, change ${p.source} (${p.quote}) to it, check the config and reload HAProxy.`,
			},
		],
	};
}

const byHand: Partial<Record<string, readonly string[]>> = {
	caddy: [
		'caddy adapt --config /etc/caddy/Caddyfile --pretty | grep -n dial',
		'journalctl -u caddy -n 50 | grep -i "dial tcp"',
	],
	envoy: [
		'curl -s http://127.0.0.1:9901/clusters | grep -E "health_flags|cx_connect_fail"',
		'curl -s http://127.0.0.1:9901/config_dump | grep -A3 socket_address',
	],
	traefik: [
		'curl -s http://127.0.0.1:8080/api/http/services | jq ".[] | {name, serverStatus}"',
		'journalctl -u traefik -n 50 | grep -i "connection refused"',
	],
	apache: [
		'sudo apachectl -S',
		'sudo grep -rn "ProxyPass" /etc/apache2 /etc/httpd 2>/dev/null',
		'sudo tail -n 50 /var/log/apache2/error.log',
	],
};

/** Which upstream a local reverse proxy sends this request to, and does it accept? */
export const proxyUpstream: CheckRun = async context => {
	const kind = context.facts.upstream?.proxy;
	if (kind === 'nginx') {
		return finish(context, await analyseNginx(context));
	}

	if (kind === 'haproxy') {
		return finish(context, await analyseHaproxy(context));
	}

	const label = kind ? proxyLabels[kind] : 'the proxy';
	const commands = (kind && byHand[kind]) ?? [];
	return {
		status: 'unknown',
		detail: `reading ${label}'s config is not supported yet: find its upstream by hand (commands below), then run refused on that address`,
		output: commands.map(c => `by hand: ${c}`),
	};
};
