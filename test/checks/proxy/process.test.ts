/**
Which process is the proxy's master: by its own executable (/proc/PID/exe, else comm) and its
title, never by a parent's command line that merely mentions the proxy. The /proc texts are the
shapes nginx and sh write (the nginx titles are the captured test/fixtures/nginx/cmdline-*.bin).
*/
import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {loadNginxConfig, nginxRules} from '../../../source/proxies/nginx.js';
import {haproxyRules} from '../../../source/proxies/haproxy.js';
import {masterOf, programOf} from '../../../source/proxies/process.js';
import type {CheckContext} from '../../../source/checks/types.js';
import {createFakeIo, type FakeIoOptions} from '../../helpers/fake-io.js';

const cmdline = (name: string) =>
	readFileSync(
		new URL(`../../fixtures/nginx/${name}`, import.meta.url),
		'utf8',
	);

/** A process in the fake /proc: cmdline, comm, PPid, and what readlink says of its exe. */
function proc(
	pid: number,
	argv: string,
	comm: string,
	ppid: number,
): Record<string, string> {
	return {
		[`/proc/${pid}/cmdline`]: argv,
		[`/proc/${pid}/comm`]: `${comm}\n`,
		[`/proc/${pid}/status`]: `Name:\t${comm}\nPPid:\t${ppid}\n`,
	};
}

const exe = (pid: number, path: string) => ({
	match: `readlink -- /proc/${pid}/exe`,
	stdout: `${path}\n`,
});

const wrapper = proc(500, 'sh\0/srv/app/run-nginx.sh\0', 'sh', 1);
const supervisor = proc(
	500,
	'/usr/bin/python3\0/usr/bin/supervisord\0-c\0/etc/supervisor/nginx.conf\0',
	'supervisord',
	1,
);
const master = proc(8388, cmdline('cmdline-master.bin'), 'nginx', 500);
const worker = proc(8389, cmdline('cmdline-worker.bin'), 'nginx', 8388);

function io(options: FakeIoOptions) {
	return createFakeIo(options);
}

describe('masterOf', () => {
	test.each([
		['a shell wrapper', wrapper],
		['a supervisor', supervisor],
	])(
		'the master under %s whose arguments mention nginx is the master itself',
		async (_name, parent) => {
			const found = await masterOf(
				io({files: {...parent, ...master}}),
				8388,
				nginxRules,
			);
			expect(found?.process.pid).toBe(8388);
			expect(found?.process.argv.slice(0, 4)).toEqual([
				'nginx:',
				'master',
				'process',
				'/usr/sbin/nginx',
			]);
		},
	);

	test("a worker's parent is its master when the parent's executable is nginx and its title says master", async () => {
		const found = await masterOf(
			io({
				files: {...wrapper, ...master, ...worker},
				commands: [exe(8389, '/usr/sbin/nginx'), exe(8388, '/usr/sbin/nginx')],
			}),
			8389,
			nginxRules,
		);
		expect(found).toMatchObject({
			process: {pid: 8388, exe: '/usr/sbin/nginx'},
			how: '/proc/8388/cmdline (the master of pid 8389)',
		});
	});

	test('a parent that is not nginx by its executable is never the master, whatever its arguments say', async () => {
		// A worker-titled process whose parent is the wrapper (as if the master were gone).
		const orphan = proc(8390, cmdline('cmdline-worker.bin'), 'nginx', 500);
		const found = await masterOf(
			io({
				files: {...wrapper, ...orphan},
				commands: [exe(500, '/usr/bin/dash')],
			}),
			8390,
			nginxRules,
		);
		expect(found?.process.pid).toBe(8390);
	});

	test('the executable decides over the comm', () => {
		expect(
			programOf({pid: 1, argv: [], comm: 'nginx', exe: '/usr/bin/dash'}),
		).toBe('dash');
		expect(
			programOf({
				pid: 1,
				argv: [],
				comm: 'x',
				exe: '/usr/sbin/nginx (deleted)',
			}),
		).toBe('nginx');
		expect(programOf({pid: 1, argv: [], comm: 'nginx'})).toBe('nginx');
	});
});

test('loadNginxConfig under a shell wrapper: the config from the master, not the wrapper', async () => {
	const context: Pick<CheckContext, 'io' | 'signal' | 'onCommand'> = {
		io: io({
			files: {
				...wrapper,
				...master,
				...worker,
				'/tmp/ngx1/nginx.conf':
					'events {}\nhttp { server { listen 39180; } }\n',
			},
		}),
		signal: new AbortController().signal,
		onCommand() {},
	};
	for (const pid of [8388, 8389]) {
		const config = await loadNginxConfig(context, pid);
		expect(config).toMatchObject({
			ok: true,
			confFile: '/tmp/ngx1/nginx.conf',
			binary: '/usr/sbin/nginx',
			pid: 8388,
		});
	}
});

describe('HAProxy', () => {
	const argv = '/usr/sbin/haproxy\0-Ws\0-f\0/etc/haproxy/haproxy.cfg\0';
	test('a worker of master-worker mode: its parent, the same executable', async () => {
		const found = await masterOf(
			io({
				files: {
					...proc(700, argv, 'haproxy', 1),
					...proc(701, argv, 'haproxy', 700),
				},
				commands: [
					exe(701, '/usr/sbin/haproxy'),
					exe(700, '/usr/sbin/haproxy'),
				],
			}),
			701,
			haproxyRules,
		);
		expect(found?.process.pid).toBe(700);
	});

	test('under `sh run-haproxy.sh`: itself, not the wrapper', async () => {
		const found = await masterOf(
			io({
				files: {
					...proc(600, 'sh\0/srv/run-haproxy.sh\0', 'sh', 1),
					...proc(701, argv, 'haproxy', 600),
				},
				commands: [exe(701, '/usr/sbin/haproxy'), exe(600, '/usr/bin/dash')],
			}),
			701,
			haproxyRules,
		);
		expect(found?.process.pid).toBe(701);
	});
});
