const stamped =
	/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ?(.*)$/;

export type LogLine = {
	readonly time: string;
	readonly stream: 'stdout' | 'stderr';
	readonly text: string;
};

function lines(text: string, stream: LogLine['stream']): LogLine[] {
	return text
		.split('\n')
		.filter(line => line.trim() !== '')
		.map(line => {
			const match = stamped.exec(line);
			return match
				? {time: match[1]!, stream, text: match[2]!}
				: {time: '', stream, text: line};
		});
}

/** Nanosecond timestamps compare as text once the fractions have the same length. */
function sortable(time: string): string {
	const match = /^([^.Z+]+)(?:\.(\d+))?/.exec(time);
	return match ? `${match[1]!}.${(match[2] ?? '').padEnd(9, '0')}` : time;
}

/**
`docker logs --timestamps --tail N` prints the container's stdout on stdout and its stderr on
stderr: merge both into one list in the engine's time order (stable within a stream).
*/
export function parseDockerLogs(stdout: string, stderr: string): LogLine[] {
	const all = [...lines(stdout, 'stdout'), ...lines(stderr, 'stderr')];
	return all
		.map((line, index) => ({line, index}))
		.toSorted((a, b) => {
			const left = sortable(a.line.time);
			const right = sortable(b.line.time);
			return left === right ? a.index - b.index : left < right ? -1 : 1;
		})
		.map(({line}) => line);
}

export type DockerError = {
	readonly kind: 'permission' | 'not-running' | 'not-found' | 'error';
	/** The CLI's own words, first line. */
	readonly message: string;
};

/** What went wrong, from the CLI's stderr (docker 20.10 to 28, podman). */
export function parseDockerError(stderr: string): DockerError {
	const message =
		stderr
			.split('\n')
			.map(line => line.trim())
			.find(line => line !== '' && !line.startsWith('WARNING')) ?? '';
	if (/permission denied/i.test(stderr)) {
		return {kind: 'permission', message};
	}

	if (
		/cannot connect to the docker daemon|is the docker daemon running|connection refused|no such file or directory|unable to connect to podman/i.test(
			stderr,
		)
	) {
		return {kind: 'not-running', message};
	}

	if (/no such (object|container)/i.test(stderr)) {
		return {kind: 'not-found', message};
	}

	return {kind: 'error', message};
}
