/**
A lab's life: set it up (folder, programs, marker, the lab's own setup), check the victory with a
real connection of the client, diagnose it with this very CLI (`--json`, in the client's or the
server's namespace), and tear it all down. Only what the marker names is ever removed.
*/
import {randomBytes} from 'node:crypto';
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import process from 'node:process';
import {setTimeout as delay} from 'node:timers/promises';
import {detach, must, run} from './exec.js';
import {writeNamespaceFiles} from './netns-files.js';
import {
	alive,
	cleanLeftovers,
	readMarkers,
	tearDown,
	writeMarker,
	type Marker,
} from './marker.js';
import {labFolder, namespacePrefix} from './paths.js';
import {
	clientScript,
	fillerScript,
	serviceScript,
	startScript,
} from './programs.js';
import type {Lab, LabContext, Situation} from './types.js';

export type RunningLab = {
	readonly lab: Lab;
	readonly situation: Situation;
	readonly folder: string;
	readonly token: string;
	readonly state: string;
	readonly marker: () => Marker;
};

const privateRange = {low: 47_100, high: 47_999};

async function bindable(host: string, port: number): Promise<boolean> {
	return new Promise(resolve => {
		const server = net.createServer();
		server.once('error', () => {
			resolve(false);
		});
		server.listen({host, port, ipv6Only: host.includes(':')}, () => {
			server.close(() => {
				resolve(true);
			});
		});
	});
}

async function hasNoIpv6(): Promise<boolean> {
	return !(await bindable('::1', 0));
}

/** Free on every address of this host, both families (127.0.0.2 included: 0.0.0.0 covers it). */
async function portIsFree(port: number): Promise<boolean> {
	if (!(await bindable('0.0.0.0', port))) {
		return false;
	}

	return (await hasNoIpv6()) || bindable('::', port);
}

/** Is the IPv6 loopback there (the localhost lab needs it)? */
export const hasIpv6Loopback = async () => !(await hasNoIpv6());

async function waitForLog(
	file: string,
	pattern: RegExp,
	timeoutMs = 8000,
): Promise<string> {
	const end = Date.now() + timeoutMs;
	while (Date.now() < end) {
		let text = '';
		try {
			text = readFileSync(file, 'utf8');
		} catch {}

		if (pattern.test(text)) {
			return text;
		}

		await delay(50);
	}

	throw new Error(`${path.basename(file)} did not start in time`);
}

export const isRoot = () => process.getuid?.() === 0;

type Mutable = {
	namespaces: string[];
	pids: number[];
};

