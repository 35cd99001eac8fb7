/**
The marker of a running lab (running/ID.json): the pid of the app that holds it and everything the
lab created (its folder, the namespaces, the pids it started). Written BEFORE each thing is made,
so a kill -9 at any moment leaves a marker that names everything left behind. The next start of
`refused lab` tears down every marker whose app is gone: it removes only what the marker names,
and only namespaces with the labs' prefix and processes whose working folder is the lab's folder.
*/
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {setTimeout as delay} from 'node:timers/promises';
import {run} from './exec.js';
import {markerDir, markerFile, namespacePrefix} from './paths.js';

export type Marker = {
	readonly lab: string;
	/** The process that holds the lab (the app). */
	readonly pid: number;
	readonly folder: string;
	readonly namespaces: readonly string[];
	readonly pids: readonly number[];
	readonly started: string;
};

export function writeMarker(state: string, marker: Marker): void {
	mkdirSync(markerDir(state), {recursive: true});
	writeFileSync(
		markerFile(state, marker.lab),
		`${JSON.stringify(marker, undefined, 2)}\n`,
	);
}

export function readMarkers(state: string): Marker[] {
	let names: string[];
	try {
		names = readdirSync(markerDir(state));
	} catch {
		return [];
	}

	return names
		.filter(name => name.endsWith('.json'))
		.flatMap(name => {
			try {
				const data = JSON.parse(
					readFileSync(path.join(markerDir(state), name), 'utf8'),
				) as Marker;
				return typeof data.lab === 'string' && typeof data.pid === 'number'
					? [data]
					: [];
			} catch {
				return [];
			}
		});
}

/**
Is this pid a live process? A zombie is not, once all its threads have exited (a killed Node
process's leader turns zombie first; its sockets close when the last thread is gone).
*/
export function alive(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return (
			!/\) [ZX] /.test(stat) || readdirSync(`/proc/${pid}/task`).length > 1
		);
	} catch {
		return false;
	}
}

function cwdOf(pid: number): string | undefined {
	try {
		return readlinkSync(`/proc/${pid}/cwd`);
	} catch {
		return undefined;
	}
}

/** The pids whose working folder is the lab's folder (its services, however they were restarted). */
function processesIn(folder: string): number[] {
	let entries: string[];
	try {
		entries = readdirSync('/proc');
	} catch {
		return [];
	}

	return entries
		.filter(name => /^\d+$/.test(name))
		.map(Number)
		.filter(pid => pid !== process.pid && cwdOf(pid) === folder);
}

async function removeNamespace(name: string): Promise<void> {
	if (!name.startsWith(namespacePrefix) || name.includes('/')) {
		return;
	}

	const pids = await run('ip', ['netns', 'pids', name], {timeoutMs: 5000});
	for (const pid of pids.stdout.split('\n').filter(Boolean)) {
		try {
			process.kill(Number(pid), 'SIGKILL');
		} catch {}
	}

	await run('ip', ['netns', 'delete', name], {timeoutMs: 5000});
	rmSync(`/etc/netns/${name}`, {recursive: true, force: true});
}

/** Remove everything a marker names, then the marker. Safe to call twice. */
export async function tearDown(state: string, marker: Marker): Promise<void> {
	for (const name of marker.namespaces) {
		await removeNamespace(name);
	}

	const pids = new Set([...marker.pids, ...processesIn(marker.folder)]);
	const killed: number[] = [];
	for (const pid of pids) {
		if (pid !== process.pid && cwdOf(pid) === marker.folder) {
			try {
				process.kill(pid, 'SIGKILL');
				killed.push(pid);
			} catch {}
		}
	}

	// Torn down means gone: wait (briefly) until the kernel has closed their sockets.
	for (let tries = 0; tries < 100 && killed.some(pid => alive(pid)); tries++) {
		await delay(20);
	}

	if (marker.folder.includes(`${path.sep}lab${path.sep}`)) {
		rmSync(marker.folder, {recursive: true, force: true});
	}

	rmSync(markerFile(state, marker.lab), {force: true});
}

/** Tear down the labs whose app is gone (a kill -9, a crash, a power cut): what the next start does first. */
export async function cleanLeftovers(state: string): Promise<string[]> {
	const cleaned: string[] = [];
	for (const marker of readMarkers(state)) {
		if (marker.pid !== process.pid && !alive(marker.pid)) {
			await tearDown(state, marker);
			cleaned.push(marker.lab);
		}
	}

	return cleaned;
}

export const namespaceExists = (name: string) =>
	existsSync(`/run/netns/${name}`);
