/**
The proxy-upstream judge (pure): from the upstreams the proxy's config names and what connecting
to each got, decide: a refusing upstream (upstream-refused), one that does not answer (filtered
or host-unreachable), all accepting (passed), or could not tell.
*/
import {isActive, sourceOf} from '../../model/proxy/upstream.js';
import type {UpstreamFacts} from '../../tree/facts.js';
import type {CheckResult, Confidence, Finding} from '../../tree/types.js';
import type {JudgeInput} from '../define.js';
import {isGatewayError, proxyLabels} from '../../tree/nodes/proxy.js';
import {statusLine} from './kinds.js';
import {
	backendFix,
	byHandCommands,
	controlFix,
	httpLines,
	probeLine,
	routeFix,
	serverSide,
	upstreamLine,
	where,
} from './upstream-explain.js';
import {
	assess,
	type Assessed,
	type UpstreamObservations,
} from './upstream-model.js';

type Read = Extract<UpstreamObservations, {kind: 'read'}>;

type Context = {
	readonly obs: Read;
	readonly input: JudgeInput;
	readonly http: UpstreamFacts['http'];
	readonly gateway: boolean;
	readonly base: {readonly command?: string; readonly output: string[]};
};

function unsupported(
	obs: Extract<UpstreamObservations, {kind: 'unsupported'}>,
): CheckResult {
	const label = obs.proxy ? proxyLabels[obs.proxy] : 'the proxy';
	const commands = obs.proxy ? byHandCommands(obs.proxy) : [];
	return {
		status: 'unknown',
		detail: `reading ${label}'s config is not supported yet: find its upstream by hand (commands below), then run refused on that address`,
		output: commands.map(c => `by hand: ${c}`),
	};
}

const logTail = (obs: Read) =>
	obs.logLines.slice(-3).map(e => `error log: ${e.raw}`);

function nothingRouted(context: Context): CheckResult {
	const {obs, base} = context;
	return {
		status: 'unknown',
		detail:
			obs.none ??
			`no upstream for this request could be found in ${obs.label}'s config`,
		...base,
		output: [...base.output, ...logTail(obs)],
	};
}

/** The backend does not answer at all: dropped packets or no route, on the proxy's side. */
function silentResult(
	context: Context,
	silent: readonly Assessed[],
	facts: CheckResult['facts'],
): CheckResult {
	const {obs, input, http, gateway, base} = context;
	const first = silent[0]!;
	const dropped = first.outcome === 'timeout';
	const at = `${where(first)} (${sourceOf(first.server)})`;
	const finding: Finding = {
		id: dropped ? 'filtered' : 'host-unreachable',
		confidence: gateway ? 'likely' : 'possible',
		summary: `${obs.label}${http ? ` answers ${statusLine(http.status)}` : ''}: its upstream ${at} ${
			dropped
				? 'does not answer at all (a firewall drops the packets, or the host is down)'
				: 'cannot be reached from here (no route)'
		}.`,
		evidence: [
			...httpLines(http),
			...obs.route,
			...silent.flatMap(p => [
				`${sourceOf(p.server)}: ${p.server.text}`,
				probeLine(p, input.uid),
			]),
		],
		fixes: [backendFix(first), routeFix(first)],
	};
	return {
		status: 'problem',
		detail: `${obs.label}'s upstream ${at} ${dropped ? 'does not answer: its packets are dropped' : 'is unreachable'}`,
		...base,
		facts,
		findings: [finding],
	};
}

function noRefusal(
	context: Context,
	assessed: readonly Assessed[],
	facts: CheckResult['facts'],
): CheckResult {
	const {obs, input, http, gateway, base} = context;
	const open = assessed.filter(p => p.outcome === 'open');
	const allOpen = open.length === assessed.length;
	const accepting = open.map(p => where(p)).join(', ');
	let detail: string;
	if (gateway) {
		detail = `${obs.label} answered ${statusLine(http!.status)}, but its upstream ${accepting || assessed.map(p => p.server.address).join(', ')} ${allOpen ? 'accepts now' : 'could not be tested'}: it may have been restarting, or it accepts and then fails (see the error log)`;
	} else if (allOpen) {
		detail = `${obs.label}'s upstream ${accepting} accepts connections`;
	} else {
		detail = `${obs.label}'s upstream could not be tested: ${assessed.map(p => probeLine(p, input.uid)).join('; ')}`;
	}

	return {
		status: !gateway && allOpen ? 'passed' : 'unknown',
		detail,
		...base,
		facts,
	};
}

