// The time of a two-sided diagnosis (`refused ADDR:5432 --via root@ADDR --json`) over a namespace
// link, and how many SSH connections each run opened (counted from sshd's own log: "Connection
// from" lines). Needs root and openssh-server; builds a private lab and removes it.
// Usage: npm run build && sudo node bench/via.mjs   (RUNS=5 by default; figures only)
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {
	chmodSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';

const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const runs = Number(process.env.RUNS ?? 5);
// Not "rft-": the test suites sweep namespaces of that prefix whose creator (by pid) is gone.
const tag = `rfbench-${process.pid}`;
const server = `${tag}-s`;
const client = `${tag}-c`;
const serverAddress = '10.203.7.2';
const clientAddress = '10.203.7.1';
const root = mkdtempSync('/var/tmp/rft-bench-');
chmodSync(root, 0o755);
const children = [];

const run = (file, args) =>
	execFileSync(file, args, {encoding: 'utf8', timeout: 30_000});

function cleanup() {
	for (const child of children) {
		child.kill('SIGKILL');
	}

	for (const ns of [server, client]) {
		spawnSync('ip', ['netns', 'delete', ns]);
		rmSync(`/etc/netns/${ns}`, {recursive: true, force: true});
	}

	rmSync(root, {recursive: true, force: true});
}

process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

if (!existsSync('/usr/sbin/sshd')) {
	console.error('bench/via: needs openssh-server (/usr/sbin/sshd) and root');
	process.exit(1);
}

for (const ns of [server, client]) {
	run('ip', ['netns', 'add', ns]);
	run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
	mkdirSync(`/etc/netns/${ns}`, {recursive: true});
	writeFileSync(`/etc/netns/${ns}/resolv.conf`, 'nameserver 127.0.0.1\n');
}

run('ip', [
	'link',
	'add',
	'rfb0a',
	'netns',
	server,
	'type',
	'veth',
	'peer',
	'name',
	'rfb0b',
	'netns',
	client,
]);
run('ip', ['-n', server, 'addr', 'add', `${serverAddress}/24`, 'dev', 'rfb0a']);
run('ip', ['-n', client, 'addr', 'add', `${clientAddress}/24`, 'dev', 'rfb0b']);
run('ip', ['-n', server, 'link', 'set', 'rfb0a', 'up']);
run('ip', ['-n', client, 'link', 'set', 'rfb0b', 'up']);

// Root's home on both sides is a folder of the lab (ssh reads ~ from passwd, not $HOME).
const serverHome = path.join(root, 'server-root');
const clientHome = path.join(root, 'client-root');
for (const home of [serverHome, clientHome]) {
	mkdirSync(path.join(home, '.ssh'), {recursive: true, mode: 0o700});
}

const passwd = home =>
	readFileSync('/etc/passwd', 'utf8').replace(
		/^(root:[^:]*:0:0:[^:]*:)[^:]*/m,
		`$1${home}`,
	);
writeFileSync(`/etc/netns/${server}/passwd`, passwd(serverHome));
writeFileSync(`/etc/netns/${client}/passwd`, passwd(clientHome));
run('ssh-keygen', [
	'-q',
	'-t',
	'ed25519',
	'-N',
	'',
	'-f',
	path.join(root, 'host_key'),
]);
run('ssh-keygen', [
	'-q',
	'-t',
	'ed25519',
	'-N',
	'',
	'-f',
	path.join(clientHome, '.ssh', 'id_ed25519'),
]);
writeFileSync(
	path.join(serverHome, '.ssh', 'authorized_keys'),
	readFileSync(path.join(clientHome, '.ssh', 'id_ed25519.pub')),
	{mode: 0o600},
);
const hostKey = readFileSync(path.join(root, 'host_key.pub'), 'utf8')
	.split(' ')
	.slice(0, 2)
	.join(' ');
writeFileSync(
	path.join(clientHome, '.ssh', 'known_hosts'),
	`${serverAddress} ${hostKey}\n`,
);
const log = path.join(root, 'sshd.log');
writeFileSync(
	path.join(root, 'sshd_config'),
	[
		`ListenAddress ${serverAddress}`,
		`HostKey ${path.join(root, 'host_key')}`,
		`PidFile ${path.join(root, 'sshd.pid')}`,
		'UsePAM no',
		'PasswordAuthentication no',
		'PermitRootLogin prohibit-password',
		'LogLevel VERBOSE',
		'',
	].join('\n'),
);
mkdirSync('/run/sshd', {recursive: true});
const sshd = spawn(
	'ip',
	[
		'netns',
		'exec',
		server,
		'/usr/sbin/sshd',
		'-D',
		'-f',
		path.join(root, 'sshd_config'),
		'-E',
		log,
	],
	{stdio: 'ignore'},
);
children.push(sshd);
// Postgres-like: a listener on loopback only, so the two-sided walk confirms loopback-only.
const listener = spawn(
	'ip',
	[
		'netns',
		'exec',
		server,
		process.execPath,
		'-e',
		"require('node:net').createServer(s => s.destroy()).listen(5432, '127.0.0.1')",
	],
	{stdio: 'ignore'},
);
children.push(listener);
while (!(
	existsSync(log) && readFileSync(log, 'utf8').includes('Server listening')
)) {
	await new Promise(resolve => {
		setTimeout(resolve, 50);
	});
}

const connections = () =>
	(readFileSync(log, 'utf8').match(/^Connection from /gm) ?? []).length;
const times = [];
const perRun = [];
let cause = '';
for (let i = 0; i < runs; i++) {
	const before = connections();
	const started = performance.now();
	const result = spawnSync(
		'ip',
		[
			'netns',
			'exec',
			client,
			process.execPath,
			cli,
			`${serverAddress}:5432`,
			'--via',
			`root@${serverAddress}`,
			'--json',
		],
		{encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000},
	);
	times.push(performance.now() - started);
	perRun.push(connections() - before);
	if (!result.stdout) {
		console.error(
			`run ${i + 1}: exit ${result.status} ${result.signal ?? ''} ${result.error ?? ''}\n${result.stderr}`,
		);
		process.exit(1);
	}

	const report = JSON.parse(result.stdout);
	cause = `${report.causes[0]?.id} (${report.causes[0]?.confidence}); ${report.server?.commands} commands on the server`;
}

times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
	`refused ${serverAddress}:5432 --via root@${serverAddress} --json, ${runs} runs over a veth link between two namespaces`,
);
console.log(
	`  time: median ${Math.round(median)} ms, min ${Math.round(times[0])} ms, max ${Math.round(times.at(-1))} ms`,
);
console.log(`  SSH connections per run (sshd log): ${perRun.join(', ')}`);
console.log(`  result: ${cause}`);
// The lab's children (sshd, the listener) would keep this process alive.
process.exit(0);
