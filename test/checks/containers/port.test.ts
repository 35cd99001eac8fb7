import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {listenerList} from '../../../source/parsers/listeners.js';
import {
	containerPortCheck,
	netnsFromTables,
} from '../../../source/checks/containers/port.js';
import {containersToRead} from '../../../source/checks/containers/port-judge.js';
import {
	judgeLogs,
	type LogsObservations,
} from '../../../source/checks/containers/logs-explain.js';
import type {NetnsRead} from '../../../source/checks/containers/chain.js';
import type {JudgeInput} from '../../../source/checks/define.js';
import {parseDockerInspect} from '../../../source/parsers/docker-inspect.js';
import {parseDockerLogs} from '../../../source/parsers/docker-logs.js';
import type {
	AddressProbe,
	ContainerFacts,
	ContainerInfo,
	Facts,
	Listener,
} from '../../../source/tree/facts.js';

/*
The judges of container-port and container-logs on recorded observations: the containers come from
real `docker inspect` output (test/fixtures/docker/inspect-all.json, podman-inspect-all.json), what
listens inside from real /proc/PID/net/tcp* captures, and the logs from real `docker logs`; no fake
command table. What the measure would have read is built here the way it reads it.
*/
const fixture = (name: string) =>
	readFileSync(
		new URL(`../../fixtures/docker/${name}`, import.meta.url),
		'utf8',
	);
const all = parseDockerInspect(fixture('inspect-all.json'));
const named = (name: string) => all.find(c => c.name === name)!;
type Tables = {tcp: string; tcp6: string};
const loopbackTables: Tables = {
	tcp: fixture('netns-loopback.tcp.txt'),
	tcp6: fixture('netns-loopback.tcp6.txt'),
};
const anyTables: Tables = {
	tcp: fixture('netns-any.tcp.txt'),
	tcp6: fixture('netns-any.tcp6.txt'),
};

function probe(
	address: string,
	extra: Partial<AddressProbe> = {},
): Facts['probe'] {
	const entry: AddressProbe = {
		address,
		family: address.includes(':') ? 6 : 4,
		source: 'literal',
		outcome: 'refused',
		ms: 1,
		code: 'ECONNREFUSED',
		...extra,
	};
	return {outcome: entry.outcome, address, ms: 1, addresses: [entry]};
}

/** A case: the facts the earlier steps wrote, and what the measure found inside each container (by name). */
type Case = {
	readonly facts: Facts;
	readonly inside: ReadonlyArray<readonly [string, Tables]>;
	readonly uid?: number;
};

function context(
	port: number,
	options: {
		address?: string;
		probe?: Partial<AddressProbe>;
		containers?: readonly ContainerInfo[];
		engine?: Partial<ContainerFacts>;
		inside?: ReadonlyArray<readonly [string, Tables]>;
		uid?: number;
	},
): {ctx: Case} {
	const address = options.address ?? '127.0.0.1';
	const facts: Facts = {
		target: {input: `${address}:${port}`, host: address, port},
		probe: probe(address, options.probe),
		local: {
			addresses: ['127.0.0.1', '::1', '192.168.1.5'],
			isLocal: true,
			localTargets: [address],
			hostname: 'testhost',
		},
		containers: {
			engine: 'docker',
			cli: 'docker',
			hostArgs: [],
			socket: '/var/run/docker.sock',
			readable: true,
			containers: options.containers ?? all,
			...options.engine,
		},
	};
	return {
		ctx: {
			facts,
			inside: options.inside ?? [],
			...(options.uid === undefined ? {} : {uid: options.uid}),
		},
	};
}

const input = (facts: Facts, uid = 0): JudgeInput => ({
	target: facts.target!,
	facts,
	answers: {},
	timeoutMs: 3000,
	uid,
});

