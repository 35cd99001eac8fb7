/**
Real reverse proxies on loopback, diagnosed by the built CLI: nginx (and HAProxy) in front of a
dead backend give upstream-refused naming the backend and the config line; in front of a live
backend they do not.
*/
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {readdir} from 'node:fs/promises';
import {afterEach, describe, expect, test} from 'vitest';
import {runJson} from '../helpers/cli.js';
import {createNetns} from '../helpers/netns.js';
import {
	freePort,
	lineOf,
	startBackend,
	startHaproxy,
	startNginx,
	type NginxLauncher,
} from '../helpers/nginx.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).toReversed()) {
		await cleanup();
	}
});

/** A server block on 127.0.0.1:port that sends every request to 127.0.0.1:upstream. */
const proxyAll = (port: number, upstream: number) =>
	[
		`server {`,
		`\tlisten 127.0.0.1:${port};`,
		`\tlocation / {`,
		`\t\tproxy_pass http://127.0.0.1:${upstream};`,
		`\t}`,
		`}`,
	].join('\n');

const step = (
	report: NonNullable<Awaited<ReturnType<typeof runJson>>['report']>,
	id: string,
) => report.steps.find(s => s.id === id);

describe('nginx', () => {
	test('in front of a dead upstream: upstream-refused, naming the upstream and the proxy_pass line', async () => {
		const dead = await freePort();
		const nginx = await startNginx(({port}) => proxyAll(port, dead));
		cleanups.push(nginx.stop);
		const line = lineOf(readFileSync(nginx.config, 'utf8'), 'proxy_pass');
		const {report, stderr} = await runJson([`http://127.0.0.1:${nginx.port}/`]);
		expect(report, stderr).toBeDefined();
		const cause = report!.causes[0];
		expect(cause?.id).toBe('upstream-refused');
		expect(cause?.confidence).toBe('confirmed');
		expect(cause?.summary).toContain(`127.0.0.1:${dead}`);
		expect(cause?.evidence).toContain(
			`${nginx.config}:${line}: proxy_pass http://127.0.0.1:${dead};`,
		);
		expect(cause?.evidence[0]).toMatch(
			new RegExp(
				`^GET http://127\\.0\\.0\\.1:${nginx.port}/ → 502 Bad Gateway \\(Server: nginx/[\\d.]+\\)$`,
			),
		);
		expect(
			cause?.evidence.some(
				l =>
					l.startsWith('error log: ') &&
					l.includes(
						'connect() failed (111: Connection refused) while connecting to upstream',
					) &&
					l.includes(`127.0.0.1:${dead}`),
			),
		).toBe(true);
		// The server-side half: what listens on the upstream's port here.
		expect(
			cause?.evidence.some(l =>
				l.startsWith(`on this host nothing listens on port ${dead}`),
			),
		).toBe(true);
		expect(cause?.fixes[0]?.command).toBe(`refused 127.0.0.1:${dead}`);
		expect(step(report!, 'reverse-proxy')?.status).toBe('problem');
		expect(report!.questions.find(q => q.key === 'proxy')).toMatchObject({
			answer: 'yes',
			by: 'auto',
		});
	});

	test('in front of a live upstream: no upstream-refused', async () => {
		const backend = await startBackend();
		cleanups.push(backend.close);
		const nginx = await startNginx(({port}) =>
			[
				`upstream app {`,
				`\tserver 127.0.0.1:${backend.port};`,
				`}`,
				`server {`,
				`\tlisten 127.0.0.1:${port};`,
				`\tlocation / {`,
				`\t\tproxy_pass http://app;`,
				`\t}`,
				`}`,
			].join('\n'),
		);
		cleanups.push(nginx.stop);
		const {report, stderr} = await runJson([`http://127.0.0.1:${nginx.port}/`]);
		expect(report, stderr).toBeDefined();
		expect(report!.causes.map(c => c.id)).not.toContain('upstream-refused');
		expect(step(report!, 'reverse-proxy')).toMatchObject({status: 'passed'});
		expect(step(report!, 'reverse-proxy')?.detail).toContain('200 OK');
		expect(step(report!, 'proxy-upstream')).toMatchObject({
			status: 'passed',
			detail: `nginx's upstream 127.0.0.1:${backend.port} accepts connections`,
		});
	});

	test('an upstream block whose server is dead names the server line inside the block', async () => {
		const dead = await freePort();
		const backend = await startBackend();
		cleanups.push(backend.close);
		const nginx = await startNginx(({port}) =>
			[
				`upstream api {`,
				`\tserver 127.0.0.1:${dead};`,
				`}`,
				`server {`,
				`\tlisten 127.0.0.1:${port};`,
				`\tlocation /api/ {`,
				`\t\tproxy_pass http://api;`,
				`\t}`,
				`\tlocation / {`,
				`\t\tproxy_pass http://127.0.0.1:${backend.port};`,
				`\t}`,
				`}`,
			].join('\n'),
		);
		cleanups.push(nginx.stop);
		const line = lineOf(
			readFileSync(nginx.config, 'utf8'),
			`server 127.0.0.1:${dead}`,
		);
		const {report} = await runJson([
			`http://127.0.0.1:${nginx.port}/api/users`,
		]);
		expect(report?.causes[0]?.id).toBe('upstream-refused');
		expect(report?.causes[0]?.evidence).toContain(
			`${nginx.config}:${line}: server 127.0.0.1:${dead};`,
		);
		// The path decides: / goes to the live backend.
		const root = await runJson([`http://127.0.0.1:${nginx.port}/`]);
		expect(root.report?.causes.map(c => c.id)).not.toContain(
			'upstream-refused',
		);
	});
});

