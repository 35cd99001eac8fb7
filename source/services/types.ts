/**
What a service module holds: how to recognise the service (names, ports, units), where its config
and logs are, how to read its config syntax and command line (pure), and how to write its fix edits.
A new service is one file in this folder plus fixtures, added to the table in ./index.ts.
*/
import type {ConfigLine, ServiceConfigFacts} from '../tree/facts.js';
import type {ConfigParse} from '../parsers/service-config.js';

/** What a restart command depends on: systemd or not, root or not, and the config read (its argv). */
export type RestartContext = {
	readonly systemd: boolean;
	readonly root: boolean;
	readonly config?: ServiceConfigFacts;
};

/** A service whose config decides where it listens. */
export type ServiceSyntax = {
	/** Pure: the lines of one config file that set its addresses and port, and its includes. */
	readonly parse: (text: string, file: string) => ConfigParse;
	/** Pure: settings given on its command line (they win over the files). */
	readonly commandLine: (argv: readonly string[], file: string) => ConfigLine[];
	/** Pure: config files (and a prefix folder) named on its command line. */
	readonly configFiles: (argv: readonly string[]) => {
		readonly files: string[];
		readonly dir?: string;
	};
	/** Relative includes are resolved against the command line's prefix (nginx -p), not the file's folder. */
	readonly includesFromPrefix?: boolean;
	/** The config line that makes it listen on `address` too (`kept`: addresses it has now, safe tokens only). */
	readonly bindEdit: (
		address: string,
		port: number,
		kept: readonly string[],
	) => string;
	/** The config line that sets its port. */
	readonly setPort: (port: number) => string;
	/** Where to find the config when no file could be read (a hint, shown in the fix). */
	readonly findConfig?: string;
};

export type ServiceModule = {
	readonly id: string;
	readonly name: string;
	readonly ports: readonly number[];
	/** Process names as /proc/PID/comm and ss show them. */
	readonly processes: readonly string[];
	/** Systemd unit name patterns (for `systemctl list-units`). */
	readonly units: readonly string[];
	/** Default config files, most specific first; "*" matches one folder level (/etc/postgresql/*\/main). */
	readonly configPaths: readonly string[];
	/** Its own log files or folders (used where no systemd runs). */
	readonly logPaths: readonly string[];
	/** Where it listens when the config says nothing. */
	readonly defaultAddresses: readonly string[];
	/** What listening on all addresses exposes, in one line. */
	readonly exposure: string;
	readonly syntax?: ServiceSyntax;
	/** For services without a config syntax (dev servers): how to make it listen on every address. */
	readonly bindAll: string;
	/** How to restart (or reload) it: systemctl where systemd runs, its own command otherwise. */
	readonly restart: (context: RestartContext) => string;
};