/** What the measure reads inside a container: its tables, ENOENT when none were captured, nothing when stopped. */
function observed(container: ContainerInfo, inside: Case['inside']): NetnsRead {
	if (!container.running || container.pid <= 0) {
		return {why: 'not running'};
	}

	const tables = inside.find(([name]) => name === container.name)?.[1];
	return tables
		? netnsFromTables(
				container,
				{ok: true, text: tables.tcp},
				{ok: true, text: tables.tcp6},
			)
		: netnsFromTables(
				container,
				{ok: false, code: 'ENOENT'},
				{ok: false, code: 'ENOENT'},
			);
}

/** The container-port judge on this case's observations. */
function runPort(ctx: Case) {
	const port = ctx.facts.target!.port;
	const looked = containersToRead(ctx.facts, port, 40);
	const netns = new Map(looked.map(c => [c.id, observed(c, ctx.inside)]));
	return containerPortCheck.check.judge(
		{looked, netns},
		input(ctx.facts, ctx.uid),
	);
}

const accepted = {
	outcome: 'open',
	code: 'connect',
	closedAfterAccept: true,
} as const;

describe('container-port', () => {
	test('app on 127.0.0.1 inside, published on every address: container-loopback-bind, confirmed', async () => {
		const {ctx} = context(18_081, {
			probe: accepted,
			inside: [['localonly', loopbackTables]],
		});
		const result = runPort(ctx);
		expect(result.status).toBe('problem');
		const finding = result.findings?.[0];
		expect(finding).toMatchObject({
			id: 'container-loopback-bind',
			confidence: 'confirmed',
		});
		expect(finding?.summary).toContain(
			'listens on 127.0.0.1:8080 inside the container only',
		);
		expect(finding?.evidence).toContain(
			'localonly (refused/base) publishes 0.0.0.0:18081->8080/tcp, [::]:18081->8080/tcp (docker inspect)',
		);
		expect(finding?.fixes[0]?.command).toBe(
			'docker run -d --name localonly -p 18081:8080 refused/base httpd -f -p 0.0.0.0:8080 -h /www',
		);
		expect(result.facts?.containers?.match).toMatchObject({
			kind: 'published',
			name: 'localonly',
			binding: {containerPort: 8080},
		});
		expect(result.facts?.containers?.container).toMatchObject({
			name: 'localonly',
			state: 'running',
		});
	});

	test('compose labels: the fix names the compose file and service', async () => {
		const {ctx} = context(18_085, {
			probe: accepted,
			inside: [['compose-web', loopbackTables]],
		});
		const result = runPort(ctx);
		const fixes = result.findings?.[0]?.fixes ?? [];
		expect(fixes[0]?.command).toBe(
			'In /srv/shop/compose.yaml, service web: make the app listen on 0.0.0.0:8080 (its command or environment), then: docker compose --project-directory /srv/shop -f /srv/shop/compose.yaml up -d web',
		);
	});

	test('namespace unreadable but accepted-then-closed: loopback bind likely, another port possible, and the command by hand', async () => {
		const {ctx} = context(18_081, {probe: accepted});
		const result = runPort(ctx);
		expect(result.status).toBe('problem');
		expect(result.findings?.map(f => [f.id, f.confidence])).toEqual([
			['container-loopback-bind', 'likely'],
			['wrong-port', 'possible'],
		]);
		// Root (uid 0) gets the command without sudo; anyone else with it.
		expect(result.detail).toContain(
			`Check by hand: nsenter -t ${named('localonly').pid} -n ss -Htln`,
		);
		const asUser = runPort(context(18_081, {probe: accepted, uid: 1000}).ctx);
		expect(asUser.detail).toContain(
			`Check by hand: sudo nsenter -t ${named('localonly').pid} -n ss -Htln`,
		);
	});

	test('namespace unreadable and nothing else to go on: unknown, no guess', async () => {
		const {ctx} = context(18_081, {probe: {outcome: 'refused'}});
		const result = runPort(ctx);
		expect(result.status).toBe('unknown');
		expect(result.findings).toEqual([]);
	});

	test('the chain is intact when the app listens on every address inside', async () => {
		const {ctx} = context(18_080, {
			probe: accepted,
			inside: [['web', anyTables]],
		});
		const result = runPort(ctx);
		expect(result.status).toBe('passed');
		expect(result.detail).toContain('the chain is intact');
	});

	test('published on 127.0.0.1 only while the target is another address of this host: container-not-published', async () => {
		const {ctx} = context(18_080, {
			address: '192.168.1.5',
			inside: [['web', anyTables]],
		});
		const result = runPort(ctx);
		const finding = result.findings?.[0];
		expect(finding).toMatchObject({
			id: 'container-not-published',
			confidence: 'confirmed',
		});
		expect(finding?.summary).toContain(
			'only on 127.0.0.1; 192.168.1.5 is not among them',
		);
		expect(finding?.fixes[0]?.command).toBe(
			'docker run -d --name web -p 18080:8080 refused/base httpd -f -p 8080 -h /www',
		);
		expect(finding?.fixes[0]?.why).toContain('exposes the port to the network');
	});

	test('mapped to a container port where nothing listens: wrong-port, confirmed, with the real port', async () => {
		const {ctx} = context(18_084, {
			probe: accepted,
			inside: [['wrongport', anyTables]],
		});
		const result = runPort(ctx);
		const finding = result.findings?.[0];
		expect(finding).toMatchObject({id: 'wrong-port', confidence: 'confirmed'});
		expect(finding?.summary).toBe(
			'wrongport maps host port 18084 to container port 9999, but the app listens on 8080 inside.',
		);
		expect(finding?.fixes[0]?.command).toBe(
			'docker run -d --name wrongport -p 127.0.0.1:18084:8080 refused/base httpd -f -p 8080 -h /www',
		);
	});

	test('nothing listens inside at all: wrong-port, only likely', async () => {
		const {ctx} = context(18_084, {
			probe: accepted,
			inside: [['wrongport', {tcp: '', tcp6: ''}]],
		});
		const result = runPort(ctx);
		expect(result.findings?.[0]).toMatchObject({
			id: 'wrong-port',
			confidence: 'likely',
		});
	});

	test('listening inside, not published: container-not-published, publish on 127.0.0.1 for a loopback client', async () => {
		const {ctx} = context(8080, {
			containers: [named('noport')],
			inside: [['noport', anyTables]],
		});
		const result = runPort(ctx);
		const finding = result.findings?.[0];
		expect(finding).toMatchObject({
			id: 'container-not-published',
			confidence: 'confirmed',
		});
		expect(finding?.evidence[0]).toBe(
			'noport (refused/base) publishes no port; nothing maps host port 8080 (docker inspect)',
		);
		expect(finding?.fixes[0]?.command).toBe(
			'docker run -d --name noport -p 127.0.0.1:8080:8080 refused/base httpd -f -p 8080 -h /www',
		);
		expect(result.facts?.containers?.match?.kind).toBe('listening');
	});

	test('listening inside and published under another host port: wrong-port (dial that one)', async () => {
		const {ctx} = context(8080, {
			containers: [named('web')],
			inside: [['web', anyTables]],
		});
		const result = runPort(ctx);
		const finding = result.findings?.[0];
		expect(finding).toMatchObject({id: 'wrong-port', confidence: 'likely'});
		expect(finding?.fixes[0]?.command).toBe('Connect to 127.0.0.1:18080');
	});

	test('only exposed, inside unreadable: container-not-published, likely', async () => {
		const {ctx} = context(9090, {containers: [named('exposed')]});
		const result = runPort(ctx);
		expect(result.findings?.[0]).toMatchObject({
			id: 'container-not-published',
			confidence: 'likely',
		});
	});

	test('no container has anything to do with the port: passed, says how many were checked', async () => {
		const {ctx} = context(5432, {
			inside: [
				['web', anyTables],
				['localonly', loopbackTables],
				['noport', anyTables],
				['exposed', {tcp: '', tcp6: ''}],
				['wrongport', anyTables],
				['compose-web', loopbackTables],
			],
		});
		const result = runPort(ctx);
		expect(result.status).toBe('passed');
		expect(result.detail).toBe(
			'No container publishes or listens on port 5432 (6 running containers checked).',
		);
		expect(result.findings).toBeUndefined();
		expect(result.facts).toBeUndefined();
	});

	test('a stopped container asks for the port: the match says so, the logs step reports it', async () => {
		const {ctx} = context(18_083, {});
		const result = runPort(ctx);
		expect(result.status).toBe('problem');
		expect(result.facts?.containers?.match).toMatchObject({
			kind: 'stopped',
			name: 'exited',
		});
	});
});

