/**
The words of the container-port step, pure: detail, evidence and fixes for each verdict of
`port-judge.ts`, for this container.
*/
import {hostPort} from '../../net/address.js';
import {formatBinding} from '../../parsers/docker-inspect.js';
import type {ContainerInfo, ContainerMatch, Facts} from '../../tree/facts.js';
import type {CheckResult, Finding, Fix} from '../../tree/types.js';
import {cliArgv, inspectOf} from './chain.js';
import {insideLines, probeLines} from './evidence.js';
import {bindFixes, logsCommand, publishFixes} from './fixes.js';
import type {PortObservations, PortVerdict} from './port-judge.js';
import {explainPublished} from './published-explain.js';
import {
	listenersText,
	matchFacts,
	sourceOf,
	type PortWords,
} from './port-words.js';

type Direct = Extract<PortVerdict, {kind: 'direct'}>;

function directFindings(
	verdict: Direct,
	words: PortWords,
	lines: string[],
): {detail: string; status: CheckResult['status']; findings?: Finding[]} {
	const {container, address, inside} = verdict;
	const {port, cli} = words;
	const at = hostPort(address, port);
	const shown = at.slice(0, at.lastIndexOf(':'));
	switch (inside.state) {
		case 'unread': {
			const read = words.netns.get(container.id);
			return {
				status: 'unknown',
				detail: `${shown} belongs to container ${container.name}, but what listens inside could not be read (${read?.why ?? 'not read'}). Check by hand: ${sourceOf(container, read, words.uid)}`,
			};
		}

		case 'reachable': {
			return {
				status: 'passed',
				detail: `${container.name} listens on ${listenersText(inside.onPort)} inside: reachable on ${at}.`,
			};
		}

		case 'loopback': {
			return {
				status: 'problem',
				detail: `${container.name} listens on ${listenersText(inside.onPort)} only: not on its address ${shown}.`,
				findings: [
					{
						id: 'container-loopback-bind',
						confidence: 'confirmed',
						summary: `The app in ${container.name} listens on ${listenersText(inside.onPort)} inside the container only, so its address ${at} refuses.`,
						evidence: lines,
						fixes: bindFixes(container, cli, port),
					},
				],
			};
		}

		case 'elsewhere': {
			const {ports} = inside;
			const listeners = words.netns.get(container.id)?.listeners ?? [];
			const fixes: Fix[] =
				ports.length === 1
					? [
							{
								command: `Connect to ${hostPort(address, ports[0]!)}`,
								why: `That is the port the app in ${container.name} listens on.`,
							},
						]
					: [
							{
								command: logsCommand(container, cli, 50),
								why: "The app's own log says whether it started and which port it chose.",
							},
						];
			return {
				status: 'problem',
				detail: `Nothing listens on port ${port} inside ${container.name}${ports.length > 0 ? ` (it listens on ${ports.join(', ')})` : ''}.`,
				findings: [
					{
						id: 'wrong-port',
						confidence: ports.length === 1 ? 'confirmed' : 'likely',
						summary:
							ports.length > 0
								? `${container.name} (${shown}) listens on ${listenersText(listeners)} inside, not on port ${port}.`
								: `Nothing listens inside ${container.name} (${shown}) at all.`,
						evidence: lines,
						fixes,
					},
				],
			};
		}
	}
}

/** The client dials the container's own address: what listens inside decides. */
function explainDirect(verdict: Direct, words: PortWords): CheckResult {
	const {container, address} = verdict;
	const {facts, port, uid} = words;
	const read = words.netns.get(container.id);
	const at = hostPort(address, port);
	const shown = at.slice(0, at.lastIndexOf(':'));
	const lines = [
		`${shown} is the address of container ${container.name} (${container.image}) on this host (${inspectOf(facts)})`,
		...probeLines(facts, port),
		...insideLines(container, read, uid),
	];
	const match: ContainerMatch = {
		kind: 'address',
		id: container.id,
		name: container.name,
		...(read?.listeners ? {listeners: read.listeners} : {}),
		source: sourceOf(container, read, uid),
	};
	return {
		...directFindings(verdict, words, lines),
		output: lines,
		facts: matchFacts(facts, container, match),
	};
}

function explainStopped(
	verdict: Extract<PortVerdict, {kind: 'stopped'}>,
	words: PortWords,
): CheckResult {
	const {container, bindings} = verdict;
	const {facts} = words;
	const mapping = bindings.map(b => formatBinding(b)).join(', ');
	return {
		status: 'problem',
		detail: `${container.name} should publish ${mapping}, but it is ${container.state} (exit code ${container.exitCode}).`,
		output: [
			`${container.name} (${container.image}) ${container.state}, exit code ${container.exitCode}, finished ${container.finishedAt}; asks for ${mapping} (${inspectOf(facts)})`,
		],
		facts: matchFacts(facts, container, {
			kind: 'stopped',
			id: container.id,
			name: container.name,
			binding: bindings[0]!,
			source: inspectOf(facts),
		}),
	};
}

type Listening = Extract<
	PortVerdict,
	{kind: 'published-elsewhere' | 'unpublished'}
>;

function listeningEvidence(verdict: Listening, words: PortWords): string[] {
	const {container, others} = verdict;
	const {facts, port, uid} = words;
	const published = container.ports.map(b => formatBinding(b));
	return [
		`${container.name} (${container.image}) publishes ${published.length > 0 ? published.join(', ') : 'no port'}; nothing maps host port ${port} (${inspectOf(facts)})`,
		...insideLines(container, words.netns.get(container.id), uid),
		...(others.length > 0
			? [`also listening on ${port} inside: ${others.join(', ')}`]
			: []),
		...probeLines(facts, port),
	];
}

