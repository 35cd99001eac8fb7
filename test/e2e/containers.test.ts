/**
The containers causes against a real Docker engine (test/helpers/docker.ts): real containers, the
built CLI with --json, DOCKER_HOST pointing at the test engine, probes only to 127.0.0.1.
*/
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {Report} from '../../source/report/model.js';
import {publicCliPath, runJson} from '../helpers/cli.js';
import {
	bridgeGateway,
	dockerMissing,
	freePort,
	image,
	startDocker,
	type DockerEngine,
} from '../helpers/docker.js';
import {createNetns, type Netns} from '../helpers/netns.js';

// Never skipped quietly: without root or the engine every test fails, naming what is missing.
describe('containers on a real Docker engine', () => {
	let engine: DockerEngine | undefined;
	const docker = () => {
		if (!engine) {
			throw new Error('the test engine did not start');
		}

		return engine;
	};

	beforeAll(async () => {
		const missing = dockerMissing();
		if (missing) {
			throw new Error(`cannot start the test Docker engine: ${missing}`);
		}

		engine = await startDocker();
	}, 120_000);

	afterAll(async () => {
		await engine?.stop();
	}, 60_000);

	test('an app bound to 127.0.0.1 inside its container: container-loopback-bind', async () => {
		const port = await freePort();
		await docker().run('loopback', [
			'-p',
			`127.0.0.1:${port}:8080`,
			image,
			'httpd',
			'-f',
			'-p',
			'127.0.0.1:8080',
			'-h',
			'/www',
		]);
		await docker().waitForListen('loopback', 8080);

		const {report, stderr} = await runJson([`127.0.0.1:${port}`], {
			env: docker().env,
		});
		expect(report, stderr).toBeDefined();
		// Through docker-proxy the connection is accepted, then dropped: not refused.
		expect(report!.probe.outcome).toBe('open');
		const cause = report!.causes[0]!;
		expect(cause).toMatchObject({
			id: 'container-loopback-bind',
			confidence: 'confirmed',
		});
		expect(cause.summary).toContain('loopback');
		expect(cause.evidence).toEqual(
			expect.arrayContaining([
				`loopback (${image}) publishes 127.0.0.1:${port}->8080/tcp (docker inspect)`,
				expect.stringMatching(
					/^inside loopback \(\/proc\/\d+\/net\/tcp, tcp6\): listening on 127\.0\.0\.1:8080$/,
				),
				expect.stringContaining(
					'accepted the connection, then closed it at once',
				),
				// The host side, from the listeners step.
				expect.stringMatching(
					new RegExp(
						`^host: docker-proxy \\(pid \\d+\\) listens on 127\\.0\\.0\\.1:${port}: the host side of the mapping$`,
					),
				),
			]),
		);
		// The fix is for this container: its own command, with 0.0.0.0 instead of 127.0.0.1.
		expect(cause.fixes[0]!.command).toBe(
			`docker run -d --name loopback -p 127.0.0.1:${port}:8080 ${image} httpd -f -p 0.0.0.0:8080 -h /www`,
		);
		expect(report!.questions).toContainEqual(
			expect.objectContaining({key: 'container', answer: 'yes', by: 'auto'}),
		);
	});

	test('a container listening on the port without publishing it: container-not-published', async () => {
		const port = await freePort();
		await docker().run('noport', [
			image,
			'httpd',
			'-f',
			'-p',
			String(port),
			'-h',
			'/www',
		]);
		await docker().waitForListen('noport', port);

		const {report, stderr} = await runJson([`127.0.0.1:${port}`], {
			env: docker().env,
		});
		expect(report, stderr).toBeDefined();
		expect(report!.probe.outcome).toBe('refused');
		const cause = report!.causes[0]!;
		expect(cause).toMatchObject({
			id: 'container-not-published',
			confidence: 'confirmed',
		});
		expect(cause.evidence).toEqual(
			expect.arrayContaining([
				`noport (${image}) publishes no port; nothing maps host port ${port} (docker inspect)`,
				expect.stringMatching(
					new RegExp(
						`^inside noport \\(/proc/\\d+/net/tcp, tcp6\\): listening on \\[::\\]:${port}$`,
					),
				),
			]),
		);
		expect(cause.fixes[0]!.command).toBe(
			`docker run -d --name noport -p 127.0.0.1:${port}:${port} ${image} httpd -f -p ${port} -h /www`,
		);
	});

	test('published on 127.0.0.1 only, dialed on another address of this host: container-not-published', async () => {
		const port = await freePort();
		await docker().run('loopbackonly', [
			'-p',
			`127.0.0.1:${port}:8080`,
			image,
			'httpd',
			'-f',
			'-p',
			'8080',
			'-h',
			'/www',
		]);
		await docker().waitForListen('loopbackonly', 8080);

		// The test engine's own bridge address: on this host, not loopback (what a remote client dials).
		const {report, stderr} = await runJson([`${bridgeGateway}:${port}`], {
			env: docker().env,
		});
		expect(report, stderr).toBeDefined();
		expect(report!.probe.outcome).toBe('refused');
		const cause = report!.causes[0]!;
		expect(cause).toMatchObject({
			id: 'container-not-published',
			confidence: 'confirmed',
		});
		expect(cause.summary).toBe(
			`loopbackonly publishes port ${port} only on 127.0.0.1; ${bridgeGateway} is not among them, so clients from other machines are refused.`,
		);
		expect(cause.fixes[0]!.command).toBe(
			`docker run -d --name loopbackonly -p ${port}:8080 ${image} httpd -f -p 8080 -h /www`,
		);
	});

	test("dialing the container's own address (its bridge address) with the app on 127.0.0.1 inside: container-loopback-bind", async () => {
		await docker().run('direct', [
			image,
			'httpd',
			'-f',
			'-p',
			'127.0.0.1:8080',
			'-h',
			'/www',
		]);
		await docker().waitForListen('direct', 8080);
		const address = (
			await docker().docker([
				'inspect',
				'--format',
				'{{.NetworkSettings.IPAddress}}',
				'direct',
			])
		).stdout.trim();
		expect(address).toMatch(/^10\.203\.0\.\d+$/);

		const {report, stderr} = await runJson([`${address}:8080`], {
			env: docker().env,
		});
		expect(report, stderr).toBeDefined();
		expect(report!.probe.outcome).toBe('refused');
		const cause = report!.causes[0]!;
		expect(cause).toMatchObject({
			id: 'container-loopback-bind',
			confidence: 'confirmed',
		});
		expect(cause.summary).toBe(
			`The app in direct listens on 127.0.0.1:8080 inside the container only, so its address ${address}:8080 refuses.`,
		);
		expect(cause.fixes[0]!.command).toBe(
			`docker run -d --name direct ${image} httpd -f -p 0.0.0.0:8080 -h /www`,
		);
	});

	test('the publishing container has exited: container-exited with its exit code and last log line', async () => {
		const port = await freePort();
		await docker().run('crashed', [
			'-p',
			`127.0.0.1:${port}:8080`,
			image,
			'sh',
			'-c',
			'echo starting app >&2; echo "fatal: cannot open /etc/app.conf" >&2; exit 3',
		]);
		await docker().waitForState('crashed', 'exited');

		const {report, stderr} = await runJson([`127.0.0.1:${port}`], {
			env: docker().env,
		});
		expect(report, stderr).toBeDefined();
		expect(report!.probe.outcome).toBe('refused');
		const cause = report!.causes[0]!;
		expect(cause).toMatchObject({
			id: 'container-exited',
			confidence: 'confirmed',
		});
		expect(cause.summary).toContain('exit code 3');
		expect(cause.summary).toContain('"fatal: cannot open /etc/app.conf"');
		expect(cause.evidence.at(-1)).toBe('log: fatal: cannot open /etc/app.conf');
		expect(cause.evidence).toContain('log: starting app');
		expect(cause.fixes.map(fix => fix.command)).toContain(
			'docker start crashed',
		);
	});

	test('a mapping to a container port where nothing listens: wrong-port, naming the real one', async () => {
		const port = await freePort();
		await docker().run('mismatch', [
			'-p',
			`127.0.0.1:${port}:9999`,
			image,
			'httpd',
			'-f',
			'-p',
			'8080',
			'-h',
			'/www',
		]);
		await docker().waitForListen('mismatch', 8080);

		const {report, stderr} = await runJson([`127.0.0.1:${port}`], {
			env: docker().env,
		});
		expect(report, stderr).toBeDefined();
		const cause = report!.causes[0]!;
		expect(cause).toMatchObject({id: 'wrong-port', confidence: 'confirmed'});
		expect(cause.summary).toContain('listens on 8080');
		expect(cause.fixes[0]!.command).toBe(
			`docker run -d --name mismatch -p 127.0.0.1:${port}:8080 ${image} httpd -f -p 8080 -h /www`,
		);
	});

	test('not root and not in the docker group: unknown with the command to run by hand, never a guess', async () => {
		const port = await freePort();
		await docker().run('hidden', [
			'-p',
			`127.0.0.1:${port}:8080`,
			image,
			'httpd',
			'-f',
			'-p',
			'127.0.0.1:8080',
			'-h',
			'/www',
		]);
		await docker().waitForListen('hidden', 8080);

		// The same CLI as user nobody: the engine's socket is closed to it.
		const asNobody = async (...extra: string[]) => {
			const result = await execa(
				process.execPath,
				[publicCliPath(), `127.0.0.1:${port}`, '--json', ...extra],
				{
					reject: false,
					timeout: 60_000,
					uid: 65_534,
					gid: 65_534,
					cwd: '/',
					env: {...docker().env, HOME: '/tmp'},
					stdin: 'ignore',
				},
			);
			return JSON.parse(String(result.stdout)) as Report;
		};

		const report = await asNobody();
		const step = report.steps.find(s => s.id === 'container-engine');
		expect(step?.status).toBe('unknown');
		expect(step?.detail).toContain('not root and not in the docker group');
		expect(step?.detail).toContain('sudo docker ps -a');
		expect(report.causes.filter(c => c.id.startsWith('container-'))).toEqual(
			[],
		);
		expect(report.steps.find(s => s.id === 'container-port')?.status).toBe(
			'skipped',
		);
		// Non-interactive, nothing to go on: the question stays unanswered, no guess.
		expect(report.questions).toContainEqual(
			expect.objectContaining({
				key: 'container',
				answer: null,
				by: 'unanswered',
			}),
		);

		// Told it is a container: the commands to run by hand, and the probe's signal as possible.
		const told = await asNobody('--answer', 'container=yes');
		const byHand = told.steps.find(s => s.id === 'container-by-hand');
		expect(byHand?.status).toBe('unknown');
		expect(byHand?.output).toContainEqual(
			`  sudo docker ps -a --filter publish=${port} --format '{{.Names}}\\t{{.Status}}\\t{{.Ports}}'`,
		);
		expect(told.causes).toContainEqual(
			expect.objectContaining({
				id: 'container-loopback-bind',
				confidence: 'possible',
			}),
		);
	});

	test('a healthy published container: no container cause, the chain is intact', async () => {
		const port = await freePort();
		await docker().run('healthy', [
			'-p',
			`127.0.0.1:${port}:8080`,
			image,
			'httpd',
			'-f',
			'-p',
			'8080',
			'-h',
			'/www',
		]);
		await docker().waitForListen('healthy', 8080);

		const {report, stderr} = await runJson([`127.0.0.1:${port}`], {
			env: docker().env,
		});
		expect(report, stderr).toBeDefined();
		expect(report!.probe.outcome).toBe('open');
		expect(report!.causes.filter(c => c.id.startsWith('container-'))).toEqual(
			[],
		);
		expect(report!.steps.find(s => s.id === 'container-engine')?.status).toBe(
			'skipped',
		);
	});
});

