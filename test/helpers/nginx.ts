/**
Real reverse proxies for tests: Debian's nginx (/usr/sbin/nginx) and HAProxy (/usr/sbin/haproxy)
started with a config of their own in a temp dir (pid, logs, temp paths inside it), in the
foreground, on 127.0.0.1 ports. `stop()` kills the process by its pid and removes the dir; an exit
hook does the same if a test dies first.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net, {type AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {shellQuote} from '../../source/text/sanitize.js';

export const nginxBinary = '/usr/sbin/nginx';
export const haproxyBinary = '/usr/sbin/haproxy';

const live = new Set<{child: ChildProcess; dir: string; pidFile?: string}>();
process.on('exit', () => {
	for (const entry of live) {
		killFromPidFile(entry.pidFile);
		entry.child.kill('SIGKILL');
		rmSync(entry.dir, {recursive: true, force: true});
	}
});

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	const {port} = server.address() as AddressInfo;
	await new Promise<void>(resolve => {
		server.close(() => {
			resolve();
		});
	});
	return port;
}

/** Poll until 127.0.0.1:port accepts, or fail after the deadline (no fixed sleeps). */
export async function waitForPort(
	port: number,
	child: ChildProcess,
	describe: () => string,
	deadlineMs = 10_000,
): Promise<void> {
	const until = Date.now() + deadlineMs;
	for (;;) {
		if (child.exitCode !== null) {
			throw new Error(
				`exited with ${child.exitCode} before listening on ${port}: ${describe()}`,
			);
		}

		const open = await new Promise<boolean>(resolve => {
			const socket = net.connect({host: '127.0.0.1', port});
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => {
				resolve(false);
			});
		});
		if (open) {
			return;
		}

		if (Date.now() > until) {
			throw new Error(
				`nothing listens on 127.0.0.1:${port} after ${deadlineMs} ms: ${describe()}`,
			);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 25);
		});
	}
}

export type RunningProxy = {
	readonly port: number;
	readonly dir: string;
	/** The main config file. */
	readonly config: string;
	readonly pid: number;
	readonly stop: () => Promise<void>;
};

type Launch = {
	readonly file: string;
	readonly args: readonly string[];
	readonly dir: string;
	readonly config: string;
	readonly port: number;
	/** The proxy's pid file: under a wrapper, the proxy is not our child and is stopped by it. */
	readonly pidFile?: string;
};

function killFromPidFile(pidFile: string | undefined): void {
	if (!pidFile || !existsSync(pidFile)) {
		return;
	}

	const pid = Number(readFileSync(pidFile, 'utf8').trim());
	try {
		process.kill(pid, 'SIGTERM');
	} catch {}
}

