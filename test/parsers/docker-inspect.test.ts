import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	formatBinding,
	parseDockerInspect,
	parseDockerPsIds,
} from '../../source/parsers/docker-inspect.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/docker/${name}`, import.meta.url), 'utf8');

describe('parseDockerInspect', () => {
	const containers = parseDockerInspect(fixture('inspect-all.json'));
	const byName = (name: string) => {
		const container = containers.find(c => c.name === name);
		expect(container, name).toBeDefined();
		return container!;
	};

	test('reads every container of a real docker 20.10 inspect', () => {
		expect(containers.map(c => c.name).toSorted()).toEqual([
			'compose-web',
			'exited',
			'exposed',
			'localonly',
			'noport',
			'web',
			'wrongport',
		]);
	});

	test('a running container published to 127.0.0.1', () => {
		const web = byName('web');
		expect(web).toMatchObject({
			state: 'running',
			running: true,
			image: 'refused/base',
			networkMode: 'default',
		});
		expect(web.pid).toBeGreaterThan(0);
		expect(web.ports).toEqual([
			{
				containerPort: 8080,
				protocol: 'tcp',
				hostIp: '127.0.0.1',
				hostPort: 18_080,
			},
		]);
		expect(web.exposed).toEqual([8080]);
		expect(web.addresses[0]).toMatch(/^10\.203\.0\.\d+$/);
		expect(web.command).toEqual(['httpd', '-f', '-p', '8080', '-h', '/www']);
		expect(web.compose).toBeUndefined();
	});

	test('published on all addresses: IPv4 and IPv6 mappings in effect, one requested', () => {
		const localonly = byName('localonly');
		expect(localonly.ports.map(p => formatBinding(p))).toEqual([
			'0.0.0.0:18081->8080/tcp',
			'[::]:18081->8080/tcp',
		]);
		expect(localonly.portBindings).toEqual([
			{containerPort: 8080, protocol: 'tcp', hostIp: '', hostPort: 18_081},
		]);
	});

	test('no published port, and an exposed-only port', () => {
		expect(byName('noport')).toMatchObject({
			ports: [],
			portBindings: [],
			exposed: [],
		});
		expect(byName('exposed')).toMatchObject({
			ports: [],
			portBindings: [],
			exposed: [9090],
		});
	});

	test('an exited container keeps its requested mapping, not the one in effect', () => {
		const exited = byName('exited');
		expect(exited).toMatchObject({
			state: 'exited',
			running: false,
			pid: 0,
			exitCode: 3,
			oomKilled: false,
			ports: [],
		});
		expect(exited.portBindings).toEqual([
			{
				containerPort: 8080,
				protocol: 'tcp',
				hostIp: '127.0.0.1',
				hostPort: 18_083,
			},
		]);
		expect(exited.addresses).toEqual([]);
		expect(exited.finishedAt).toMatch(/^2026-/);
	});

	test('compose labels name the project, service and file', () => {
		expect(byName('compose-web').compose).toEqual({
			project: 'shop',
			service: 'web',
			workingDir: '/srv/shop',
			configFiles: '/srv/shop/compose.yaml',
		});
	});

	test('a HostIp that is not an address, or a port out of range, is no mapping', () => {
		const raw = (
			JSON.parse(fixture('inspect-all.json')) as Array<Record<string, unknown>>
		).find(c => c['Name'] === '/web')!;
		const [odd] = parseDockerInspect(
			JSON.stringify([
				{
					...raw,
					HostConfig: {
						...(raw['HostConfig'] as object),
						PortBindings: {
							'8080/tcp': [
								{HostIp: '$(touch /tmp/x)', HostPort: '1'},
								{HostIp: '::1', HostPort: '70000'},
								{HostIp: '::1', HostPort: '18080'},
							],
						},
					},
				},
			]),
		);
		expect(odd?.portBindings).toEqual([
			{containerPort: 8080, protocol: 'tcp', hostIp: '::1', hostPort: 18_080},
		]);
	});

	test('odd input gives no containers', () => {
		expect(parseDockerInspect('')).toEqual([]);
		expect(parseDockerInspect(fixture('inspect-missing.stdout.txt'))).toEqual(
			[],
		);
		expect(parseDockerInspect('{"Id": "x"}')).toEqual([]);
		expect(parseDockerInspect('[1, null, {"Name": "/noid"}]')).toEqual([]);
	});
});

test('parseDockerPsIds reads the full IDs and nothing else', () => {
	const ids = parseDockerPsIds(fixture('ps-ids.txt'));
	expect(ids).toHaveLength(7);
	expect(ids.every(id => id.length === 64)).toBe(true);
	expect(parseDockerPsIds('WARNING: something\n\n')).toEqual([]);
});

describe('parseDockerInspect on podman 4.3.1 (same parser, real podman output)', () => {
	const containers = parseDockerInspect(fixture('podman-inspect-all.json'));
	const byName = (name: string) => containers.find(c => c.name === name)!;

	test('names without the leading slash, full image names, running state and pid', () => {
		expect(containers.map(c => c.name)).toEqual([
			'localonly',
			'web',
			'noport',
			'exited',
			'created',
		]);
		expect(byName('localonly')).toMatchObject({
			state: 'running',
			running: true,
			image: 'localhost/refused/base:latest',
		});
		expect(byName('localonly').pid).toBeGreaterThan(0);
		expect(byName('localonly').addresses[0]).toMatch(/^10\.204\.0\.\d+$/);
	});

	test('"" as HostIp for every address; mappings kept on exited and created containers', () => {
		expect(byName('web').ports).toEqual([
			{containerPort: 8080, protocol: 'tcp', hostIp: '', hostPort: 18_080},
		]);
		expect(byName('exited')).toMatchObject({
			state: 'exited',
			running: false,
			exitCode: 3,
		});
		expect(byName('exited').portBindings.map(b => formatBinding(b))).toEqual([
			'127.0.0.1:18083->8080/tcp',
		]);
		expect(byName('created')).toMatchObject({state: 'created', running: false});
		expect(byName('noport').ports).toEqual([]);
	});

	test('podman ps -a -q --no-trunc', () => {
		expect(parseDockerPsIds(fixture('podman-ps-ids.txt'))).toHaveLength(5);
	});
});