describe('container-logs', () => {
	const stopped = (logs: LogsObservations) => {
		const first = context(18_083, {});
		const match = runPort(first.ctx);
		const {ctx} = context(18_083, {engine: match.facts?.containers});
		return {result: judgeLogs(logs, input(ctx.facts))};
	};

	test('exit code and the last log line (stdout and stderr merged by time)', async () => {
		const {result} = stopped({
			display: 'docker logs --timestamps --tail 20 exited',
			lines: parseDockerLogs(
				fixture('logs-exited.stdout.txt'),
				fixture('logs-exited.stderr.txt'),
			).map(line => line.text),
		});
		const finding = result.findings?.[0];
		expect(finding).toMatchObject({
			id: 'container-exited',
			confidence: 'confirmed',
		});
		expect(finding?.summary).toBe(
			'Container exited, which publishes port 18083, is exited (exit code 3); its last log line: "starting app".',
		);
		expect(finding?.evidence.slice(-2)).toEqual([
			'log: fatal: cannot open /etc/app.conf',
			'log: starting app',
		]);
		expect(finding?.fixes.map(f => f.command)).toEqual([
			'docker logs --tail 200 exited',
			'docker start exited',
		]);
	});

	test('logs unreadable: still container-exited, with why the log is missing', async () => {
		const {result} = stopped({
			display: 'docker logs --timestamps --tail 20 exited',
			problem:
				'Error response from daemon: configured logging driver does not support reading',
		});
		const finding = result.findings?.[0];
		expect(finding?.id).toBe('container-exited');
		expect(finding?.evidence.at(-1)).toContain(
			'configured logging driver does not support reading',
		);
	});
});

