import type {Io} from '../types.js';

export type ProcessInfo = {
	readonly pid: number;
	/** The arguments, split at NULs; a title rewritten with spaces (nginx's "nginx: master process ...") is split at spaces. */
	readonly argv: readonly string[];
	readonly comm?: string;
	readonly ppid?: number;
};

/** Read /proc/PID/cmdline, comm and PPid (world-readable on Linux unless /proc is mounted hidepid). */
export async function readProcess(
	io: Io,
	pid: number,
): Promise<ProcessInfo | undefined> {
	const cmdline = await io.readFile(`/proc/${pid}/cmdline`);
	if (!cmdline.ok) {
		return undefined;
	}

	let argv = cmdline.text.split('\0').filter(Boolean);
	if (argv.length === 1) {
		argv = argv[0]!.split(' ').filter(Boolean);
	}

	const comm = await io.readFile(`/proc/${pid}/comm`);
	const status = await io.readFile(`/proc/${pid}/status`);
	const ppid = status.ok ? /^PPid:\s+(\d+)/m.exec(status.text)?.[1] : undefined;
	return {
		pid,
		argv,
		...(comm.ok ? {comm: comm.text.trim()} : {}),
		...(ppid ? {ppid: Number(ppid)} : {}),
	};
}

/** A worker's parent when the parent is the same program (nginx and HAProxy masters hold the config). */
export async function masterOf(
	io: Io,
	pid: number,
	name: string,
): Promise<ProcessInfo | undefined> {
	const own = await readProcess(io, pid);
	if (!own) {
		return undefined;
	}

	if (own.ppid !== undefined && own.ppid > 1) {
		const parent = await readProcess(io, own.ppid);
		if (parent?.comm === name || parent?.argv.some(a => a.includes(name))) {
			return parent;
		}
	}

	return own;
}
