/**
The words of the container-port step when a running container publishes the port: the mapping,
the host side, what listens inside, and the finding where the chain breaks.
*/
import {hostPort} from '../../net/address.js';
import {formatBinding} from '../../parsers/docker-inspect.js';
import {shellQuote} from '../../text/sanitize.js';
import type {ContainerMatch} from '../../tree/facts.js';
import type {CheckResult, Finding, Fix} from '../../tree/types.js';
import {inspectOf, publishFlag} from './chain.js';
import {hostSide, insideLines, probeLines} from './evidence.js';
import {bindFixes, logsCommand, nsenterCommand, publishFixes} from './fixes.js';
import type {PortVerdict} from './port-judge.js';
import {
	listenersText,
	matchFacts,
	sourceOf,
	type PortWords,
} from './port-words.js';

type Published = Extract<PortVerdict, {kind: 'published'}>;

function evidenceOf(verdict: Published, words: PortWords): string[] {
	const {container, bindings} = verdict;
	const {facts, port, uid} = words;
	const containerPort = bindings[0]!.containerPort;
	const mapping = bindings.map(b => formatBinding(b)).join(', ');
	const target = container.addresses.map(a => hostPort(a, containerPort));
	return [
		`${container.name} (${container.image}) publishes ${mapping} (${inspectOf(facts)})`,
		...(target.length > 0
			? [
					`container side: ${target.join(', ')} (${container.name}'s own address: docker-proxy or the NAT rule forwards there, not to its 127.0.0.1)`,
				]
			: []),
		...hostSide(facts, port, uid),
		...probeLines(facts, port),
		...insideLines(container, words.netns.get(container.id), uid),
	];
}

/** Published, but not on the address the client dials (127.0.0.1 only, while the target is another address). */
function uncoveredFinding(
	verdict: Published,
	words: PortWords,
	evidence: string[],
): Finding[] {
	const {container, bindings, uncovered} = verdict;
	const {port, cli} = words;
	if (uncovered === undefined) {
		return [];
	}

	const first = bindings[0]!;
	return [
		{
			id: 'container-not-published',
			confidence: 'confirmed',
			summary: `${container.name} publishes port ${port} only on ${bindings.map(b => b.hostIp || '0.0.0.0').join(', ')}; ${uncovered} is not among them, so clients from other machines are refused.`,
			evidence,
			fixes: publishFixes(
				container,
				cli,
				publishFlag({hostIp: '', hostPort: port}, first.containerPort),
				first,
			).map(fix => ({
				...fix,
				why: `${fix.why} Publishing on every address exposes the port to the network: only do it when remote access is wanted (and firewall it).`,
			})),
		},
	];
}

function elsewhereFixes(
	verdict: Published,
	words: PortWords,
	inside: Extract<Published['inside'], {state: 'elsewhere'}>,
): Fix[] {
	const {container, bindings} = verdict;
	const {port, cli} = words;
	const first = bindings[0]!;
	if (inside.actual === undefined) {
		return [
			{
				command: logsCommand(container, cli, 50),
				why: "The app's own log says whether it started and which port (and address) it chose; publish that port, on an app listening on 0.0.0.0.",
			},
			...(inside.loopbackPorts.length > 0
				? bindFixes(container, cli, inside.loopbackPorts[0]!)
				: []),
		];
	}

	return [
		...publishFixes(container, cli, publishFlag(first, inside.actual), first),
		{
			command: `Or set the app in ${shellQuote([container.name])} to listen on port ${first.containerPort}`,
			why: `The mapping sends host port ${port} to ${first.containerPort}; the app must listen there (on 0.0.0.0).`,
		},
	];
}

