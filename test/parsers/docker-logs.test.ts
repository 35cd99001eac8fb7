import {readFileSync} from 'node:fs';
import {expect, test} from 'vitest';
import {
	parseDockerError,
	parseDockerLogs,
} from '../../source/parsers/docker-logs.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/docker/${name}`, import.meta.url), 'utf8');

test("merges stdout and stderr of docker logs --timestamps in the engine's time order", () => {
	const lines = parseDockerLogs(
		fixture('logs-exited.stdout.txt'),
		fixture('logs-exited.stderr.txt'),
	);
	// Real capture: the stderr line was stamped 220 µs before the stdout one.
	expect(lines.map(l => [l.stream, l.text])).toEqual([
		['stderr', 'fatal: cannot open /etc/app.conf'],
		['stdout', 'starting app'],
	]);
});

test('stable within a stream, fractions of different lengths, lines without a stamp', () => {
	const lines = parseDockerLogs(
		'2026-11-24T08:11:25.5Z b\n2026-11-24T08:11:25.5Z c\n',
		'2026-11-24T08:11:25.499999999Z a\nno stamp\n',
	);
	expect(lines.map(l => l.text)).toEqual(['no stamp', 'a', 'b', 'c']);
	expect(parseDockerLogs('', '')).toEqual([]);
});

test('classifies real CLI errors', () => {
	expect(
		parseDockerError(fixture('error-permission-denied.stderr.txt')),
	).toMatchObject({
		kind: 'permission',
		message: expect.stringContaining(
			'permission denied while trying to connect to the Docker daemon socket',
		),
	});
	expect(parseDockerError(fixture('error-not-running.stderr.txt'))).toEqual({
		kind: 'not-running',
		message:
			'Cannot connect to the Docker daemon at unix:///tmp/nonexistent.sock. Is the docker daemon running?',
	});
	expect(parseDockerError(fixture('inspect-missing.stderr.txt')).kind).toBe(
		'not-found',
	);
	expect(parseDockerError('WARNING: x\nboom\n')).toEqual({
		kind: 'error',
		message: 'boom',
	});
});

test("podman logs --timestamps: the container's stderr on stderr, in order", () => {
	const lines = parseDockerLogs(
		fixture('podman-logs-exited.stdout.txt'),
		fixture('podman-logs-exited.stderr.txt'),
	);
	expect(lines.map(l => [l.stream, l.text])).toEqual([
		['stderr', 'starting app'],
		['stderr', 'fatal: cannot open /etc/app.conf'],
	]);
});
