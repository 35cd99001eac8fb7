/**
What a check gets and returns. Every piece of I/O comes through `Io`, so tests can pass a fake
(`test/helpers/fake-io.ts`) or the real one (`createIo()` in ./io.ts).
*/
import type {Answers, CheckResult} from '../tree/types.js';
import type {Facts, Family, Target} from '../tree/facts.js';

export type CommandSpec = {
	readonly file: string;
	readonly args: readonly string[];
	/** Defaults to the runner's own (5 s). */
	readonly timeoutMs?: number;
	/** The whole environment (default: this process's); LC_ALL=C and LANG=C are always set. Labs only: checks never pass one. */
	readonly env?: Readonly<Record<string, string | undefined>>;
	/** The working folder (labs only). */
	readonly cwd?: string;
};

export type RunResult = {
	/** For display: the argv joined, quoted where needed. */
	readonly command: string;
	readonly exitCode: number | undefined;
	/** Output with terminal control sequences removed. */
	readonly stdout: string;
	readonly stderr: string;
	readonly timedOut: boolean;
	/** The program is not installed (ENOENT). */
	readonly notFound: boolean;
	readonly canceled: boolean;
	readonly durationMs: number;
};

export type RunOptions = {
	readonly signal?: AbortSignal;
	/** Each output line as it arrives (already stripped of control sequences). */
	readonly onLine?: (line: string) => void;
};

export type Runner = (
	spec: CommandSpec,
	options?: RunOptions,
) => Promise<RunResult>;

export type FileRead =
	| {readonly ok: true; readonly text: string}
	| {readonly ok: false; readonly code: string};

export type LookupAddress = {readonly address: string; readonly family: Family};

export type LookupResult =
	| {readonly ok: true; readonly addresses: readonly LookupAddress[]}
	| {readonly ok: false; readonly code: string; readonly message: string};

export type ConnectResult = {
	/** "connect" when accepted, otherwise the errno code (ECONNREFUSED, ETIMEDOUT, ...). */
	readonly code: string;
	readonly ms: number;
	/** After accepting, the peer closed or reset within a moment without sending anything. */
	readonly closedAfterAccept?: boolean;
};

export type HttpResult =
	| {
			readonly ok: true;
			readonly status: number;
			readonly headers: Readonly<Record<string, string>>;
			readonly body: string;
	  }
	| {readonly ok: false; readonly code: string};

export type NetworkInterface = {
	readonly name: string;
	readonly address: string;
	readonly family: Family;
	readonly internal: boolean;
	readonly cidr?: string;
};

/**
All the I/O a check may do. Read-only by construction: nothing here changes the system, except
`writeReport`, which only the app uses (never a check) and which only creates a new file.
*/
export type Io = {
	/** Every external command goes through this runner (argument array, timeout, LC_ALL=C, no shell). */
	readonly run: Runner;
	readonly readFile: (path: string) => Promise<FileRead>;
	readonly readDir: (path: string) => Promise<readonly string[] | undefined>;
	/** Resolve like a client on this host would (getaddrinfo, system order). */
	readonly lookup: (host: string, timeoutMs: number) => Promise<LookupResult>;
	/** One TCP connect attempt with its own timer. */
	readonly connect: (
		address: string,
		port: number,
		timeoutMs: number,
		signal?: AbortSignal,
	) => Promise<ConnectResult>;
	/**
	One plain HTTP GET (no proxy) to see what answers: status, headers (lower-case names), at most
	64 KB of body; `timeoutMs` bounds the whole request, and an abort ends it at once.
	*/
	readonly httpGet: (
		url: string,
		timeoutMs: number,
		signal?: AbortSignal,
	) => Promise<HttpResult>;
	readonly interfaces: () => readonly NetworkInterface[];
	readonly hostname: () => string;
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly platform: string;
	/** Effective uid, undefined where the platform has none. */
	readonly uid: number | undefined;
	/** Write an exported report to a NEW file (flag 'wx': fails rather than overwrite anything). */
	readonly writeReport: (path: string, text: string) => Promise<void>;
};

export type CheckContext = {
	readonly target: Target;
	readonly facts: Facts;
	readonly answers: Answers;
	readonly io: Io;
	readonly signal: AbortSignal;
	/** The probe timeout the user asked for (--timeout), in ms. */
	readonly timeoutMs: number;
	/** Say which command runs now (shown under the step title while it runs). */
	readonly onCommand: (command: string) => void;
	/** Stream an output line to the screen. */
	readonly onLine: (line: string) => void;
	/** The facts once the checks the node `awaits` are done (the driver gives it; tests may leave it out). */
	readonly settled?: () => Promise<Facts>;
};

export type {CheckResult} from '../tree/types.js';

export type CheckRun = (context: CheckContext) => Promise<CheckResult>;