/** The state of the chain inside: detail, status and the finding it adds. */
function insideVerdict(
	verdict: Published,
	words: PortWords,
	evidence: string[],
): {detail: string; findings: Finding[]; known: boolean} {
	const {container, bindings, inside} = verdict;
	const {port, cli, uid} = words;
	const containerPort = bindings[0]!.containerPort;
	const mapping = bindings.map(b => formatBinding(b)).join(', ');
	const read = words.netns.get(container.id);
	switch (inside.state) {
		case 'unread': {
			return {
				known: false,
				detail: `${container.name} publishes ${mapping}, but what listens inside could not be read (${read?.why ?? 'not read'}). Check by hand: ${sourceOf(container, read, uid)}`,
				findings: inside.dropped
					? [
							{
								id: 'container-loopback-bind',
								confidence: 'likely',
								summary: `Port ${port} is accepted and then dropped: docker-proxy cannot reach the app in ${container.name} on port ${containerPort}. Most often the app binds 127.0.0.1 inside the container (its namespace could not be read to confirm).`,
								evidence,
								fixes: bindFixes(container, cli, containerPort),
							},
							{
								id: 'wrong-port',
								confidence: 'possible',
								summary: `Or the app in ${container.name} listens on another port than ${containerPort}, the container side of the mapping.`,
								evidence,
								fixes: [
									{
										command: nsenterCommand(container.pid, uid),
										why: 'Shows the port the app really listens on inside the container; publish that one.',
									},
								],
							},
						]
					: [],
			};
		}

		case 'intact': {
			return {
				known: true,
				detail: `${container.name} publishes ${mapping} and the app listens on ${listenersText(inside.reachable)} inside: the chain is intact.`,
				findings: [],
			};
		}

		case 'loopback': {
			return {
				known: true,
				detail: `${container.name}: the app binds ${listenersText(inside.onPort)} inside, unreachable through the mapping ${mapping}.`,
				findings: [
					{
						id: 'container-loopback-bind',
						confidence: 'confirmed',
						summary: `The app in ${container.name} listens on ${listenersText(inside.onPort)} inside the container only, so the published port ${port} cannot reach it${inside.dropped ? ': docker-proxy accepts and then drops every connection' : ''}.`,
						evidence,
						fixes: bindFixes(container, cli, containerPort),
					},
				],
			};
		}

		case 'elsewhere': {
			return {
				known: true,
				detail: `${container.name} maps ${mapping}, but nothing listens on ${containerPort} inside${inside.actual === undefined ? '' : ` (the app listens on ${inside.actual})`}.`,
				findings: [
					{
						id: 'wrong-port',
						confidence: inside.actual === undefined ? 'likely' : 'confirmed',
						summary: elsewhereSummary(verdict, words),
						evidence,
						fixes: elsewhereFixes(verdict, words, inside),
					},
				],
			};
		}
	}
}

function elsewhereSummary(verdict: Published, words: PortWords): string {
	const {container, bindings, inside} = verdict;
	const {port} = words;
	const containerPort = bindings[0]!.containerPort;
	const listeners = words.netns.get(container.id)?.listeners ?? [];
	const head = `${container.name} maps host port ${port} to container port ${containerPort}`;
	if (listeners.length === 0) {
		return `${head}, but nothing listens inside the container at all (the app may not have started its listener).`;
	}

	return inside.state === 'elsewhere' && inside.actual !== undefined
		? `${head}, but the app listens on ${inside.actual} inside.`
		: `${head}, but nothing listens there inside; it listens on ${listenersText(listeners)}.`;
}

/** A running container publishes the port: follow the mapping inside. */
export function explainPublished(
	verdict: Published,
	words: PortWords,
): CheckResult {
	const {container, bindings} = verdict;
	const {facts, uid} = words;
	const read = words.netns.get(container.id);
	const evidence = evidenceOf(verdict, words);
	const inside = insideVerdict(verdict, words, evidence);
	const findings = [
		...uncoveredFinding(verdict, words, evidence),
		...inside.findings,
	];
	const match: ContainerMatch = {
		kind: 'published',
		id: container.id,
		name: container.name,
		binding: bindings[0]!,
		...(read?.listeners ? {listeners: read.listeners} : {}),
		source: sourceOf(container, read, uid),
	};
	const status =
		findings.length > 0 ? 'problem' : inside.known ? 'passed' : 'unknown';
	return {
		status,
		detail: inside.detail,
		output: evidence,
		facts: matchFacts(facts, container, match),
		findings,
	};
}