describe('the host side, from the listeners step', () => {
	const listeners = (entries: readonly Listener[]): Facts['listeners'] => ({
		source: 'ss',
		command: 'ss -Htlnp',
		processesVisible: true,
		listeners: listenerList(entries),
	});

	test('docker-proxy on the host port is named as the host side of the mapping', async () => {
		const {ctx} = context(18_081, {
			probe: accepted,
			inside: [['localonly', loopbackTables]],
		});
		const facts = {
			...ctx.facts,
			listeners: listeners([
				{
					address: '0.0.0.0',
					port: 18_081,
					family: 4,
					process: {name: 'docker-proxy', pid: 8141},
				},
			]),
		};
		const result = runPort({...ctx, facts});
		expect(result.findings?.[0]?.evidence).toContain(
			'host: docker-proxy (pid 8141) listens on 0.0.0.0:18081: the host side of the mapping',
		);
	});

	test('dockerd itself on the host port (userland-proxy off): it only reserves it, NAT forwards', async () => {
		const {ctx} = context(18_081, {
			inside: [['localonly', loopbackTables]],
		});
		const facts = {
			...ctx.facts,
			listeners: listeners([
				{
					address: '127.0.0.1',
					port: 18_081,
					family: 4,
					process: {name: 'dockerd', pid: 4964},
				},
			]),
		};
		const result = runPort({...ctx, facts});
		expect(result.findings?.[0]?.evidence).toContain(
			'host: dockerd (pid 4964) listens on 127.0.0.1:18081: dockerd only reserves the port (no docker-proxy); its NAT rule forwards connections to the container',
		);
	});

	test('nothing on the host port while a running container publishes it: NAT rules', async () => {
		const {ctx} = context(18_081, {
			inside: [['localonly', loopbackTables]],
		});
		const facts = {...ctx.facts, listeners: listeners([])};
		const result = runPort({...ctx, facts});
		expect(result.findings?.[0]?.id).toBe('container-loopback-bind');
		expect(result.findings?.[0]?.evidence.join('\n')).toContain(
			'NAT rules publish it',
		);
	});
});

