/**
Hostile text from the system (issue 15, item 2), on real processes and files in private namespaces:
a listening process whose name carries terminal escapes, /etc/hosts comments, service log lines and
an HTTP reply body with escapes. No raw ESC or BEL reaches --json or --markdown (nor JSON's \u001b),
and a fix built from the process name is inert when pasted into sh.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {afterEach, describe, expect, test} from 'vitest';
import {cliPath} from '../helpers/cli.js';
import {assertInert} from '../helpers/hostile.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';

const osc52 = '\u001B]52;c;ZXZpbA==\u0007';
const spaces: Netns[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
	for (const child of children.splice(0)) {
		child.kill('SIGKILL');
	}

	for (const ns of spaces.splice(0)) {
		await ns.cleanup();
	}
});

async function netns(hosts?: string) {
	const ns = await createNetns(hosts === undefined ? {} : {hosts});
	spaces.push(ns);
	return ns;
}

/** A node script started inside the namespace; resolves once it prints "ready". */
async function start(ns: Netns, script: string): Promise<void> {
	const child = spawn(
		'ip',
		['netns', 'exec', ns.name, process.execPath, '-e', script],
		{
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	children.push(child);
	await new Promise<void>((resolve, reject) => {
		child.stdout.once('data', () => {
			resolve();
		});
		child.once('exit', code => {
			reject(new Error(`the server exited with ${code}`));
		});
	});
}

/** The CLI in the namespace, optionally in a private mount namespace prepared by `setup` (sh). */
async function diagnose(
	ns: Netns,
	target: string,
	format: string,
	setup?: string,
) {
	const args = setup
		? ([
				'unshare',
				[
					'-m',
					'/bin/sh',
					'-c',
					`${setup} && exec "$0" "$@"`,
					process.execPath,
					cliPath,
					target,
					format,
				],
			] as const)
		: ([process.execPath, [cliPath, target, format]] as const);
	const result = await ns.exec(args[0], args[1], {
		env: {PATH: process.env['PATH']},
	});
	return {
		exitCode: result.exitCode,
		stdout: String(result.stdout),
		stderr: String(result.stderr),
	};
}

function expectClean(text: string) {
	expect(text).not.toMatch(/[\u001B\u0007\u009B]/);
	expect(text).not.toMatch(/\\u001b|\\u0007|\\u009b/i);
}

async function both(ns: Netns, target: string, setup?: string) {
	const json = await diagnose(ns, target, '--json', setup);
	const markdown = await diagnose(ns, target, '--markdown', setup);
	for (const run of [json, markdown]) {
		expect([0, 1], run.stderr).toContain(run.exitCode);
		expectClean(run.stdout);
		expectClean(run.stderr);
	}

	const report = JSON.parse(json.stdout) as {
		causes: Array<{evidence: string[]; fixes: Array<{command: string}>}>;
	};
	expect(schemaErrors(report)).toEqual([]);
	return {report, json: json.stdout, markdown: markdown.stdout};
}

describe('hostile text from the system never drives the terminal', () => {
	test('a listening process named with OSC 52 and BEL: its name is shown clean, its fixes are inert', async () => {
		const ns = await netns();
		await start(
			ns,
			`process.title = ${JSON.stringify(`evil${osc52}srv $(/usr/bin/touch /tmp/refused-hostile-ran)`)};
require('node:net').createServer(s => s.destroy()).listen(7401, '127.0.0.1', () => process.stdout.write('ready\\n'));`,
		);
		const {report, json} = await both(ns, '[::1]:7401');
		expect(json).toContain('evil');
		for (const fix of report.causes.flatMap(c => c.fixes)) {
			assertInert(fix.command);
		}
	});

	test('/etc/hosts comments and names with escapes', async () => {
		const ns = await netns(
			`127.0.0.1\tlocalhost\n::1\tlocalhost\n# evil ${osc52} comment\n127.0.0.1\tevil.test # trailing ${osc52}\u001B[2J\n`,
		);
		const {json} = await both(ns, 'evil.test:7402');
		expect(json).toContain('/etc/hosts');
		expect(json).toMatch(/evil\.test # trailing/);
	});

	test('service log lines with escapes (a private mount namespace over /var/log/redis)', async () => {
		const ns = await netns();
		const line = `1:M 01 Dec 2026 10:00:00.000 # Could not create server TCP listening socket *:6379: bind: Address already in use ${osc52}\u001B[31mred\u0007`;
		const setup = `mount -t tmpfs refused-test /var/log/redis && printf '%s\\n' '${line.replaceAll("'", `'\\''`)}' > /var/log/redis/redis-server.log`;
		const {json} = await both(ns, '127.0.0.1:6379', setup);
		expect(json).toContain('redis-server.log');
		// The line itself reached the report (without its escapes).
		expect(json).toContain('bind: Address already in use');
	});

	test('an HTTP reply body with escapes', async () => {
		const ns = await netns();
		await start(
			ns,
			// Named nginx so the proxy step asks it over HTTP.
			`process.title = 'nginx'; require('node:http').createServer((q, r) => { r.writeHead(502, {server: 'nginx'}); r.end(${JSON.stringify(`<h1>502 Bad Gateway</h1>${osc52}\u001B[2J`)}); }).listen(7403, '127.0.0.1', () => process.stdout.write('ready\\n'));`,
		);
		const {json} = await both(ns, 'http://127.0.0.1:7403/');
		expect(json).toMatch(/GET http:\/\/127\.0\.0\.1:7403\/ → 502/);
	});
});
