import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {
	bindFixes,
	composeUp,
	logsCommand,
	nsenterCommand,
	publishFixes,
	startCommand,
} from '../../../source/checks/containers/fixes.js';
import {containerPortCheck} from '../../../source/checks/containers/port.js';
import {judgeLogs} from '../../../source/checks/containers/logs-explain.js';
import {judgeEngine} from '../../../source/checks/containers/engine-judge.js';
import type {JudgeInput} from '../../../source/checks/define.js';
import {parseDockerInspect} from '../../../source/parsers/docker-inspect.js';
import {parseDockerError} from '../../../source/parsers/docker-logs.js';
import {parseProcNetTcpListeners} from '../../../source/parsers/docker-netns.js';
import type {
	ContainerInfo,
	Facts,
	NetnsListener,
} from '../../../source/tree/facts.js';
import type {CheckResult, Fix} from '../../../source/tree/types.js';
import {
	assertInert,
	hostileStrings,
	shellWords,
} from '../../helpers/hostile.js';

/*
Every fix builder of the container causes, fed hostile text where the engine's text lands: the
container's name, image, command, environment, compose labels and the CLI's -H socket path. Pasting
any fix into sh must run nothing (assertInert), and a command built from an argv must give that argv
back, each hostile string one word (shellWords).
*/
const fixture = (name: string) =>
	readFileSync(
		new URL(`../../fixtures/docker/${name}`, import.meta.url),
		'utf8',
	);
const all = parseDockerInspect(fixture('inspect-all.json'));
const localonly = all.find(c => c.name === 'localonly')!;
const loopbackInside = parseProcNetTcpListeners(
	fixture('netns-loopback.tcp.txt'),
	4,
);

function hostile(h: string, variant: 'cmd' | 'env' | 'plain'): ContainerInfo {
	return {
		...localonly,
		name: h,
		image: h,
		cmd:
			variant === 'cmd'
				? ['httpd', '-f', '-p', '127.0.0.1:8080', h]
				: ['httpd', h],
		env: variant === 'env' ? [`BIND_ADDRESS=127.0.0.1 ${h}`] : [`X=${h}`],
	};
}

const composed = (container: ContainerInfo, h: string): ContainerInfo => ({
	...container,
	compose: {project: h, service: h, workingDir: h, configFiles: `${h},b.yml`},
});

const cliFor = (h: string) => ['docker', '-H', `unix://${h}/docker.sock`];

function commandsOf(fixes: readonly Fix[]): string[] {
	return fixes.map(fix => fix.command);
}

describe('each builder, each hostile string', () => {
	for (const h of hostileStrings) {
		test(JSON.stringify(h), () => {
			const cli = cliFor(h);
			const commands: string[] = [];
			for (const variant of ['cmd', 'env', 'plain'] as const) {
				for (const container of [
					hostile(h, variant),
					composed(hostile(h, variant), h),
				]) {
					commands.push(
						...commandsOf(bindFixes(container, cli, 8080)),
						...commandsOf(publishFixes(container, cli, '8080:8080')),
						...commandsOf(
							publishFixes(
								container,
								cli,
								'18081:8081',
								container.portBindings[0],
							),
						),
						logsCommand(container, cli, 50),
						startCommand(container, cli),
					);
				}
			}

			commands.push(nsenterCommand(localonly.pid, 1000));
			for (const command of new Set(commands)) {
				assertInert(command);
			}

			// Commands from an argv give the argv back: the hostile string stays one word.
			const plain = hostile(h, 'plain');
			expect(shellWords(logsCommand(plain, cli, 50))).toEqual([
				...cli,
				'logs',
				'--tail',
				'50',
				h,
			]);
			expect(shellWords(startCommand(plain, cli))).toEqual([
				...cli,
				'start',
				h,
			]);
			expect(shellWords(composeUp(composed(plain, h), cli)!)).toEqual([
				...cli,
				'compose',
				'--project-directory',
				h,
				'-f',
				h,
				'-f',
				'b.yml',
				'up',
				'-d',
				h,
			]);
			const rerun = publishFixes(plain, cli, '8080:8080').at(-1)!.command;
			expect(shellWords(rerun)).toEqual([
				...cli,
				'run',
				'-d',
				'--name',
				h,
				'-p',
				'18081:8080',
				'-p',
				'8080:8080',
				h,
				'httpd',
				h,
			]);
			const byEnv = bindFixes(hostile(h, 'env'), cli, 8080)[0]!.command;
			expect(shellWords(byEnv)).toContain(`BIND_ADDRESS=0.0.0.0 ${h}`);
		});
	}
});