/** The nginx master's parent process (pid and command line), read from /proc. */
async function parentOfMaster(
	dir: string,
): Promise<{pid: number; argv: string[]}> {
	const master = Number(readFileSync(`${dir}/nginx.pid`, 'utf8').trim());
	const status = readFileSync(`/proc/${master}/status`, 'utf8');
	const pid = Number(/^PPid:\s+(\d+)/m.exec(status)![1]);
	const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
		.split('\0')
		.filter(Boolean);
	return {pid, argv};
}

/** Wait until nginx has written its pid file (it does so after binding, before the test's probe may see it). */
async function pidFileWritten(dir: string): Promise<void> {
	for (let tries = 0; tries < 200; tries++) {
		if ((await readdir(dir)).includes('nginx.pid')) {
			return;
		}

		await new Promise(resolve => {
			setTimeout(resolve, 25);
		});
	}

	throw new Error(`nginx wrote no pid file in ${dir}`);
}

describe('nginx started by a parent whose command line mentions nginx', () => {
	test.each<[NginxLauncher, RegExp]>([
		['shell-wrapper', /run-nginx\.sh$/],
		['supervisor', /supervisor\/nginx\.conf$/],
	])(
		'%s: the master is found by its own title, its config is read',
		async (how, parentArgument) => {
			const dead = await freePort();
			const nginx = await startNginx(({port}) => proxyAll(port, dead), how);
			cleanups.push(nginx.stop);
			await pidFileWritten(nginx.dir);
			// The trap this case sets: the master's parent is a shell whose arguments name nginx.
			const parent = await parentOfMaster(nginx.dir);
			expect(parent.argv[0]).toBe('/bin/sh');
			expect(parent.argv.at(-1)).toMatch(parentArgument);
			const line = lineOf(readFileSync(nginx.config, 'utf8'), 'proxy_pass');
			const {report, stderr} = await runJson([
				`http://127.0.0.1:${nginx.port}/`,
			]);
			expect(report, stderr).toBeDefined();
			const upstream = step(report!, 'proxy-upstream');
			expect(upstream?.output).toContainEqual(
				expect.stringMatching(
					new RegExp(
						`^config: ${nginx.config.replaceAll('.', '\\.')} \\(from /proc/\\d+/cmdline[^:]*: nginx: master process `,
					),
				),
			);
			const cause = report!.causes[0];
			expect(cause?.id).toBe('upstream-refused');
			expect(cause?.evidence).toContain(
				`${nginx.config}:${line}: proxy_pass http://127.0.0.1:${dead};`,
			);
			// Root runs this: the reload fix has no sudo, and names this config.
			expect(cause?.fixes.map(f => f.command)).toContain(
				`/usr/sbin/nginx -p ${nginx.dir}/ -c ${nginx.config} -t && /usr/sbin/nginx -p ${nginx.dir}/ -c ${nginx.config} -s reload`,
			);
		},
	);
});

