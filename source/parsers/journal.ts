/**
Log lines of a service (`journalctl -u UNIT -n 20 --no-pager -o cat`, or the tail of its own log
file): which lines say why it stopped or could not listen. -o cat prints each message as the
service wrote it, so these are the services' own words (nginx, PostgreSQL, node, ...).
*/

export type LogReason =
	| 'address-in-use'
	| 'permission-denied'
	| 'cannot-assign'
	| 'config-error'
	| 'crash'
	| 'fatal';

export type LogLine = {
	readonly text: string;
	readonly reason: LogReason;
};

const patterns: ReadonlyArray<readonly [LogReason, RegExp]> = [
	['address-in-use', /address already in use|eaddrinuse|\(98: /i],
	['cannot-assign', /cannot assign requested address|eaddrnotavail|\(99: /i],
	['permission-denied', /permission denied|eacces|\(13: /i],
	[
		'config-error',
		/syntax error|invalid value for parameter|unknown directive|configuration file .* contains errors|\[emerg]|bad configuration|unrecognized configuration parameter/i,
	],
	[
		'crash',
		/segmentation fault|core dumped|sigsegv|sigabrt|out of memory|oom-kill|killed process|panic|uncaught exception|unhandled 'error' event/i,
	],
	[
		'fatal',
		/\bfatal\b|\bpanic\b|\[crit]|\[alert]|failed with result|main process exited|could not create any tcp\/ip sockets|still could not bind/i,
	],
];

export function classifyLogLine(text: string): LogReason | undefined {
	return patterns.find(([, pattern]) => pattern.test(text))?.[0];
}

/** The lines that explain a failure, in order (at most `limit`), and the main reason. */
export function explainLog(
	text: string,
	limit = 8,
): {lines: LogLine[]; reason?: LogReason} {
	const lines: LogLine[] = [];
	for (const raw of text.split('\n')) {
		const line = raw.trim();
		const reason = line ? classifyLogLine(line) : undefined;
		if (reason && !lines.some(l => l.text === line)) {
			lines.push({text: line, reason});
		}
	}

	const kept = lines.slice(-limit);
	const order: LogReason[] = [
		'address-in-use',
		'cannot-assign',
		'permission-denied',
		'config-error',
		'crash',
		'fatal',
	];
	const reason = order.find(r => kept.some(l => l.reason === r));
	return {lines: kept, ...(reason ? {reason} : {})};
}

/** What each reason means for the fix, in one line. */
export const reasonAdvice: Readonly<Record<LogReason, string>> = {
	'address-in-use':
		'another process holds the port: stop it, or move one of the two to another port (ss -ltnp shows who holds it)',
	'cannot-assign':
		'it is told to listen on an address this host does not have (an old IP, a typo, an interface that is not up yet)',
	'permission-denied':
		'ports below 1024 need root or CAP_NET_BIND_SERVICE; or a file it needs is not readable by its user',
	'config-error':
		'its configuration does not parse: fix the line the log names',
	crash: 'it crashed: the log line above says where',
	fatal: 'it stopped on a fatal error: the log line above says which',
};
