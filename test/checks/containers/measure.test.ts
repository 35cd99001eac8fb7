import {readFileSync} from 'node:fs';
import {expect, test} from 'vitest';
import {containerLogsCheck} from '../../../source/checks/containers/logs.js';
import {containerPortCheck} from '../../../source/checks/containers/port.js';
import type {CheckContext} from '../../../source/checks/types.js';
import {parseDockerInspect} from '../../../source/parsers/docker-inspect.js';
import type {Facts} from '../../../source/tree/facts.js';
import {createFakeIo, type FakeIoOptions} from '../../helpers/fake-io.js';

/*
What the port and logs measures read (the judges are tested on observations in port.test.ts): the
files and commands, fed the real captures of test/fixtures/docker.
*/
const fixture = (name: string) =>
	readFileSync(
		new URL(`../../fixtures/docker/${name}`, import.meta.url),
		'utf8',
	);
const all = parseDockerInspect(fixture('inspect-all.json'));
const named = (name: string) => all.find(c => c.name === name)!;

function context(port: number, facts: Facts, options: FakeIoOptions) {
	const io = createFakeIo(options);
	const commands: string[] = [];
	const target = {input: `127.0.0.1:${port}`, host: '127.0.0.1', port};
	const ctx: CheckContext = {
		target,
		facts: {target, ...facts},
		answers: {},
		io,
		signal: new AbortController().signal,
		timeoutMs: 3000,
		onCommand(command) {
			commands.push(command);
		},
		onLine() {},
	};
	return {ctx, io, commands};
}

const engine = {
	engine: 'docker',
	cli: 'docker',
	hostArgs: [],
	socket: '/var/run/docker.sock',
	readable: true,
	containers: all,
} as const;

test('port: reads /proc/PID/net/tcp and tcp6 of the publishing container only', async () => {
	const localonly = named('localonly');
	const {ctx, commands} = context(
		18_081,
		{containers: engine},
		{
			files: {
				[`/proc/${localonly.pid}/net/tcp`]: fixture('netns-loopback.tcp.txt'),
				[`/proc/${localonly.pid}/net/tcp6`]: fixture('netns-loopback.tcp6.txt'),
			},
		},
	);
	const observations = await containerPortCheck.check.measure(ctx);
	expect(observations.looked.map(c => c.name)).toEqual(['localonly']);
	expect(observations.netns.get(localonly.id)).toEqual({
		listeners: [{address: '127.0.0.1', port: 8080, family: 4}],
		source: `/proc/${localonly.pid}/net/tcp, tcp6`,
	});
	expect(commands).toEqual([
		`read /proc/${localonly.pid}/net/tcp, tcp6 (inside localonly)`,
	]);
});

test('logs: docker logs by ID, the name shown; stdout and stderr merged by time', async () => {
	const exited = named('exited');
	const {ctx, io, commands} = context(
		18_083,
		{
			containers: {
				...engine,
				match: {
					kind: 'stopped',
					id: exited.id,
					name: 'exited',
					source: 'docker inspect',
				},
			},
		},
		{
			commands: [
				{
					match: `docker logs --timestamps --tail 20 ${exited.id}`,
					stdout: fixture('logs-exited.stdout.txt'),
					stderr: fixture('logs-exited.stderr.txt'),
				},
			],
		},
	);
	const observations = await containerLogsCheck.check.measure(ctx);
	expect(io.calls).toEqual([`docker logs --timestamps --tail 20 ${exited.id}`]);
	expect(commands).toEqual(['docker logs --timestamps --tail 20 exited']);
	expect(observations.lines).toEqual([
		'fatal: cannot open /etc/app.conf',
		'starting app',
	]);
});

test('logs: nothing to read without a stopped container', async () => {
	const {ctx, io} = context(18_081, {containers: engine}, {});
	expect(await containerLogsCheck.check.measure(ctx)).toEqual({});
	expect(io.calls).toEqual([]);
});
