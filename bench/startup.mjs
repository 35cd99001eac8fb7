// Prints how long the built CLI takes and how much memory it uses, over repeated runs.
// Usage: npm run bench   (figures only: nothing here passes or fails)
import {spawnSync} from 'node:child_process';
import net from 'node:net';

const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const runs = Number(process.env.RUNS ?? 10);
const rssHook = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))`;

async function closedPort() {
	const server = net.createServer();
	await new Promise(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	const {port} = server.address();
	await new Promise(resolve => {
		server.close(resolve);
	});
	return port;
}

function measure(label, args) {
	const times = [];
	const rss = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		const result = spawnSync(
			process.execPath,
			['--import', rssHook, cli, ...args],
			{encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']},
		);
		times.push(performance.now() - started);
		const match = /maxrss (\d+)/.exec(result.stderr);
		if (match) {
			rss.push(Number(match[1]) / 1024);
		}
	}

	times.sort((a, b) => a - b);
	rss.sort((a, b) => a - b);
	const median = list => list[Math.floor(list.length / 2)];
	console.log(
		`${label.padEnd(44)} median ${median(times).toFixed(0).padStart(5)} ms  min ${times[0].toFixed(0).padStart(5)} ms  max RSS ${median(rss)?.toFixed(1) ?? '?'} MiB  (${runs} runs)`,
	);
}

const port = await closedPort();
console.log(`node ${process.version}, ${cli}`);
measure('refused --help', ['--help']);
measure(`refused 127.0.0.1:${port} --json (closed port)`, [
	`127.0.0.1:${port}`,
	'--json',
]);
measure(`refused 127.0.0.1:${port} --markdown`, [
	`127.0.0.1:${port}`,
	'--markdown',
]);
