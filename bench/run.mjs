/*
`npm run bench`: every figure of issue 14, each next to its baseline measured in the same run (the
machine's load moves absolute times; the ratios are what to compare). Figures only: nothing here
passes or fails. RUNS=N sets the rounds (default 10); baselines and subjects alternate in each round;
ONLY=startup or ONLY=scale runs one half.

1. A --json diagnosis of a closed local port vs `node -e 0`, and vs `nmap -Pn -p PORT 127.0.0.1`.
2. The app's first frame in an 80x24 pseudo-terminal vs a node script that prints one word (and when
   Ink's own first frame replaces it).
3. Peak RSS of a full diagnosis; the size of dist/cli.js.
4. Scale: the parsers and judges on 100,000 listening sockets (ss) and on 10,000-rule iptables and nft
   rulesets vs `wc -l` reading and splitting the same text, and the least a JavaScript reading of that
   text costs (a floor) in a fresh process.
*/
import {spawnSync} from 'node:child_process';
import {
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import * as pty from '@lydell/node-pty';
import {build} from 'esbuild';
import {iptablesSave, nftJson, nftText, ssListeners} from './generate.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist/cli.js');
const runs = Number(process.env.RUNS ?? 10);
const work = mkdtempSync(path.join(os.tmpdir(), 'refused-bench-'));
// The code cache lives here for the bench (warm: made by a first run; cold: REFUSED_NO_CACHE=1).
const cacheHome = path.join(work, 'cache');
mkdirSync(cacheHome, {mode: 0o700});
const env = {...process.env, XDG_CACHE_HOME: cacheHome, TERM: 'xterm-256color'};
delete env.NO_COLOR;
process.on('exit', () => {
	rmSync(work, {recursive: true, force: true});
});

const median = list => {
	const sorted = list.toSorted((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
};

const ms = value => `${value.toFixed(0).padStart(5)} ms`;
const ratio = (value, base) => `${(value / base).toFixed(2)}x`;

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

function which(program) {
	return (
		spawnSync('sh', ['-c', `command -v ${program}`], {
			encoding: 'utf8',
		}).stdout.trim() || undefined
	);
}

/** Wall time of one run to its exit, output discarded. */
function timeRun(file, args, extraEnv = {}) {
	const started = performance.now();
	const result = spawnSync(file, args, {
		env: {...env, ...extraEnv},
		stdio: ['ignore', 'ignore', 'pipe'],
		encoding: 'utf8',
	});
	return {ms: performance.now() - started, stderr: result.stderr};
}

const visible = text =>
	text
		.replaceAll(/\u001B\[[\d;?]*[ -/]*[@-~]/g, '')
		.replaceAll(/\u001B][^\u0007\u001B]*(?:\u0007|\u001B\\)/g, '')
		.replaceAll(/\u001B./g, '')
		.replaceAll(/\s/g, '');

/**
Time from spawn to the first visible character on an 80x24 pseudo-terminal. With `ink`, also the time
until Ink draws its own first frame (the app clears the pre-frame in that write: ESC[H ESC[J), as
`{first, ink}`. Then, when `quit` is given, the keys are sent once `until` shows (the app then exits
as a user leaves it); otherwise it is killed.
*/
function firstFrame(file, args, {quit, until, ink} = {}) {
	return new Promise(resolve => {
		const started = performance.now();
		let output = '';
		let first;
		let inkFrame;
		let sent = false;
		const child = pty.spawn(file, args, {cols: 80, rows: 24, cwd: root, env});
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
		}, 30_000);
		child.onData(data => {
			output += data;
			if (first === undefined && visible(output).length > 0) {
				first = performance.now() - started;
			}

			if (
				ink &&
				inkFrame === undefined &&
				output.includes('\u001B[H\u001B[J')
			) {
				inkFrame = performance.now() - started;
			}

			if (!quit && first !== undefined && (!ink || inkFrame !== undefined)) {
				child.kill('SIGKILL');
			}

			if (quit && !sent && until.test(output)) {
				sent = true;
				child.write(quit);
			}
		});
		child.onExit(() => {
			clearTimeout(timer);
			resolve(
				ink
					? {first: first ?? Number.NaN, ink: inkFrame ?? Number.NaN}
					: (first ?? Number.NaN),
			);
		});
	});
}