async function start(launch: Launch): Promise<RunningProxy> {
	const {dir, config, port, pidFile} = launch;
	const child = spawn(launch.file, launch.args, {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	child.stderr.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	const entry = {child, dir, pidFile};
	live.add(entry);
	const stop = async () => {
		live.delete(entry);
		killFromPidFile(pidFile);
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise(resolve => {
				child.once('exit', resolve);
			});
			child.kill('SIGTERM');
			await exited;
		}

		rmSync(dir, {recursive: true, force: true});
	};

	try {
		await waitForPort(port, child, () => output);
	} catch (error) {
		await stop();
		throw error;
	}

	return {port, dir, config, pid: child.pid!, stop};
}

/**
How nginx is started: directly (`nginx -c ... -g 'daemon off;'`), under a shell wrapper whose
arguments mention nginx (`sh DIR/run-nginx.sh`, the shell stays its parent), or under a small
supervisor whose command line names an nginx config of its own (`sh DIR/supervisord
-c DIR/supervisor/nginx.conf`), restarting it when it exits.
*/
export type NginxLauncher = 'direct' | 'shell-wrapper' | 'supervisor';

function launcher(
	kind: NginxLauncher,
	dir: string,
	nginxArgs: readonly string[],
): {file: string; args: string[]} {
	const command = shellQuote([nginxBinary, ...nginxArgs]);
	if (kind === 'direct') {
		return {file: nginxBinary, args: [...nginxArgs]};
	}

	if (kind === 'shell-wrapper') {
		const script = path.join(dir, 'run-nginx.sh');
		// The line after nginx keeps sh alive as its parent (no exec of the last command).
		writeFileSync(
			script,
			`#!/bin/sh
# run-nginx.sh: starts nginx for the app
${command}
echo "nginx exited with $?" >&2
`,
		);
		return {file: '/bin/sh', args: [script]};
	}

	mkdirSync(path.join(dir, 'supervisor'));
	const conf = path.join(dir, 'supervisor', 'nginx.conf');
	writeFileSync(
		conf,
		`[program:nginx]
command=${command}
`,
	);
	const supervisor = path.join(dir, 'supervisord');
	writeFileSync(
		supervisor,
		[
			'#!/bin/sh',
			'# A minimal supervisor: runs the command of [program:nginx] in -c CONF, restarts it when it exits.',
			'command=$(sed -n "s/^command=//p" "$2")',
			"trap 'exit 0' TERM",
			'while :; do',
			'\teval "$command"',
			'\tsleep 1',
			'done',
			'',
		].join('\n'),
	);
	return {file: '/bin/sh', args: [supervisor, '-c', conf]};
}

/**
Nginx in the foreground with this http-block body (use PORT for its own port, DIR for its dir).
Returns once it accepts on the port.
*/
export async function startNginx(
	httpBody: (ports: {port: number; dir: string}) => string,
	how: NginxLauncher = 'direct',
): Promise<RunningProxy> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'refused-nginx-'));
	const port = await freePort();
	const config = path.join(dir, 'nginx.conf');
	writeFileSync(
		config,
		[
			'worker_processes 1;',
			`pid ${dir}/nginx.pid;`,
			`error_log ${dir}/error.log;`,
			'events {',
			'\tworker_connections 64;',
			'}',
			'http {',
			`\taccess_log ${dir}/access.log;`,
			...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
				kind => `\t${kind}_temp_path ${dir}/tmp;`,
			),
			...httpBody({port, dir})
				.split('\n')
				.map(line => `\t${line}`),
			'}',
			'',
		].join('\n'),
	);
	const {file, args} = launcher(how, dir, [
		'-c',
		config,
		'-p',
		`${dir}/`,
		'-g',
		'daemon off;',
	]);
	return start({
		file,
		args,
		dir,
		config,
		port,
		...(how === 'direct' ? {} : {pidFile: `${dir}/nginx.pid`}),
	});
}

/** HAProxy in the foreground (-db) with these sections after a minimal global/defaults. */
export async function startHaproxy(
	sections: (ports: {port: number; dir: string}) => string,
): Promise<RunningProxy> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'refused-haproxy-'));
	const port = await freePort();
	const config = path.join(dir, 'haproxy.cfg');
	writeFileSync(
		config,
		[
			'global',
			`\tpidfile ${dir}/haproxy.pid`,
			'',
			'defaults',
			'\tmode http',
			'\ttimeout connect 2s',
			'\ttimeout client 5s',
			'\ttimeout server 5s',
			'',
			sections({port, dir}),
			'',
		].join('\n'),
	);
	return start({
		file: haproxyBinary,
		args: ['-f', config, '-db'],
		dir,
		config,
		port,
	});
}

/** A live HTTP backend on 127.0.0.1 (answers 200 "ok"). */
export async function startBackend(): Promise<{
	port: number;
	close: () => Promise<void>;
}> {
	const server = http.createServer((_request, response) => {
		response.end('ok\n');
	});
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	const {port} = server.address() as AddressInfo;
	return {
		port,
		async close() {
			server.closeAllConnections();
			await new Promise<void>(resolve => {
				server.close(() => {
					resolve();
				});
			});
		},
	};
}

/** The 1-based line of the first line containing `text` in a config. */
export function lineOf(configText: string, text: string): number {
	return configText.split('\n').findIndex(line => line.includes(text)) + 1;
}

/** Split `nginx -T` output into its files ("# configuration file PATH:" headers), keeping line numbers: fixtures for fake file systems. */
export function splitNginxDump(
	text: string,
): Array<{readonly file: string; readonly text: string}> {
	const files: Array<{file: string; lines: string[]}> = [];
	for (const line of text.split('\n')) {
		const header = /^# configuration file (.+):$/.exec(line);
		if (header) {
			files.push({file: header[1]!, lines: []});
		} else {
			files.at(-1)?.lines.push(line);
		}
	}

	return files.map(f => ({file: f.file, text: f.lines.join('\n')}));
}