describe('whole judges on a hostile container: every fix they give is inert', () => {
	const input = (facts: Facts, uid: number): JudgeInput => ({
		target: facts.target!,
		facts,
		answers: {},
		timeoutMs: 3000,
		uid,
	});
	const factsFor = (
		h: string,
		container: ContainerInfo,
		port: number,
	): Facts => ({
		target: {input: `127.0.0.1:${port}`, host: '127.0.0.1', port},
		probe: {
			outcome: 'refused',
			address: '127.0.0.1',
			ms: 1,
			addresses: [
				{
					address: '127.0.0.1',
					family: 4,
					source: 'literal',
					outcome: 'refused',
					ms: 1,
					code: 'ECONNREFUSED',
				},
			],
		},
		containers: {
			engine: 'docker',
			cli: 'docker',
			hostArgs: ['-H', `unix://${h}/docker.sock`],
			socket: h,
			readable: true,
			containers: [container],
		},
	});
	const judgePort = (
		facts: Facts,
		container: ContainerInfo,
		listeners: readonly NetnsListener[] | undefined,
		uid: number,
	): CheckResult =>
		containerPortCheck.check.judge(
			{
				looked: [container],
				netns: new Map([
					[
						container.id,
						listeners
							? {listeners, source: '/proc/1/net/tcp'}
							: {why: 'EACCES'},
					],
				]),
			},
			input(facts, uid),
		);

	const fixesOf = (result: CheckResult) =>
		(result.findings ?? []).flatMap(finding => commandsOf(finding.fixes));

	for (const h of hostileStrings) {
		test(JSON.stringify(h), () => {
			const commands: string[] = [];
			for (const variant of ['cmd', 'env', 'plain'] as const) {
				for (const container of [
					hostile(h, variant),
					composed(hostile(h, variant), h),
				]) {
					// Published: loopback inside, another port inside, unreadable inside.
					for (const listeners of [
						loopbackInside,
						[{address: '0.0.0.0', port: 9000, family: 4} as const],
						[{address: '127.0.0.1', port: 9000, family: 4} as const],
						undefined,
					]) {
						for (const uid of [0, 1000]) {
							const facts = factsFor(h, container, 18_081);
							commands.push(
								...fixesOf(judgePort(facts, container, listeners, uid)),
							);
						}
					}

					// Listening inside, not published; and stopped (its logs).
					const unpublished = {...container, ports: [], portBindings: []};
					commands.push(
						...fixesOf(
							judgePort(
								factsFor(h, unpublished, 8080),
								unpublished,
								loopbackInside,
								1000,
							),
						),
					);
					const stopped = {...container, running: false, state: 'exited'};
					const facts = factsFor(h, stopped, 18_081);
					const match = judgePort(facts, stopped, undefined, 1000);
					commands.push(
						...fixesOf(
							judgeLogs(
								{display: 'docker logs', lines: [h]},
								input({...facts, containers: match.facts!.containers}, 1000),
							),
						),
					);
				}
			}

			const distinct = new Set(commands);
			expect(distinct.size).toBeGreaterThan(12);
			for (const command of distinct) {
				assertInert(command);
			}
		});
	}

	test('the engine step: by-hand commands keep a hostile -H socket path one word', () => {
		for (const h of hostileStrings) {
			const result = judgeEngine(
				{
					reads: [
						{
							candidate: {
								engine: 'docker',
								cli: 'docker',
								hostArgs: ['-H', `unix://${h}/docker.sock`],
								socket: h,
							},
							display: 'docker ps',
							ps: {
								notFound: false,
								timedOut: false,
								exitCode: 1,
								error: parseDockerError(
									fixture('error-permission-denied.stderr.txt'),
								),
							},
						},
					],
				},
				input({}, 1000),
			);
			const byHand = result.detail.slice(
				result.detail.indexOf('Check by hand: ') + 'Check by hand: '.length,
			);
			assertInert(byHand);
			expect(shellWords(byHand)).toEqual([
				'sudo',
				'docker',
				'-H',
				`unix://${h}/docker.sock`,
				'ps',
				'-a',
			]);
		}
	});
});