describe('restarting and never-started containers', () => {
	const variant = (
		name: string,
		state: Record<string, unknown>,
	): ContainerInfo => {
		const raw = (
			JSON.parse(fixture('inspect-all.json')) as Array<Record<string, unknown>>
		).find(c => c['Name'] === `/${name}`)!;
		return parseDockerInspect(
			JSON.stringify([
				{
					...raw,
					RestartCount: 7,
					State: {...(raw['State'] as object), ...state},
				},
			]),
		)[0]!;
	};

	test('a crash loop (Running and Restarting, no pid) counts as down: container-exited, keeps crashing', async () => {
		const looping = variant('exited', {
			Status: 'restarting',
			Running: true,
			Restarting: true,
			Pid: 0,
			ExitCode: 1,
		});
		expect(looping.running).toBe(false);
		const first = context(18_083, {containers: [looping]});
		const match = runPort(first.ctx);
		expect(match.facts?.containers?.match?.kind).toBe('stopped');
		const {ctx} = context(18_083, {
			containers: [looping],
			engine: match.facts?.containers,
		});
		const result = judgeLogs(
			{
				display: 'docker logs --timestamps --tail 20 exited',
				lines: parseDockerLogs('', '2026-11-24T08:11:25.5Z boom\n').map(
					line => line.text,
				),
			},
			input(ctx.facts),
		);
		expect(result.findings?.[0]?.summary).toBe(
			'Container exited, which publishes port 18083, is restarting (it keeps crashing: 7 restarts so far; last exit code 1); its last log line: "boom".',
		);
	});

	test('created but never started', async () => {
		const created = variant('exited', {
			Status: 'created',
			Running: false,
			Pid: 0,
			ExitCode: 0,
		});
		const first = context(18_083, {containers: [created]});
		const match = runPort(first.ctx);
		const {ctx} = context(18_083, {
			containers: [created],
			engine: match.facts?.containers,
		});
		const result = judgeLogs(
			{display: 'docker logs --timestamps --tail 20 exited', lines: []},
			input(ctx.facts),
		);
		expect(result.findings?.[0]?.summary).toBe(
			'Container exited, which publishes port 18083, is created but never started.',
		);
	});

	test('the container side of the mapping is its own address', async () => {
		const {ctx} = context(18_081, {
			probe: accepted,
			inside: [['localonly', loopbackTables]],
		});
		const result = runPort(ctx);
		expect(result.findings?.[0]?.evidence.join('\n')).toMatch(
			/container side: 10\.203\.0\.\d+:8080 \(localonly's own address/,
		);
	});
});

describe('podman (real podman 4.3.1 inspect output)', () => {
	const podman = parseDockerInspect(fixture('podman-inspect-all.json'));

	test("loopback bind behind podman's NAT (refused, not dropped): confirmed, podman commands in the fix", async () => {
		const {ctx} = context(18_081, {
			containers: podman,
			engine: {engine: 'podman', cli: 'podman', socket: 'podman CLI'},
			inside: [['localonly', loopbackTables]],
		});
		const result = runPort(ctx);
		const finding = result.findings?.[0];
		expect(finding).toMatchObject({
			id: 'container-loopback-bind',
			confidence: 'confirmed',
		});
		expect(finding?.evidence[0]).toBe(
			'localonly (localhost/refused/base:latest) publishes 127.0.0.1:18081->8080/tcp (podman inspect)',
		);
		expect(finding?.fixes[0]?.command).toBe(
			'podman run -d --name localonly -p 127.0.0.1:18081:8080 localhost/refused/base:latest httpd -f -p 0.0.0.0:8080 -h /www',
		);
	});

	test('a created, never started container that asks for the port', async () => {
		const {ctx} = context(18_084, {
			containers: podman,
			engine: {engine: 'podman', cli: 'podman'},
		});
		const result = runPort(ctx);
		expect(result.facts?.containers?.match).toMatchObject({
			kind: 'stopped',
			name: 'created',
		});
	});
});

test('nothing on the container port, several other listeners: wrong-port only likely, listing them', async () => {
	const tables = {
		tcp: [
			'  sl  local_address rem_address   st',
			'   0: 00000000:1F90 00000000:0000 0A 0',
			'   1: 00000000:2382 00000000:0000 0A 0',
		].join('\n'),
		tcp6: '',
	};
	const {ctx} = context(18_084, {
		probe: accepted,
		inside: [['wrongport', tables]],
	});
	const result = runPort(ctx);
	const finding = result.findings?.[0];
	expect(finding).toMatchObject({id: 'wrong-port', confidence: 'likely'});
	expect(finding?.summary).toContain(
		'it listens on 0.0.0.0:8080, 0.0.0.0:9090',
	);
});

test('nothing on the container port, the app on another port and on loopback: the bind fix too', async () => {
	const tables = {tcp: '   0: 0100007F:1F90 00000000:0000 0A 0', tcp6: ''};
	const {ctx} = context(18_084, {
		probe: accepted,
		inside: [['wrongport', tables]],
	});
	const result = runPort(ctx);
	const finding = result.findings?.[0];
	expect(finding).toMatchObject({id: 'wrong-port', confidence: 'likely'});
	expect(finding?.fixes.map(f => f.command)).toContain(
		'Set the listen address of the app in wrongport (image refused/base) to 0.0.0.0:8080, e.g. --host 0.0.0.0, HOST=0.0.0.0, bind 0.0.0.0, server.address=0.0.0.0',
	);
});

describe("the client dials a container's own address", () => {
	const localonly = named('localonly');
	const address = localonly.addresses[0]!;
	const remote = (port: number, tables?: {tcp: string; tcp6: string}) => {
		const {ctx} = context(port, {
			address,
			inside: tables ? [['localonly', tables]] : [],
		});
		return {
			...ctx,
			facts: {
				...ctx.facts,
				local: {...ctx.facts.local!, isLocal: false, localTargets: []},
			},
		};
	};

	test('app on 127.0.0.1 inside: container-loopback-bind, confirmed, no publishing involved', async () => {
		const result = runPort(remote(8080, loopbackTables));
		const finding = result.findings?.[0];
		expect(finding).toMatchObject({
			id: 'container-loopback-bind',
			confidence: 'confirmed',
		});
		expect(finding?.summary).toBe(
			`The app in localonly listens on 127.0.0.1:8080 inside the container only, so its address ${address}:8080 refuses.`,
		);
		expect(result.facts?.containers?.match?.kind).toBe('address');
	});

	test('another port inside: wrong-port, connect to that one', async () => {
		const result = runPort(remote(9000, anyTables));
		expect(result.findings?.[0]).toMatchObject({
			id: 'wrong-port',
			confidence: 'confirmed',
		});
		expect(result.findings?.[0]?.fixes[0]?.command).toBe(
			`Connect to ${address}:8080`,
		);
	});

	test('unreadable inside: unknown with the command', async () => {
		const result = runPort(remote(8080));
		expect(result.status).toBe('unknown');
		expect(result.findings).toBeUndefined();
	});
});
