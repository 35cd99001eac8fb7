/** The words and fixes of the accept-queue step. Pure. */
import {hostPort} from '../../../net/address.js';
import {shellQuote, sudoPrefix} from '../../../text/sanitize.js';
import type {Listener} from '../../../tree/facts.js';
import type {Confidence, Finding} from '../../../tree/types.js';
import type {JudgeInput} from '../../define.js';
import {describeListener} from '../address.js';
import type {QueueObservations} from './measure.js';

const sudo = (input: JudgeInput) => sudoPrefix(input.uid);

function queueLine(listener: Listener): string {
	const where = describeListener(listener);
	return listener.backlog === undefined
		? `${where}: its queue could not be read`
		: `${where}: accept queue (Recv-Q) ${listener.acceptQueue ?? '?'}, backlog (Send-Q) ${listener.backlog}${listener.acceptQueue !== undefined && listener.acceptQueue > listener.backlog ? ': full' : ''}`;
}

function counterLine(observations: QueueObservations): string {
	const {counters, connect} = observations;
	const extra = `one more connect (${connect.code} in ${connect.ms} ms)`;
	if (!counters) {
		return `TcpExt ListenOverflows: not read (${observations.countersProblem ?? '?'})`;
	}

	const {before} = counters;
	return `TcpExt ListenOverflows ${before.overflows} -> ${before.overflows + counters.overflows} (+${counters.overflows}), ListenDrops ${before.drops} -> ${before.drops + counters.drops} (+${counters.drops}) across ${extra}${counters.overflows > 0 ? ': the kernel dropped a SYN for a full queue' : ''} (host-wide counters)`;
}

export function queueLines(
	observations: QueueObservations,
	port: number,
): {command: string; evidence: string[]; room: string; byHand: string} {
	const byHand = shellQuote(['ss', '-ltn', `sport = :${port}`]);
	const room = observations.listeners
		.map(
			l =>
				`${hostPort(l.address, l.port)} queue ${l.acceptQueue ?? '?'} of backlog ${l.backlog ?? '?'}`,
		)
		.join(', ');
	return {
		command: `${observations.ss.command}; cat /proc/net/netstat (around one more connect)`,
		byHand,
		room: room || 'no listener takes the address',
		evidence: [
			...observations.listeners.map(l => queueLine(l)),
			counterLine(observations),
			...(observations.somaxconn === undefined
				? []
				: [
						`net.core.somaxconn = ${observations.somaxconn} (the cap on every listen() backlog)`,
					]),
		],
	};
}

function fixesOf(
	observations: QueueObservations,
	listener: Listener | undefined,
	input: JudgeInput,
): Finding['fixes'] {
	const port = input.target.port;
	const owner = listener?.process;
	const program = owner ? `${owner.name} (pid ${owner.pid})` : 'the program';
	return [
		...(owner
			? [
					{
						command: `${sudo(input)}${shellQuote(['strace', '-f', '-e', 'trace=accept,accept4', '-p', String(owner.pid)])}`,
						why: `Does ${program} still call accept()? No line while clients wait means its accept loop is stuck or busy (a blocked thread, a full worker pool, a deadlock): fix that in the program, or restart it to drain the queue.`,
					},
				]
			: []),
		{
			command: shellQuote(['ss', '-ltn', `sport = :${port}`]),
			why: `Watch Recv-Q (waiting connections) against Send-Q (the backlog, now ${listener?.backlog ?? '?'}). If the program accepts but too slowly for bursts, raise its backlog setting (listen(fd, N); Node server.listen({backlog}); nginx listen ... backlog=N; gunicorn --backlog) and restart it.`,
		},
		{
			command: 'sysctl net.core.somaxconn',
			why: `Shows the cap on every backlog (${observations.somaxconn === undefined ? 'not read here' : `now ${observations.somaxconn}`}). Raise it (sudo sysctl -w net.core.somaxconn=N, and a file in /etc/sysctl.d to keep it) only when the program asks for a bigger backlog than this; it does not help a program that stopped accepting.`,
		},
	];
}

export function queueFinding(
	observations: QueueObservations,
	confidence: Confidence,
	input: JudgeInput,
): Finding {
	const full =
		observations.listeners.find(
			l =>
				l.acceptQueue !== undefined &&
				l.backlog !== undefined &&
				l.acceptQueue > l.backlog,
		) ?? observations.listeners[0];
	const dialed = hostPort(observations.probe.address, input.target.port);
	const who = full ? describeListener(full) : `the listener on ${dialed}`;
	const queue =
		full?.backlog === undefined
			? 'the kernel counted a listen overflow for our SYN'
			: `${full.acceptQueue ?? '?'} connections wait for a backlog of ${full.backlog}`;
	return {
		id: 'accept-queue-full',
		confidence,
		summary: `${who} listens but does not accept connections fast enough: its accept queue is full (${queue}), so the kernel drops new SYNs to ${dialed} and clients time out; no firewall is involved.`,
		evidence: queueLines(observations, input.target.port).evidence,
		fixes: fixesOf(observations, full, input),
	};
}
