/**
Real reverse proxies for tests: Debian's nginx (/usr/sbin/nginx) and HAProxy (/usr/sbin/haproxy)
started with a config of their own in a temp dir (pid, logs, temp paths inside it), in the
foreground, on 127.0.0.1 ports. `stop()` kills the process by its pid and removes the dir; an exit
hook does the same if a test dies first.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import net, {type AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const nginxBinary = '/usr/sbin/nginx';
export const haproxyBinary = '/usr/sbin/haproxy';
export const hasNginx = existsSync(nginxBinary);
export const hasHaproxy = existsSync(haproxyBinary);

const live = new Set<{child: ChildProcess; dir: string}>();
process.on('exit', () => {
	for (const entry of live) {
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

async function start(
	file: string,
	args: readonly string[],
	dir: string,
	config: string,
	port: number,
): Promise<RunningProxy> {
	const child = spawn(file, args, {stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	child.stderr.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	const entry = {child, dir};
	live.add(entry);
	const stop = async () => {
		live.delete(entry);
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
Nginx in the foreground with this http-block body (use PORT for its own port, DIR for its dir).
Returns once it accepts on the port.
*/
export async function startNginx(
	httpBody: (ports: {port: number; dir: string}) => string,
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
	return start(
		nginxBinary,
		['-c', config, '-p', `${dir}/`, '-g', 'daemon off;'],
		dir,
		config,
		port,
	);
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
	return start(haproxyBinary, ['-f', config, '-db'], dir, config, port);
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
