#!/usr/bin/env node
/**
Capture the error messages real clients print when a TCP connection fails, inside a private
network namespace (root only), so the pasted-error decoder is tested on what users really get.

In the namespace: only loopback is up; nothing listens; 127.0.0.1:5998 (and [::1]:5998) has a DROP
rule, so connecting there times out (tcp_syn_retries=1 makes the kernel give up after ~3 s);
10.99.0.1 has no route; names go to a resolver on 127.0.0.1 where nothing answers.

Usage: node scripts/capture-errors.mjs [OUTDIR]   (default test/fixtures/errors)
Writes OUTDIR/<client>-<case>.txt (what the terminal showed: stdout then stderr) and
OUTDIR/captures.json (command, client version, date of each). The e2e test imports
`captureAll` to do the same at run time.
*/
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import process from 'node:process';

export const closedPort = 5999;
export const droppedPort = 5998;
export const noRoute = '10.99.0.1';
export const unknownName = 'nosuch.invalid';

const javaSource = `
public class Connect {
	public static void main(String[] args) throws Exception {
		java.net.Socket socket = new java.net.Socket();
		socket.connect(new java.net.InetSocketAddress(args[0], Integer.parseInt(args[1])), 10000);
	}
}
`;

const pythonRequests = url => [
	'/usr/bin/python3',
	'-c',
	`import requests; requests.get(${JSON.stringify(url)}, timeout=10)`,
];
const pythonSocket = (host, port) => [
	'/usr/bin/python3',
	'-c',
	`import socket; socket.create_connection((${JSON.stringify(host)}, ${port}), timeout=10)`,
];
const nodeConnect = (host, port) => [
	'node',
	'-e',
	`require('node:net').connect(${port}, ${JSON.stringify(host)})`,
];
const nodeFetch = url => [
	'node',
	'-e',
	`fetch(${JSON.stringify(url)}).catch(error => { console.error(error); process.exitCode = 1; })`,
];