function refusedResult(
	context: Context,
	assessed: readonly Assessed[],
	facts: CheckResult['facts'],
): CheckResult {
	const {obs, input, http, gateway, base} = context;
	const refused = assessed.filter(p => p.outcome === 'refused');
	const sides = refused.flatMap(p => {
		const port =
			p.server.port === undefined ? undefined : obs.ports[p.server.port];
		return p.local && port ? [serverSide(p, port, input.uid)] : [];
	});
	const hints = sides.map(side => side.evidence);
	const logFor = (p: Assessed) =>
		obs.logLines.filter(e => e.upstream === where(p));
	const active = assessed.filter(p => isActive(p.server));
	const everyActiveRefused =
		active.length > 0 && active.every(p => p.outcome === 'refused');
	const corroborated = gateway || refused.some(p => logFor(p).length > 0);
	const confidence: Confidence = everyActiveRefused
		? corroborated
			? 'confirmed'
			: 'likely'
		: 'possible';
	const names = refused
		.map(p => `${where(p)} (${sourceOf(p.server)})`)
		.join(', ');
	const side = sides[0] ? `; ${sides[0].short}` : '';
	const partial = everyActiveRefused
		? ''
		: ' (the other upstreams accept, so only some requests fail)';
	const fixes = refused
		.flatMap(p => [
			backendFix(p),
			controlFix(obs.label, obs.control, p, input.uid),
		])
		.filter(
			(fix, index, all) =>
				all.findIndex(f => f.command === fix.command) === index,
		);
	const finding: Finding = {
		id: 'upstream-refused',
		confidence,
		summary: `${obs.label}${http ? ` answers ${statusLine(http.status)}` : ' accepts'}, but its upstream ${names} refuses connections${side}${partial}.`,
		evidence: [
			...httpLines(http),
			...obs.route,
			...refused.flatMap(p => [
				`${sourceOf(p.server)}: ${p.server.text}`,
				probeLine(p, input.uid),
				...logFor(p)
					.slice(-1)
					.map(e => `error log: ${e.raw}`),
			]),
			...hints,
		],
		fixes,
	};
	const first = refused[0]!;
	return {
		status: 'problem',
		detail: `upstream ${where(first)} (${sourceOf(first.server)}) refuses: ${obs.label} cannot reach its backend`,
		...base,
		output: [...base.output, ...hints],
		facts,
		findings: [finding],
	};
}

export function judgeUpstream(
	obs: UpstreamObservations,
	input: JudgeInput,
): CheckResult {
	if (obs.kind === 'unsupported') {
		return unsupported(obs);
	}

	const http = input.facts.upstream?.http;
	const command = obs.commands.join('; ');
	const assessed = obs.probed.map(p => assess(p, obs.ownAddresses));
	const context: Context = {
		obs,
		input,
		http,
		gateway: isGatewayError(http?.status),
		base: {
			...(command ? {command} : {}),
			output: [
				...obs.route,
				...obs.notes,
				...assessed.map(p => upstreamLine(p, input.uid)),
				...(assessed.length > 0 ? logTail(obs) : []),
			],
		},
	};
	if (assessed.length === 0) {
		return nothingRouted(context);
	}

	const upstreams = assessed.map(p => ({
		address: where(p),
		outcome: p.outcome,
		source: sourceOf(p.server),
		local: p.local,
	}));
	const facts = {
		upstream: {
			...input.facts.upstream,
			upstream: upstreams[0]!.address,
			upstreams,
		},
	};
	const refused = assessed.filter(p => p.outcome === 'refused');
	const silent = assessed.filter(
		p => p.outcome === 'timeout' || p.outcome === 'unreachable',
	);
	if (refused.length === 0 && silent.length > 0) {
		return silentResult(context, silent, facts);
	}

	return refused.length === 0
		? noRefusal(context, assessed, facts)
		: refusedResult(context, assessed, facts);
}
