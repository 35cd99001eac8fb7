/**
One interface for the reverse proxies whose config this tool reads (nginx, HAProxy): find and load
the config of a running proxy, route a request through it to upstream servers, read its error
log. A new dialect is one module here plus its parser and model files.
*/
import type {CheckContext} from '../checks/types.js';
import type {
	ProxyLogEntry,
	ProxyRequest,
	ProxyRoute,
} from '../model/proxy/upstream.js';

/** The I/O a dialect may do: all of it through the check's `Io`. */
export type ProxyIo = Pick<CheckContext, 'io' | 'signal' | 'onCommand'>;

/** How to test and reload the config, as argument arrays (without `sudo`). */
export type ProxyControl = {
	readonly test: readonly string[];
	readonly reload: readonly string[];
};

export type LoadedConfig = {
	/** Routes a request; undefined when the config could not be read. Pure. */
	readonly route?: (request: ProxyRequest) => ProxyRoute;
	/** Where the config came from, files that could not be read, syntax problems. */
	readonly notes: readonly string[];
	readonly commands: readonly string[];
	/** Why the config could not be read, with the command to read it by hand. */
	readonly error?: string;
	/** The error log files to read (absolute). */
	readonly errorLogs: readonly string[];
	readonly control: ProxyControl;
};

export type ErrorLogRead = {
	readonly entries: readonly ProxyLogEntry[];
	readonly notes: readonly string[];
	readonly commands: readonly string[];
};

export type ProxyDialect = {
	readonly label: string;
	/** Find the config the proxy process `pid` runs with, and read it (files only; nothing that writes). */
	readonly load: (
		context: ProxyIo,
		pid: number | undefined,
	) => Promise<LoadedConfig>;
	/** The lines of its error logs that name an upstream it failed to reach. */
	readonly readErrorLog: (
		context: ProxyIo,
		paths: readonly string[],
	) => Promise<ErrorLogRead>;
};