/** Every capture: client, case name, argv (as run inside the namespace), and the version command. */
export function captureCases(javaDir) {
	const c = closedPort;
	const d = droppedPort;
	const cases = [
		['curl', 'refused', ['curl', '-sS', `http://127.0.0.1:${c}/`]],
		['curl', 'localhost', ['curl', '-sS', `http://localhost:${c}/`]],
		[
			'curl',
			'credentials',
			['curl', '-sS', `http://bob:s3cret-pw@127.0.0.1:${c}/db`],
			{transcript: true},
		],
		['curl', 'verbose', ['curl', '-sSv', `http://127.0.0.1:${c}/`]],
		[
			'curl',
			'timeout',
			['curl', '-sS', '--connect-timeout', '2', `http://127.0.0.1:${d}/`],
		],
		['curl', 'no-route', ['curl', '-sS', `http://${noRoute}:${c}/`]],
		['curl', 'dns', ['curl', '-sS', `http://${unknownName}:${c}/`]],
		['wget', 'refused', ['wget', '--tries=1', `http://127.0.0.1:${c}/`]],
		['wget', 'localhost', ['wget', '--tries=1', `http://localhost:${c}/`]],
		[
			'wget',
			'credentials',
			['wget', '--tries=1', `http://bob:s3cret-pw@127.0.0.1:${c}/`],
		],
		[
			'wget',
			'timeout',
			['wget', '--tries=1', '--timeout=2', `http://127.0.0.1:${d}/`],
		],
		['wget', 'dns', ['wget', '--tries=1', `http://${unknownName}:${c}/`]],
		['node', 'refused', nodeConnect('127.0.0.1', c)],
		['node', 'ipv6', nodeConnect('::1', c)],
		['node', 'localhost', nodeConnect('localhost', c)],
		['node', 'fetch-localhost', nodeFetch(`http://localhost:${c}/`)],
		['node', 'timeout', nodeConnect('127.0.0.1', d)],
		['node', 'no-route', nodeConnect(noRoute, c)],
		['node', 'dns', nodeConnect(unknownName, c)],
		[
			'python-requests',
			'refused',
			pythonRequests(`http://127.0.0.1:${c}/health`),
		],
		[
			'python-requests',
			'credentials',
			pythonRequests(`http://bob:s3cret-pw@127.0.0.1:${c}/db?password=hunter2`),
		],
		['python-requests', 'timeout', pythonRequests(`http://127.0.0.1:${d}/`)],
		['python-requests', 'dns', pythonRequests(`http://${unknownName}:${c}/`)],
		[
			'python-urllib3',
			'refused',
			[
				'/usr/bin/python3',
				'-c',
				`import urllib3; urllib3.PoolManager().request('GET', 'http://127.0.0.1:${c}/health')`,
			],
		],
		['python-socket', 'refused', pythonSocket('127.0.0.1', c)],
		['python-socket', 'timeout', pythonSocket('127.0.0.1', d)],
		['python-socket', 'dns', pythonSocket(unknownName, c)],
		[
			'psql',
			'refused',
			['psql', '-h', '127.0.0.1', '-p', String(c), '-U', 'app', 'app'],
		],
		['psql', 'localhost', ['psql', '-h', 'localhost', '-U', 'app', 'app']],
		[
			'psql',
			'credentials',
			['psql', `postgres://bob:s3cret-pw@127.0.0.1:${c}/app`],
			{transcript: true},
		],
		[
			'psql',
			'timeout',
			['psql', `postgresql://127.0.0.1:${d}/app?connect_timeout=2`],
		],
		[
			'psql',
			'socket',
			['psql', '-h', '/run/refused-capture', '-U', 'app', 'app'],
		],
		['psql', 'dns', ['psql', '-h', unknownName, '-U', 'app', 'app']],
		[
			'mysql',
			'refused',
			[
				'mysql',
				'-h',
				'127.0.0.1',
				'-P',
				String(c),
				'-u',
				'app',
				'-e',
				'select 1',
			],
		],
		[
			'mysql',
			'default',
			['mysql', '-h', '127.0.0.1', '-u', 'app', '-e', 'select 1'],
		],
		[
			'mysql',
			'socket',
			[
				'mysql',
				'--socket=/run/refused-capture/mysqld.sock',
				'-u',
				'app',
				'-e',
				'select 1',
			],
		],
		[
			'mysql',
			'timeout',
			[
				'mysql',
				'-h',
				'127.0.0.1',
				'-P',
				String(d),
				'--connect-timeout=2',
				'-u',
				'app',
				'-e',
				'select 1',
			],
		],
		[
			'redis-cli',
			'refused',
			['redis-cli', '-h', '127.0.0.1', '-p', String(c), 'ping'],
		],
		['redis-cli', 'default', ['redis-cli', 'ping']],
		[
			'redis-cli',
			'credentials',
			['redis-cli', '-u', `redis://bob:s3cret-pw@127.0.0.1:${c}/0`, 'ping'],
			{transcript: true},
		],
		[
			'redis-cli',
			'socket',
			['redis-cli', '-s', '/run/refused-capture/redis.sock', 'ping'],
		],
		['redis-cli', 'dns', ['redis-cli', '-h', unknownName, 'ping']],
		[
			'ssh',
			'refused',
			['ssh', '-o', 'BatchMode=yes', '-p', String(c), 'app@127.0.0.1'],
		],
		['ssh', 'default', ['ssh', '-o', 'BatchMode=yes', 'app@127.0.0.1']],
		[
			'ssh',
			'timeout',
			[
				'ssh',
				'-o',
				'BatchMode=yes',
				'-o',
				'ConnectTimeout=2',
				'-p',
				String(d),
				'app@127.0.0.1',
			],
		],
		[
			'ssh',
			'no-route',
			['ssh', '-o', 'BatchMode=yes', '-p', String(c), `app@${noRoute}`],
		],
		['ssh', 'dns', ['ssh', '-o', 'BatchMode=yes', `app@${unknownName}`]],
		['nc', 'refused', ['nc', '-vz', '127.0.0.1', String(c)]],
		['nc', 'localhost', ['nc', '-vz', 'localhost', String(c)]],
		['nc', 'timeout', ['nc', '-vz', '-w', '2', '127.0.0.1', String(d)]],
		['nc', 'dns', ['nc', '-vz', unknownName, String(c)]],
		[
			'kubectl',
			'default',
			['kubectl', 'get', 'pods'],
			{env: {KUBECONFIG: '/nonexistent/kubeconfig'}},
		],
		[
			'kubectl',
			'server',
			['kubectl', '--server', `http://127.0.0.1:${c}`, 'get', 'pods'],
			{env: {KUBECONFIG: '/nonexistent/kubeconfig'}},
		],
		[
			'kubectl',
			'timeout',
			[
				'kubectl',
				'--server',
				`http://127.0.0.1:${d}`,
				'--request-timeout=2s',
				'get',
				'pods',
			],
			{env: {KUBECONFIG: '/nonexistent/kubeconfig'}},
		],
		[
			'kubectl',
			'no-route',
			['kubectl', '--server', `http://${noRoute}:${c}`, 'get', 'pods'],
			{env: {KUBECONFIG: '/nonexistent/kubeconfig'}},
		],
		['docker', 'no-route', ['docker', '-H', `tcp://${noRoute}:${c}`, 'ps']],
		[
			'docker',
			'unix',
			['docker', '-H', 'unix:///run/refused-capture/docker.sock', 'ps'],
		],
		['docker', 'tcp', ['docker', '-H', `tcp://127.0.0.1:${c}`, 'ps']],
	];
	if (javaDir) {
		const java = (host, port) => [
			'java',
			'-cp',
			javaDir,
			'Connect',
			host,
			String(port),
		];
		cases.push(
			['java', 'refused', java('127.0.0.1', c)],
			['java', 'timeout', java('127.0.0.1', d)],
			['java', 'dns', java(unknownName, c)],
		);
	}

	return cases.map(([client, name, argv, options = {}]) => ({
		client,
		name,
		argv,
		...options,
	}));
}