function makeContext(
	lab: Lab & {readonly index: number},
	folder: string,
	token: string,
	record: (change: (marker: Mutable) => void) => void,
): LabContext {
	const {index} = lab;
	const taken = new Set<number>();
	const netnsExec = (
		netns: string | undefined,
		file: string,
		args: readonly string[],
	) =>
		netns
			? (['ip', ['netns', 'exec', netns, file, ...args]] as const)
			: ([file, args] as const);
	const context: LabContext = {
		folder,
		index,
		async freePort() {
			for (let tries = 0; tries < 200; tries++) {
				const port =
					privateRange.low +
					Math.floor(Math.random() * (privateRange.high - privateRange.low));
				if (!taken.has(port) && (await portIsFree(port))) {
					taken.add(port);
					return port;
				}
			}

			throw new Error('no free port in 47100-47999');
		},
		write(name, text) {
			writeFileSync(path.join(folder, name), text);
		},
		async service(name, config, options = {}) {
			writeFileSync(
				path.join(folder, `${name}.json`),
				`${JSON.stringify({...config, token}, undefined, 2)}\n`,
			);
			if (options.start === false) {
				return;
			}

			const [file, args] = netnsExec(options.netns, process.execPath, [
				'service.js',
				name,
			]);
			const pid = detach(file, args, folder);
			if (pid) {
				record(marker => marker.pids.push(pid));
			}

			await waitForLog(path.join(folder, `${name}.log`), /listening on|FATAL/);
		},
		client(config, env = {}) {
			writeFileSync(
				path.join(folder, 'client.json'),
				`${JSON.stringify(config, undefined, 2)}\n`,
			);
			writeFileSync(
				path.join(folder, 'client.env'),
				Object.entries(env)
					.map(([key, value]) => `${key}=${value}\n`)
					.join(''),
			);
		},
		async namespace(suffix) {
			const name = `${namespacePrefix}${lab.id}-${suffix}`;
			record(marker => marker.namespaces.push(name));
			await must('ip', ['netns', 'add', name]);
			await must('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
			writeNamespaceFiles(name);
			return name;
		},
		async link(a, b) {
			await must('ip', [
				'link',
				'add',
				'lab0',
				'netns',
				a.netns,
				'type',
				'veth',
				'peer',
				'name',
				'lab0',
				'netns',
				b.netns,
			]);
			for (const end of [a, b]) {
				await must('ip', [
					'-n',
					end.netns,
					'addr',
					'add',
					`${end.address}/24`,
					'dev',
					'lab0',
				]);
				await must('ip', ['-n', end.netns, 'link', 'set', 'lab0', 'up']);
			}
		},
		async inside(netns, file, args) {
			return must('ip', ['netns', 'exec', netns, file, ...args]);
		},
		async background(file, args, netns) {
			const [command, argv] = netnsExec(netns, file, args);
			const pid = detach(command, argv, folder);
			if (pid) {
				record(marker => marker.pids.push(pid));
			}

			await delay(300);
		},
	};
	return context;
}

/** Set a lab up. Cleans leftovers of dead apps first; refuses a lab already held by a live app. */
export async function startLab(
	state: string,
	lab: Lab,
	index: number,
): Promise<RunningLab> {
	await cleanLeftovers(state);
	const held = readMarkers(state).find(
		marker => marker.lab === lab.id && alive(marker.pid),
	);
	if (held) {
		throw new Error(`lab ${lab.id} is already running (app pid ${held.pid})`);
	}

	if (lab.root && !isRoot()) {
		throw new Error(
			`lab ${lab.id} needs root: it builds private network namespaces and rules (run: sudo refused lab)`,
		);
	}

	const folder = labFolder(state, lab.id);
	rmSync(folder, {recursive: true, force: true});
	const current: Mutable & Omit<Marker, 'namespaces' | 'pids'> = {
		lab: lab.id,
		pid: process.pid,
		folder,
		namespaces: [],
		pids: [],
		started: new Date().toISOString(),
	};
	const save = () => {
		writeMarker(state, current);
	};

	save();
	mkdirSync(folder, {recursive: true});
	const token = `refused-lab ${lab.id} ${randomBytes(4).toString('hex')}`;
	const context = makeContext({...lab, index}, folder, token, change => {
		change(current);
		save();
	});
	context.write('service.js', serviceScript);
	context.write('client.js', clientScript);
	context.write('filler.js', fillerScript);
	context.write('start.sh', startScript(process.execPath));
	try {
		const situation = await lab.setup(context);
		return {
			lab,
			situation,
			folder,
			token,
			state,
			marker: () => ({...current}),
		};
	} catch (error) {
		await tearDown(state, current);
		throw error;
	}
}

export async function stopLab(running: RunningLab): Promise<void> {
	await tearDown(running.state, running.marker());
}

function cleanEnv(): Record<string, string | undefined> {
	const env: Record<string, string | undefined> = {...process.env};
	for (const key of [
		'HTTP_PROXY',
		'http_proxy',
		'HTTPS_PROXY',
		'https_proxy',
		'ALL_PROXY',
		'all_proxy',
		'NO_PROXY',
		'no_proxy',
	]) {
		delete env[key];
	}

	return env;
}

export type Victory = {readonly ok: boolean; readonly output: string};

/** The victory condition, for real: the client connects and gets the lab's service's answer. */
export async function checkVictory(running: RunningLab): Promise<Victory> {
	const ns = running.situation.clientNetns;
	const [file, args] = ns
		? ['ip', ['netns', 'exec', ns, process.execPath, 'client.js']]
		: [process.execPath, ['client.js']];
	const result = await run(file, args, {
		cwd: running.folder,
		env: cleanEnv(),
		timeoutMs: 15_000,
	});
	const output = `${result.stdout}${result.stderr}`.trim();
	return {
		ok:
			result.code === 0 &&
			result.stdout.includes(`connected: ${running.token}`),
		output,
	};
}

/** The diagnosis, by this CLI with --json where the lab says (its report, parsed; undefined when none came). */
export async function diagnoseLab(
	running: RunningLab,
	cliPath: string,
): Promise<unknown> {
	const ns = running.situation.diagnoseNetns ?? running.situation.clientNetns;
	const argv = [cliPath, running.situation.target, '--json', '--timeout', '2s'];
	const [file, args] = ns
		? ['ip', ['netns', 'exec', ns, process.execPath, ...argv]]
		: [process.execPath, argv];
	const result = await run(file, args, {
		timeoutMs: 90_000,
		cwd: running.folder,
		env: {...cleanEnv(), ...running.situation.clientEnv},
	});
	try {
		return JSON.parse(result.stdout) as unknown;
	} catch {
		return undefined;
	}
}

export {cleanLeftovers} from './marker.js';