function machine() {
	const cpu =
		/model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ??
		'unknown CPU';
	return `${new Date().toISOString().slice(0, 10)}, ${os.availableParallelism()} CPUs (${cpu}), node ${process.version}, load average ${os
		.loadavg()
		.map(l => l.toFixed(1))
		.join(' ')}`;
}

function section(title) {
	console.log(`\n${title}`);
}

function line(label, value, base, baseLabel) {
	console.log(
		`  ${label.padEnd(40)} ${ms(value)}   ${ratio(value, base).padStart(6)} ${baseLabel}`,
	);
}

async function startup(port) {
	const nmap = which('nmap');
	const word = path.join(work, 'word.mjs');
	writeFileSync(word, "console.log('word');\n");
	const rssHook = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))`;
	const json = [cli, `127.0.0.1:${port}`, '--json'];
	// Warm-up: the first --json run and the first app run (left with q) write the code caches.
	timeRun(process.execPath, json);
	await firstFrame(process.execPath, [cli, `127.0.0.1:${port}`], {
		quit: 'q',
		until: /fixes|cause|nothing listens/i,
	});
	const times = {
		node: [],
		nmap: [],
		warm: [],
		cold: [],
		word: [],
		app: [],
		ink: [],
		appCold: [],
		rss: [],
	};
	for (let round = 0; round < runs; round++) {
		times.node.push(timeRun(process.execPath, ['-e', '0']).ms);
		if (nmap) {
			times.nmap.push(
				timeRun(nmap, ['-Pn', '-p', String(port), '127.0.0.1']).ms,
			);
		}

		times.warm.push(timeRun(process.execPath, json).ms);
		// Peak RSS in a run of its own (the hook adds a module load to the timed run otherwise).
		const rss = /maxrss (\d+)/.exec(
			timeRun(process.execPath, ['--import', rssHook, ...json]).stderr,
		);
		if (rss) {
			times.rss.push(Number(rss[1]) / 1024);
		}

		times.cold.push(
			timeRun(process.execPath, json, {REFUSED_NO_CACHE: '1'}).ms,
		);
		times.word.push(await firstFrame(process.execPath, [word]));
		const app = await firstFrame(process.execPath, [cli, `127.0.0.1:${port}`], {
			ink: true,
		});
		times.app.push(app.first);
		times.ink.push(app.ink);
		env.REFUSED_NO_CACHE = '1';
		times.appCold.push(
			await firstFrame(process.execPath, [cli, `127.0.0.1:${port}`]),
		);
		delete env.REFUSED_NO_CACHE;
	}

	const node = median(times.node);
	section(`1. --json diagnosis of a closed local port (medians of ${runs})`);
	line('node -e 0', node, node, 'node -e 0');
	if (nmap) {
		line(
			`nmap -Pn -p ${port} 127.0.0.1`,
			median(times.nmap),
			node,
			'node -e 0',
		);
	} else {
		console.log('  nmap not installed: no nmap figure (apt-get install nmap)');
	}

	const warm = median(times.warm);
	line(
		`refused 127.0.0.1:${port} --json`,
		warm,
		node,
		'node -e 0  (goal <= 2x)',
	);
	if (nmap) {
		line('', warm, median(times.nmap), 'nmap  (goal <= 2.5x)');
	}

	line('  the same, no code cache', median(times.cold), node, 'node -e 0');

	const wordMs = median(times.word);
	section('2. First frame in an 80x24 pseudo-terminal');
	line('node word.mjs (prints one word)', wordMs, wordMs, 'one-word script');
	line(
		`refused 127.0.0.1:${port}`,
		median(times.app),
		wordMs,
		'one-word script  (goal <= 2.5x)',
	);
	line(
		'  the same, no code cache',
		median(times.appCold),
		wordMs,
		'one-word script',
	);
	// The first frame is drawn before React and Ink load (source/ui/pre-frame.ts); Ink redraws it.
	line("  Ink's own first frame", median(times.ink), wordMs, 'one-word script');

	section('3. Memory and size');
	console.log(
		`  peak RSS of a --json diagnosis          ${median(times.rss)?.toFixed(1) ?? '?'} MiB  (goal <= 80 MB)`,
	);
	console.log(
		`  dist/cli.js                             ${(statSync(cli).size / 1024).toFixed(0)} KiB  (goal <= 1.5 MB)`,
	);
}

/**
What the least a JavaScript reading of each text costs in a fresh Node process (after the file is
read, as the figure above): ss must look at every line (the count, the unreadable lines and the
owners depend on each), so one regular expression a line taking its port; nft's JSON must be parsed
whole (JSON.parse); iptables-save's lines split. A line per case, next to its wc -l.
*/
const floors = {
	ss: [
		'one regular expression a line (port, pid)',
		`let n=0;const re=/^\\S+\\s+\\d+\\s+\\d+\\s+\\S*:(\\d+)\\s.*?pid=(\\d+)/gm;let m;while((m=re.exec(t))){n+=Number(m[1])+Number(m[2])}globalThis.x=n`,
	],
	iptables: ["text.split('\\n')", "globalThis.x=t.split('\\n').length"],
	nftJson: ['JSON.parse of the nft -j text', 'globalThis.x=JSON.parse(t)'],
};

function floor(name, file) {
	const result = spawnSync(
		process.execPath,
		[
			'-e',
			`const t=require('fs').readFileSync(${JSON.stringify(file)},'utf8');const s=performance.now();${floors[name][1]};process.stdout.write(String(performance.now()-s))`,
		],
		{encoding: 'utf8'},
	);
	return Number(result.stdout);
}

async function scale() {
	const worker = path.join(work, 'scale.mjs');
	await build({
		entryPoints: [path.join(root, 'bench/scale.ts')],
		outfile: worker,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		minify: true,
		logLevel: 'error',
		define: {
			'process.env.NODE_ENV': '"production"',
			__REFUSED_VERSION__: '"bench"',
		},
		banner: {
			js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);",
		},
	});
	const files = {
		ss: ['ss -Htlnpe, 100,000 listening sockets', ssListeners(100_000)],
		iptables: ['iptables-save -c, 10,000 rules', iptablesSave(10_000)],
		nftJson: ['nft -j list ruleset, 10,000 rules', nftJson(10_000)],
		nftText: ['', nftText(10_000)],
	};
	for (const [name, [, text]] of Object.entries(files)) {
		writeFileSync(path.join(work, name), text);
	}

	const file = name => path.join(work, name);
	const cases = [
		['ss', [file('ss'), '', '', ''], [file('ss')]],
		['iptables', ['', file('iptables'), '', ''], [file('iptables')]],
		[
			'nftJson',
			['', '', file('nftJson'), file('nftText')],
			[file('nftJson'), file('nftText')],
		],
	];
	const worked = args => {
		const result = spawnSync(process.execPath, [worker, ...args], {
			encoding: 'utf8',
		});
		if (result.status !== 0) {
			throw new Error(`bench/scale.ts failed: ${result.stderr}`);
		}

		return JSON.parse(result.stdout);
	};

	section(
		`4. Scale: parse and judge inside a --json diagnosis (its time with the text minus with no output), medians of ${runs}`,
	);
	for (const [name, args, texts] of cases) {
		const own = [];
		const wc = [];
		const least = [];
		let seen;
		for (let round = 0; round < runs; round++) {
			const empty = worked(['', '', '', '']).ms;
			seen = worked(args);
			own.push(seen.ms - empty);
			const started = performance.now();
			spawnSync('wc', ['-l', ...texts], {stdio: 'ignore'});
			wc.push(performance.now() - started);
			least.push(floor(name, texts[0]));
		}

		const base = median(wc);
		const label = files[name][0];
		console.log(
			`  ${label}: ${(texts.reduce((sum, t) => sum + statSync(t).size, 0) / 1e6).toFixed(1)} MB`,
		);
		line('    wc -l', base, base, 'wc -l');
		line(
			'    refused (parse + judge)',
			median(own),
			base,
			'wc -l  (goal <= 3x)',
		);
		line(`    floor: ${floors[name][0]}`, median(least), base, 'wc -l');
		console.log(`    (${name === 'ss' ? seen.listeners : seen.firewall})`);
	}
}

console.log(`refused bench: ${machine()}`);
// ONLY=startup or ONLY=scale runs one half.
const only = process.env.ONLY;
if (only !== 'scale') {
	await startup(await closedPort());
}

if (only !== 'startup') {
	await scale();
}

console.log(
	`\nrefused bench done: load average now ${os
		.loadavg()
		.map(l => l.toFixed(1))
		.join(' ')}`,
);
process.exit(0);
