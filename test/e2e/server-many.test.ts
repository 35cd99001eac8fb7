/**
A host with tens of thousands of sockets: 20000 real listeners (two node processes) in a
namespace, then the built CLI against a port nothing listens on, and against one that listens on
loopback only. The whole inventory goes through ss, the parser and the engine.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';

const script = `
const net = require('node:net');
const [count, base] = process.argv.slice(1).map(Number);
let ready = 0;
for (let i = 0; i < count; i++) {
	net.createServer(c => c.end()).listen({host: i % 2 === 0 ? '0.0.0.0' : '::', port: base + i, ipv6Only: true}, () => {
		if (++ready === count) process.stdout.write('ready\\n');
	});
}
setTimeout(() => process.exit(0), 300000).unref();
`;

let ns: Netns;
const children: ChildProcess[] = [];

async function start(count: number, base: number) {
	const child = spawn(
		'ip',
		[
			'netns',
			'exec',
			ns.name,
			process.execPath,
			'-e',
			script,
			String(count),
			String(base),
		],
		{stdio: ['ignore', 'pipe', 'pipe']},
	);
	children.push(child);
	let errors = '';
	child.stderr.on('data', (chunk: Uint8Array) => {
		errors += Buffer.from(chunk).toString('utf8');
	});
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			reject(new Error(`listeners did not start: ${errors}`));
		}, 60_000);
		child.stdout.once('data', () => {
			clearTimeout(timer);
			resolve();
		});
		child.once('exit', code => {
			clearTimeout(timer);
			reject(new Error(`listener process exited with ${code}: ${errors}`));
		});
	});
}

beforeAll(async () => {
	ns = await createNetns({address: true});
	// Two processes: one process may hold at most `ulimit -n` (20000 here) descriptors.
	await start(10_000, 20_000);
	await start(10_000, 30_000);
	children.push(await ns.listen('127.0.0.1', 45_432));
}, 120_000);

afterAll(async () => {
	for (const child of children) {
		child.kill('SIGKILL');
	}

	await ns.cleanup();
});

test('20001 listeners: the inventory is complete and a closed port is no-listener', async () => {
	const result = await runJson([`${ns.address!}:45000`], {netns: ns});
	const report = result.report!;
	expect(report, result.stderr).toBeDefined();
	const listeners = report.steps.find(s => s.id === 'listeners');
	expect(listeners?.detail).toBe(
		'nothing listens on port 45000 (20001 listeners in all)',
	);
	expect(report.causes[0]?.id).toBe('no-listener');
	expect(report.causes[0]?.evidence[0]).toBe(
		'ss -Htlnpe: no socket listens on port 45000 (20001 TCP listeners on this host)',
	);
});

test('20001 listeners: the one on loopback is found among them', async () => {
	const result = await runJson([`${ns.address!}:45432`], {netns: ns});
	const cause = result.report?.causes[0];
	expect(cause?.id).toBe('loopback-only');
	expect(
		cause?.evidence.some(e =>
			/^ss -Htlnpe: 127\.0\.0\.1:45432 \(node pid \d+, user root\)$/.test(e),
		),
	).toBe(true);
});
