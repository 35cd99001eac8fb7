/**
Real servers from Debian's packages, started inside a test namespace with their own config and
data folders (under /tmp, removed by `stop()`): PostgreSQL (initdb + postgres, as the postgres
user) and nginx (`nginx -c FILE -p PREFIX`, `daemon off;`). Each resolves once the server listens.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {
	chownSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import {execa} from 'execa';
import type {Netns} from './netns.js';

export type RealServer = {
	readonly dir: string;
	/** The config file the server reads. */
	readonly config: string;
	readonly child: ChildProcess;
	/** What the server printed (for failure messages). */
	readonly log: () => string;
	readonly stop: () => Promise<void>;
};

/** Poll `ss -Htln` inside the namespace until `port` listens, or throw with the server's output. */
async function waitForListener(
	ns: Netns,
	port: number,
	child: ChildProcess,
	log: () => string,
) {
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) {
			throw new Error(
				`server exited (${child.exitCode}) before listening on ${port}:\n${log()}`,
			);
		}

		const ss = await ns.exec('ss', ['-Htln', `sport = :${port}`]);
		if (String(ss.stdout).includes(`:${port}`)) {
			return;
		}

		await new Promise(resolve => {
			setTimeout(resolve, 100);
		});
	}

	throw new Error(`no listener on port ${port} within 20 s:\n${log()}`);
}

function capture(child: ChildProcess): () => string {
	let text = '';
	child.stdout?.on('data', (chunk: Uint8Array) => {
		text += Buffer.from(chunk).toString('utf8');
	});
	child.stderr?.on('data', (chunk: Uint8Array) => {
		text += Buffer.from(chunk).toString('utf8');
	});
	return () => text;
}

async function stopChild(child: ChildProcess, pidFile: string | undefined) {
	if (pidFile) {
		try {
			const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
			if (pid > 0) {
				process.kill(pid, 'SIGKILL');
			}
		} catch {}
	}

	if (child.exitCode === null) {
		child.kill('SIGKILL');
	}
}

export type PostgresOptions = {
	/** Written into postgresql.conf in place of its commented default (line 60): "localhost", "*", "10.0.0.5". */
	readonly listenAddresses?: string;
	/** Written in place of "#port = 5432" (line 64). */
	readonly port?: number;
	/** The port the test waits for (defaults to `port` or 5432). */
	readonly waitPort?: number;
};

/** Initdb a fresh cluster in a /tmp folder owned by postgres, with the settings written into its postgresql.conf. */
async function preparePostgres(
	options: PostgresOptions,
): Promise<{dir: string; data: string; config: string}> {
	const dir = mkdtempSync('/tmp/rft-pg-');
	const data = `${dir}/data`;
	const uid = Number((await execa('id', ['-u', 'postgres'])).stdout);
	const gid = Number((await execa('id', ['-g', 'postgres'])).stdout);
	chownSync(dir, uid, gid);
	const init = await execa(
		'runuser',
		['-u', 'postgres', '--', 'initdb', '-D', data, '-A', 'trust', '--no-sync'],
		{reject: false, timeout: 60_000},
	);
	if (init.exitCode !== 0) {
		rmSync(dir, {recursive: true, force: true});
		throw new Error(`initdb failed: ${init.stderr}`);
	}

	const config = `${data}/postgresql.conf`;
	let text = readFileSync(config, 'utf8');
	if (options.listenAddresses !== undefined) {
		text = text.replace(
			/^#listen_addresses = 'localhost'/m,
			`listen_addresses = '${options.listenAddresses}'`,
		);
	}

	if (options.port !== undefined) {
		text = text.replace(/^#port = 5432/m, `port = ${options.port}`);
	}

	text = text.replace(
		/^#unix_socket_directories = .*$/m,
		`unix_socket_directories = '${dir}'`,
	);
	writeFileSync(config, text);
	return {dir, data, config};
}

/** Initdb a fresh cluster in /tmp and start postgres in the namespace, settings in postgresql.conf (not on the command line). */
export async function startPostgres(
	ns: Netns,
	options: PostgresOptions = {},
): Promise<RealServer> {
	const {dir, data, config} = await preparePostgres(options);
	const child = spawn(
		'ip',
		[
			'netns',
			'exec',
			ns.name,
			'runuser',
			'-u',
			'postgres',
			'--',
			'postgres',
			'-D',
			data,
		],
		{
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const log = capture(child);
	const stop = async () => {
		await stopChild(child, `${data}/postmaster.pid`);
		rmSync(dir, {recursive: true, force: true});
	};

	try {
		await waitForListener(
			ns,
			options.waitPort ?? options.port ?? 5432,
			child,
			log,
		);
	} catch (error) {
		await stop();
		throw error;
	}

	return {dir, config, child, log, stop};
}

/** Start postgres in the namespace with settings it cannot run with, and return what it printed when it gave up. */
export async function failPostgres(
	ns: Netns,
	options: PostgresOptions,
): Promise<{
	dir: string;
	config: string;
	exitCode: number | undefined;
	output: string;
	cleanup: () => void;
}> {
	const {dir, data, config} = await preparePostgres(options);
	const result = await ns.exec(
		'runuser',
		['-u', 'postgres', '--', 'postgres', '-D', data],
		{timeout: 30_000},
	);
	return {
		dir,
		config,
		exitCode: result.exitCode,
		output: `${String(result.stdout)}${String(result.stderr)}`,
		cleanup() {
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** Start nginx in the namespace with its own config: `listens` are the listen directives ("127.0.0.1:8080"). */
export async function startNginx(
	ns: Netns,
	listens: readonly string[],
	waitPort: number,
): Promise<RealServer> {
	const dir = mkdtempSync('/tmp/rft-nginx-');
	mkdirSync(`${dir}/logs`);
	const config = `${dir}/nginx.conf`;
	writeFileSync(
		config,
		[
			'daemon off;',
			`pid ${dir}/nginx.pid;`,
			`error_log ${dir}/logs/error.log;`,
			'events {',
			'\tworker_connections 64;',
			'}',
			'http {',
			'\taccess_log off;',
			`\tclient_body_temp_path ${dir}/body;`,
			`\tproxy_temp_path ${dir}/proxy;`,
			`\tfastcgi_temp_path ${dir}/fastcgi;`,
			`\tuwsgi_temp_path ${dir}/uwsgi;`,
			`\tscgi_temp_path ${dir}/scgi;`,
			'\tserver {',
			...listens.map(listen => `\t\tlisten ${listen};`),
			'\t\treturn 200 "ok\\n";',
			'\t}',
			'}',
			'',
		].join('\n'),
	);
	const child = spawn(
		'ip',
		['netns', 'exec', ns.name, 'nginx', '-c', config, '-p', `${dir}/`],
		{stdio: ['ignore', 'pipe', 'pipe']},
	);
	const log = capture(child);
	const stop = async () => {
		await stopChild(child, `${dir}/nginx.pid`);
		rmSync(dir, {recursive: true, force: true});
	};

	try {
		await waitForListener(ns, waitPort, child, log);
	} catch (error) {
		await stop();
		throw error;
	}

	return {dir, config, child, log, stop};
}

/** The line number of the first line of `file` that contains `text` (1-based). */
export function lineOf(file: string, text: string): number {
	const index = readFileSync(file, 'utf8')
		.split('\n')
		.findIndex(line => line.includes(text));
	if (index === -1) {
		throw new Error(`${text} is not in ${file}`);
	}

	return index + 1;
}