function listeningFinding(verdict: Listening, words: PortWords): Finding {
	const {container} = verdict;
	const {facts, port, cli} = words;
	const evidence = listeningEvidence(verdict, words);
	if (verdict.kind === 'published-elsewhere') {
		const first = verdict.elsewhere[0]!;
		const host =
			first.hostIp === '' || first.hostIp === '0.0.0.0' || first.hostIp === '::'
				? (facts.probe?.address ?? '127.0.0.1')
				: first.hostIp;
		return {
			id: 'wrong-port',
			confidence: 'likely',
			summary: `${container.name} publishes its port ${port} as host port ${verdict.elsewhere.map(b => b.hostPort).join(', ')}: on the host, connect to ${hostPort(host, first.hostPort)}, not ${port}.`,
			evidence,
			fixes: [
				{
					command: `Connect to ${hostPort(host, first.hostPort)}`,
					why: `Publishing maps host port ${first.hostPort} to the container's ${port}; host port ${port} is not mapped.`,
				},
				...publishFixes(container, cli, `${port}:${port}`),
			],
		};
	}

	const fixes = publishFixes(
		container,
		cli,
		verdict.local ? `127.0.0.1:${port}:${port}` : `${port}:${port}`,
	);
	return {
		id: 'container-not-published',
		confidence: 'confirmed',
		summary: `${container.name} listens on port ${port} inside the container, but publishes no host port ${port}: on the host nothing listens, so the kernel refuses.`,
		evidence,
		fixes: verdict.loopbackOnly
			? [...fixes, ...bindFixes(container, cli, port)]
			: fixes,
	};
}

/** A running container listens on the port inside, and does not publish it as this host port. */
function explainListening(verdict: Listening, words: PortWords): CheckResult {
	const {container} = verdict;
	const {facts, port, uid} = words;
	const read = words.netns.get(container.id);
	const finding = listeningFinding(verdict, words);
	const first = verdict.kind === 'published-elsewhere' && verdict.elsewhere[0];
	return {
		status: 'problem',
		detail: first
			? `${container.name} listens on ${port} inside, and publishes it as host port ${first.hostPort}, not ${port}.`
			: `${container.name} listens on ${port} inside its own network namespace, but does not publish it on the host.`,
		output: finding.evidence,
		facts: matchFacts(facts, container, {
			kind: 'listening',
			id: container.id,
			name: container.name,
			listeners: read?.listeners ?? [],
			source: sourceOf(container, read, uid),
		}),
		findings: [finding],
	};
}

function explainExposed(
	container: ContainerInfo,
	words: PortWords,
): CheckResult {
	const {facts, port, uid, cli} = words;
	const read = words.netns.get(container.id);
	const evidence = [
		`${container.name} (${container.image}) exposes ${port}/tcp but publishes it nowhere (${inspectOf(facts)})`,
		...insideLines(container, read, uid),
	];
	return {
		status: 'problem',
		detail: `${container.name} exposes port ${port} but does not publish it (what listens inside could not be read).`,
		output: evidence,
		facts: matchFacts(facts, container, {
			kind: 'exposed',
			id: container.id,
			name: container.name,
			source: sourceOf(container, read, uid),
		}),
		findings: [
			{
				id: 'container-not-published',
				confidence: 'likely',
				summary: `${container.name} exposes port ${port} (EXPOSE only documents it) and publishes no host port ${port}.`,
				evidence,
				fixes: publishFixes(container, cli, `${port}:${port}`),
			},
		],
	};
}

function explainNone(
	verdict: Extract<PortVerdict, {kind: 'none'}>,
	words: PortWords,
): CheckResult {
	const {running, unread, hostNetwork} = verdict;
	const {port, uid} = words;
	const first = unread[0];
	return {
		status: unread.length > 0 ? 'unknown' : 'passed',
		detail:
			`No container publishes or listens on port ${port} (${running.length} running container${running.length === 1 ? '' : 's'} checked)` +
			(first
				? `; could not look inside ${unread.map(c => c.name).join(', ')}: ${sourceOf(first, words.netns.get(first.id), uid)}`
				: '') +
			(hostNetwork.length > 0
				? `; ${hostNetwork.join(', ')} use the host network (their listeners are the host's)`
				: '') +
			'.',
		output: running
			.slice(0, 20)
			.flatMap(c => insideLines(c, words.netns.get(c.id), uid)),
	};
}

/** The verdict in words: detail, evidence, findings with their fixes, and the facts for later steps. */
export function explainPort(
	verdict: PortVerdict,
	observations: PortObservations,
	input: {
		readonly facts: Facts;
		readonly port: number;
		readonly uid: number | undefined;
	},
): CheckResult {
	const words: PortWords = {
		...input,
		cli: cliArgv(input.facts.containers),
		netns: observations.netns,
	};
	switch (verdict.kind) {
		case 'direct': {
			return explainDirect(verdict, words);
		}

		case 'published': {
			return explainPublished(verdict, words);
		}

		case 'stopped': {
			return explainStopped(verdict, words);
		}

		case 'published-elsewhere':
		case 'unpublished': {
			return explainListening(verdict, words);
		}

		case 'exposed': {
			return explainExposed(verdict.container, words);
		}

		case 'none': {
			return explainNone(verdict, words);
		}
	}
}
