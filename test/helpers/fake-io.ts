/**
A table-driven fake of the I/O seam, for unit tests of checks and flows of the app. Unmatched
commands behave like a missing program (notFound), unmatched files like ENOENT: a check under
test has to cope with a bare host. `calls` records every command, for asserts.
*/
import {writeFile} from 'node:fs/promises';
import type {
	CommandSpec,
	ConnectResult,
	HttpResult,
	Io,
	LookupResult,
	NetworkInterface,
	RunResult,
} from '../../source/checks/types.js';
import {shellQuote} from '../../source/text/sanitize.js';

export type FakeCommand = {
	/** Matches "file arg1 arg2" (the argv joined by spaces). */
	readonly match: string | RegExp;
	readonly stdout?: string;
	readonly stderr?: string;
	readonly exitCode?: number;
	readonly timedOut?: boolean;
	/** Lines streamed to onLine before the result. */
	readonly lines?: readonly string[];
	/** Resolve only when this promise does (to observe a running step). */
	readonly gate?: Promise<void>;
};

export type FakeIoOptions = {
	readonly commands?: readonly FakeCommand[];
	readonly files?: Readonly<Record<string, string>>;
	readonly dirs?: Readonly<Record<string, readonly string[]>>;
	readonly lookup?: Readonly<Record<string, LookupResult>>;
	/** "address:port" (no brackets) → result; default ECONNREFUSED. Or a function for changing worlds. */
	readonly connect?:
		| Readonly<Record<string, ConnectResult>>
		| ((address: string, port: number) => ConnectResult);
	readonly http?: Readonly<Record<string, HttpResult>>;
	readonly interfaces?: readonly NetworkInterface[];
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly uid?: number;
	readonly platform?: string;
	readonly hostname?: string;
};

export type FakeIo = Io & {
	readonly calls: string[];
	/** Reports written through `writeReport`, by path. */
	readonly written: Map<string, string>;
};

export const loopbackInterfaces: readonly NetworkInterface[] = [
	{
		name: 'lo',
		address: '127.0.0.1',
		family: 4,
		internal: true,
		cidr: '127.0.0.1/8',
	},
	{name: 'lo', address: '::1', family: 6, internal: true, cidr: '::1/128'},
];

export function createFakeIo(options: FakeIoOptions = {}): FakeIo {
	const calls: string[] = [];
	const written = new Map<string, string>();
	const run = async (
		spec: CommandSpec,
		runOptions: {onLine?: (line: string) => void} = {},
	): Promise<RunResult> => {
		const joined = [spec.file, ...spec.args].join(' ');
		calls.push(joined);
		const row = options.commands?.find(c =>
			typeof c.match === 'string' ? c.match === joined : c.match.test(joined),
		);
		const command = shellQuote([spec.file, ...spec.args]);
		if (!row) {
			return {
				command,
				exitCode: undefined,
				stdout: '',
				stderr: '',
				timedOut: false,
				notFound: true,
				canceled: false,
				durationMs: 0,
			};
		}

		for (const line of row.lines ?? []) {
			runOptions.onLine?.(line);
		}

		await row.gate;
		return {
			command,
			exitCode: row.timedOut ? undefined : (row.exitCode ?? 0),
			stdout: row.stdout ?? '',
			stderr: row.stderr ?? '',
			timedOut: row.timedOut ?? false,
			notFound: false,
			canceled: false,
			durationMs: 1,
		};
	};

	return {
		calls,
		run,
		async readFile(path) {
			const text = options.files?.[path];
			return text === undefined
				? {ok: false, code: 'ENOENT'}
				: {ok: true, text};
		},
		async readDir(path) {
			return options.dirs?.[path];
		},
		async lookup(host) {
			return (
				options.lookup?.[host] ?? {
					ok: false,
					code: 'ENOTFOUND',
					message: `getaddrinfo ENOTFOUND ${host}`,
				}
			);
		},
		async connect(address, port) {
			if (typeof options.connect === 'function') {
				return options.connect(address, port);
			}

			return (
				options.connect?.[`${address}:${port}`] ?? {code: 'ECONNREFUSED', ms: 1}
			);
		},
		async httpGet(url) {
			return options.http?.[url] ?? {ok: false, code: 'ECONNREFUSED'};
		},
		interfaces: () => options.interfaces ?? loopbackInterfaces,
		hostname: () => options.hostname ?? 'testhost',
		env: options.env ?? {},
		platform: options.platform ?? 'linux',
		uid: options.uid ?? 0,
		// A real write (the test picks the folder), recorded too: exports are checked on disk.
		async writeReport(path, text) {
			await writeFile(path, text, {flag: 'wx'});
			written.set(path, text);
		},
		written,
	};
}