describe('HAProxy', () => {
	test('in front of a dead server: upstream-refused naming the server line', async () => {
		const dead = await freePort();
		const haproxy = await startHaproxy(({port}) =>
			[
				`frontend web`,
				`\tbind 127.0.0.1:${port}`,
				`\tdefault_backend app`,
				``,
				`backend app`,
				`\tserver app1 127.0.0.1:${dead}`,
			].join('\n'),
		);
		cleanups.push(haproxy.stop);
		const line = lineOf(readFileSync(haproxy.config, 'utf8'), 'server app1');
		const {report, stderr} = await runJson([
			`http://127.0.0.1:${haproxy.port}/`,
		]);
		expect(report, stderr).toBeDefined();
		const cause = report!.causes[0];
		expect(cause?.id).toBe('upstream-refused');
		expect(cause?.evidence).toContain(
			`${haproxy.config}:${line}: server app1 127.0.0.1:${dead}`,
		);
		expect(cause?.evidence).toContain(
			`GET http://127.0.0.1:${haproxy.port}/ → 503 Service Unavailable`,
		);
	});
});

describe('a load balancer on another host (network namespaces)', () => {
	/** An HTTP server in the peer namespace that answers like an AWS ALB with no healthy target. */
	const albScript = `
require('node:http')
	.createServer((request, response) => {
		response.writeHead(503, {server: 'awselb/2.0', 'content-type': 'text/html'});
		response.end('<html><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>');
	})
	.listen(8080, process.argv[1], () => process.stdout.write('ready\\n'));
setTimeout(() => process.exit(0), 120000).unref();
`;

	test('answers 503 as awselb: the load-balancer step explains health checks, with the AWS commands', async () => {
		const ns = await createNetns({address: true});
		cleanups.push(ns.cleanup);
		const peer = ns.peer!;
		const child = spawn(
			'ip',
			[
				'netns',
				'exec',
				peer.name,
				process.execPath,
				'-e',
				albScript,
				peer.address,
			],
			{stdio: ['ignore', 'pipe', 'inherit']},
		);
		cleanups.push(async () => {
			child.kill('SIGKILL');
		});
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => {
				reject(new Error('the balancer stub did not start'));
			}, 10_000);
			child.stdout.once('data', () => {
				clearTimeout(timer);
				resolve();
			});
		});
		const {report, stderr} = await runJson([`http://${peer.address}:8080/`], {
			netns: ns,
		});
		expect(report, stderr).toBeDefined();
		expect(report!.steps.find(s => s.id === 'reverse-proxy')?.detail).toBe(
			'an AWS load balancer (ELB/ALB) answers 503 Service Unavailable: its own connection to the backend failed (Server: awselb/2.0)',
		);
		expect(report!.questions.find(q => q.key === 'proxy')).toMatchObject({
			answer: 'yes',
			by: 'auto',
		});
		const lb = report!.steps.find(s => s.id === 'load-balancer');
		expect(lb?.status).toBe('problem');
		expect(lb?.output).toContain(
			'$ aws elbv2 describe-target-health --target-group-arn <tg-arn>',
		);
		const cause = report!.causes.find(c => c.id === 'upstream-refused');
		expect(cause?.confidence).toBe('likely');
		expect(cause?.summary).toContain(
			`an AWS load balancer (ELB/ALB) in front of ${peer.address}:8080 answers 503 Service Unavailable`,
		);
		expect(cause?.evidence).toContain(
			`GET http://${peer.address}:8080/ → 503 Service Unavailable (Server: awselb/2.0)`,
		);
	});

	test('a remote refusal, --answer proxy=yes: what to check on the balancer, as unknown with commands', async () => {
		const ns = await createNetns({address: true});
		cleanups.push(ns.cleanup);
		const peer = ns.peer!;
		const {report, stderr} = await runJson(
			[`${peer.address}:8443`, '--answer', 'proxy=yes'],
			{netns: ns},
		);
		expect(report, stderr).toBeDefined();
		expect(report!.probe.outcome).toBe('refused');
		expect(report!.questions.find(q => q.key === 'proxy')).toMatchObject({
			answer: 'yes',
			by: 'flag',
		});
		const lb = report!.steps.find(s => s.id === 'load-balancer');
		expect(lb).toMatchObject({
			status: 'unknown',
			detail:
				'the load balancer is not on this host: what its listener and health checks see can only be read on it (commands below)',
		});
		expect(lb?.output).toContain(
			'$ gcloud compute backend-services get-health <backend-service> --global',
		);
		expect(report!.causes.map(c => c.id)).not.toContain('upstream-refused');
	});
});