const versionCommands = {
	curl: ['curl', '--version'],
	wget: ['wget', '--version'],
	node: ['node', '--version'],
	'python-requests': [
		'/usr/bin/python3',
		'-c',
		'import sys, requests, urllib3; print("Python", sys.version.split()[0], "requests", requests.__version__, "urllib3", urllib3.__version__)',
	],
	'python-socket': ['/usr/bin/python3', '--version'],
	'python-urllib3': [
		'/usr/bin/python3',
		'-c',
		'import sys, urllib3; print("Python", sys.version.split()[0], "urllib3", urllib3.__version__)',
	],
	psql: ['psql', '--version'],
	mysql: ['mysql', '--version'],
	'redis-cli': ['redis-cli', '--version'],
	ssh: ['ssh', '-V'],
	nc: ['dpkg-query', '-W', 'netcat-openbsd'],
	kubectl: ['kubectl', 'version', '--client'],
	docker: ['docker', '--version'],
	java: ['java', '--version'],
};

const has = command =>
	spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

function versionOf(client) {
	const [file, ...args] = versionCommands[client];
	const result = spawnSync(file, args, {encoding: 'utf8', timeout: 10_000});
	return `${result.stdout}${result.stderr}`.trim().split('\n')[0] ?? '';
}

/** The closed, dropped and unroutable destinations in a namespace whose loopback is up. */
export function prepareNamespace(name) {
	const run = (...args) =>
		execFileSync(args[0], args.slice(1), {stdio: 'ignore', timeout: 10_000});
	run(
		'ip',
		'netns',
		'exec',
		name,
		'sysctl',
		'-qw',
		'net.ipv4.tcp_syn_retries=1',
	);
	for (const tables of ['iptables', 'ip6tables']) {
		run(
			'ip',
			'netns',
			'exec',
			name,
			tables,
			'-A',
			'INPUT',
			'-p',
			'tcp',
			'--dport',
			String(droppedPort),
			'-j',
			'DROP',
		);
	}
}

function setUpNamespace(name) {
	const run = (...args) =>
		execFileSync(args[0], args.slice(1), {stdio: 'ignore', timeout: 10_000});
	run('ip', 'netns', 'add', name);
	run('ip', '-n', name, 'link', 'set', 'lo', 'up');
	mkdirSync(`/etc/netns/${name}`, {recursive: true});
	writeFileSync(
		`/etc/netns/${name}/resolv.conf`,
		'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n',
	);
	writeFileSync(
		`/etc/netns/${name}/hosts`,
		'127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n',
	);
	prepareNamespace(name);
}

function tearDownNamespace(name) {
	spawnSync('ip', ['netns', 'del', name], {stdio: 'ignore'});
	rmSync(`/etc/netns/${name}`, {recursive: true, force: true});
}