// Docker's NAT-only publishing (dockerd --userland-proxy=false): a second private engine, run
// inside a network namespace of its own so that its iptables rules and sysctls stay there.
describe('containers published through NAT only (no docker-proxy)', () => {
	/** The host's own rules (iptables-save, counters left out): the NAT engine must not change them. */
	const hostRules = async () =>
		String((await execa('iptables-save', [], {reject: false})).stdout)
			.split('\n')
			.filter(line => !line.startsWith('#'))
			.map(line => line.replace(/\[\d+:\d+]$/, ''))
			.join('\n');
	let rulesBefore = '';
	let netns: Netns | undefined;
	let engine: DockerEngine | undefined;
	const docker = () => {
		if (!engine || !netns) {
			throw new Error('the NAT test engine did not start');
		}

		return {engine, netns};
	};

	beforeAll(async () => {
		const missing = dockerMissing();
		if (missing) {
			throw new Error(`cannot start the test Docker engine: ${missing}`);
		}

		rulesBefore = await hostRules();
		netns = await createNetns();
		engine = await startDocker({nat: netns});
	}, 120_000);

	afterAll(async () => {
		await engine?.stop();
		await netns?.cleanup();
	}, 60_000);

	test('an app bound to 127.0.0.1 inside, published by a DNAT rule: refused (not dropped), container-loopback-bind, dockerd only reserving the host port', async () => {
		const {engine, netns} = docker();
		const port = await freePort();
		await engine.run('natloop', [
			'-p',
			`127.0.0.1:${port}:8080`,
			image,
			'httpd',
			'-f',
			'-p',
			'127.0.0.1:8080',
			'-h',
			'/www',
		]);
		await engine.waitForListen('natloop', 8080);
		// The engine's own DNAT rule for the mapping, in the namespace's nat table.
		const rules = await netns.exec('iptables-save', ['-t', 'nat']);
		expect(String(rules.stdout)).toMatch(
			new RegExp(
				`-A DOCKER .*--dport ${port} -j DNAT --to-destination 10\\.203\\.0\\.\\d+:8080`,
			),
		);

		const {report, stderr} = await runJson([`127.0.0.1:${port}`], {
			netns,
			env: engine.env,
		});
		expect(report, stderr).toBeDefined();
		// No docker-proxy to accept and drop: the container's own kernel refuses on its address.
		expect(report!.probe.outcome).toBe('refused');
		const cause = report!.causes[0]!;
		expect(cause).toMatchObject({
			id: 'container-loopback-bind',
			confidence: 'confirmed',
		});
		expect(cause.evidence).toEqual(
			expect.arrayContaining([
				// Dockerd binds the host port only to reserve it; the DNAT rule takes the connection first.
				expect.stringMatching(
					new RegExp(
						`^host: dockerd \\(pid \\d+\\) listens on 127\\.0\\.0\\.1:${port}: dockerd only reserves the port \\(no docker-proxy\\); its NAT rule forwards`,
					),
				),
				expect.stringMatching(
					/^inside natloop \(\/proc\/\d+\/net\/tcp, tcp6\): listening on 127\.0\.0\.1:8080$/,
				),
			]),
		);
		expect(cause.fixes[0]!.command).toBe(
			`docker run -d --name natloop -p 127.0.0.1:${port}:8080 ${image} httpd -f -p 0.0.0.0:8080 -h /www`,
		);
	});

	test("the engine's NAT rules live in its namespace: the host's rules are unchanged while it runs", async () => {
		docker();
		expect(await hostRules()).toBe(rulesBefore);
	});
});
