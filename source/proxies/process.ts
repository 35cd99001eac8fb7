/**
A proxy's processes as /proc shows them, and which one is the master (the process whose command
line holds the config): identified by its own executable (/proc/PID/exe, else its comm) and its
process title, never by a parent's command line that merely mentions the proxy's name (a shell
wrapper `sh run-nginx.sh`, a supervisor `supervisord -c /etc/supervisor/nginx.conf`).
*/
import type {Io} from '../checks/types.js';

export type ProcessInfo = {
	readonly pid: number;
	/** The arguments, split at NULs; a title rewritten with spaces (nginx's "nginx: master process ...") is split at spaces. */
	readonly argv: readonly string[];
	readonly comm?: string;
	readonly ppid?: number;
	/** The executable (/proc/PID/exe), when it can be read (root, or our own processes). */
	readonly exe?: string;
};

async function readExe(io: Io, pid: number): Promise<string | undefined> {
	const result = await io.run({
		file: 'readlink',
		args: ['--', `/proc/${pid}/exe`],
		timeoutMs: 2000,
	});
	const exe = result.stdout.trim();
	return result.exitCode === 0 && exe ? exe : undefined;
}

/** Read /proc/PID/cmdline, comm and PPid (cmdline is world-readable unless /proc is mounted hidepid). */
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

/** ReadProcess, with the executable too. */
async function readProgram(
	io: Io,
	pid: number,
): Promise<ProcessInfo | undefined> {
	const process = await readProcess(io, pid);
	const exe = process ? await readExe(io, pid) : undefined;
	return process && exe ? {...process, exe} : process;
}

/** The program a process runs: its executable's file name, else its comm (the kernel's name for it). */
export function programOf(process: ProcessInfo): string | undefined {
	if (process.exe) {
		const path = process.exe.replace(/ \(deleted\)$/, '');
		return path.slice(path.lastIndexOf('/') + 1);
	}

	return process.comm;
}

export type MasterRules = {
	/** This process is the master itself (its title says so, or it runs alone). */
	readonly isMaster: (process: ProcessInfo) => boolean;
	/** Its parent is the master: the same program, with a master's title where it has one. */
	readonly parentIsMaster: (parent: ProcessInfo) => boolean;
};

export type Master = {
	readonly process: ProcessInfo;
	/** How it was identified, for the evidence. */
	readonly how: string;
};

/** The master of the proxy process `pid`: itself, or its parent when the parent is the same program's master. */
export async function masterOf(
	io: Io,
	pid: number,
	rules: MasterRules,
): Promise<Master | undefined> {
	const own = await readProgram(io, pid);
	if (!own) {
		return undefined;
	}

	if (rules.isMaster(own)) {
		return {process: own, how: `/proc/${pid}/cmdline`};
	}

	const parent =
		own.ppid !== undefined && own.ppid > 1
			? await readProgram(io, own.ppid)
			: undefined;
	if (parent && rules.parentIsMaster(parent)) {
		return {
			process: parent,
			how: `/proc/${parent.pid}/cmdline (the master of pid ${pid})`,
		};
	}

	return {process: own, how: `/proc/${pid}/cmdline`};
}