/** The command as a user would have typed it (for transcripts): shell-quoted where needed. */
const typed = argv =>
	argv
		.map(word =>
			/^[\w@%+=:,./-]+$/.test(word)
				? word
				: `'${word.replaceAll("'", `'\\''`)}'`,
		)
		.join(' ');

/** Run one command in the namespace as the captures do: what the terminal shows, stdout then stderr. */
export function runIn(name, argv, env = {}, cwd = tmpdir()) {
	const result = spawnSync('ip', ['netns', 'exec', name, ...argv], {
		encoding: 'utf8',
		timeout: 30_000,
		input: '',
		cwd,
		env: {
			PATH: process.env.PATH,
			HOME: cwd,
			LANG: 'C.UTF-8',
			TERM: 'dumb',
			...env,
		},
	});
	return {
		text: `${result.stdout}${result.stderr}`.replace(/\n+$/, ''),
		exit: result.status,
	};
}

/**
Run every case whose client is installed, in the namespace `netns` (prepared with
`prepareNamespace`) or in a fresh one; returns the captures and the clients that were missing.
Root only.
*/
export function captureAll({only, netns} = {}) {
	const name = netns ?? `rfe-${process.pid}`;
	const work = path.join(tmpdir(), `refused-capture-${process.pid}`);
	mkdirSync(work, {recursive: true});
	let javaDir;
	if (has('javac')) {
		writeFileSync(path.join(work, 'Connect.java'), javaSource);
		const built = spawnSync(
			'javac',
			['-d', work, path.join(work, 'Connect.java')],
			{timeout: 60_000},
		);
		javaDir = built.status === 0 ? work : undefined;
	}

	if (!netns) {
		setUpNamespace(name);
	}

	const captures = [];
	const missing = new Set(
		javaDir || only?.includes('java') === false ? [] : ['java (javac)'],
	);
	try {
		for (const item of captureCases(javaDir)) {
			if (only && !only.includes(item.client)) {
				continue;
			}

			if (!has(item.argv[0])) {
				missing.add(item.client);
				continue;
			}

			const {text, exit} = runIn(name, item.argv, item.env, work);
			captures.push({
				...item,
				text: item.transcript ? `$ ${typed(item.argv)}\n${text}` : text,
				exit,
				version: versionOf(item.client),
				date: new Date().toISOString().slice(0, 10),
			});
		}
	} finally {
		if (!netns) {
			tearDownNamespace(name);
		}

		rmSync(work, {recursive: true, force: true});
	}

	return {captures, missing: [...missing]};
}

if (import.meta.url === `file://${process.argv[1]}`) {
	if (process.getuid?.() !== 0) {
		process.stderr.write('capture-errors: needs root (network namespaces)\n');
		process.exit(1);
	}

	const out = process.argv[2] ?? 'test/fixtures/errors';
	mkdirSync(out, {recursive: true});
	const {captures, missing} = captureAll();
	for (const capture of captures) {
		writeFileSync(
			path.join(out, `${capture.client}-${capture.name}.txt`),
			`${capture.text}\n`,
		);
	}

	writeFileSync(
		path.join(out, 'captures.json'),
		`${JSON.stringify(
			captures.map(
				({client, name, argv, env, transcript, exit, version, date}) => ({
					file: `${client}-${name}.txt`,
					client,
					command: typed(argv),
					...(env ? {env} : {}),
					...(transcript ? {transcript} : {}),
					exit,
					version,
					date,
				}),
			),
			undefined,
			'\t',
		)}\n`,
	);
	const rows = captures.map(
		({client, name, argv, env, version, date}) =>
			`| ${client}-${name}.txt | \`${
				env
					? `${Object.entries(env)
							.map(([k, v]) => `${k}=${v}`)
							.join(' ')} `
					: ''
			}${typed(argv).replaceAll('|', '\\|')}\` | ${version.replaceAll('|', '\\|')} | ${date} |`,
	);
	writeFileSync(
		path.join(out, 'README.md'),
		[
			'# Error messages of real clients',
			'',
			'Captured by `node scripts/capture-errors.mjs` (as root), never written by hand: each file is what the',
			'terminal showed (stdout then stderr) when the command below ran inside a private network namespace',
			'where only loopback is up and nothing listens. Port 5999 is closed (refused); 5998 has an iptables and',
			'ip6tables DROP rule (timeout; `net.ipv4.tcp_syn_retries=1` so the kernel gives up after ~3 s); 10.99.0.1',
			'has no route (unreachable); `nosuch.invalid` goes to a resolver on 127.0.0.1 where nothing answers.',
			'Files marked "transcript" in captures.json start with the command line (`$ ...`), as users paste a',
			'terminal, so that the credentials in their URLs can be tested for redaction. The Java one runs',
			'`Connect.java` (in the script: `new Socket().connect(host, port)`), compiled by javac at capture time.',
			'',
			'The e2e test (test/e2e/pasted-error.test.ts) captures the same messages again at run time.',
			'',
			'| File | Command | Client version | Date |',
			'| --- | --- | --- | --- |',
			...rows,
			'',
		].join('\n'),
	);
	process.stdout.write(
		`captured ${captures.length} messages in ${out}${missing.length > 0 ? `; not installed: ${missing.join(', ')}` : ''}\n`,
	);
}
