/**
Development servers and application runtimes (node, python, java): no config file to read, so the
fix is the flag that makes the server listen on every address, picked from its real command line
(/proc/PID/cmdline) and written back as that command line, quoted word by word.
*/
import type {Fix} from '../tree/types.js';
import {shellQuote} from '../text/sanitize.js';
import type {ServiceModule} from './types.js';

const restartByHand = () =>
	'stop it (Ctrl+C) and start it again with the new host/port';

export const node: ServiceModule = {
	id: 'node',
	name: 'Node.js dev server',
	ports: [3000, 3001, 4200, 5173, 4173, 8000, 8080, 8081, 9229],
	processes: ['node', 'nodejs', 'bun', 'deno'],
	units: [],
	configPaths: [],
	logPaths: [],
	defaultAddresses: ['localhost'],
	exposure:
		'A dev server on every address is reachable by anyone on the network: only on trusted networks, never with debug endpoints open.',
	bindAll:
		"server.listen(PORT, '0.0.0.0') in code; vite --host 0.0.0.0; next dev -H 0.0.0.0; ng serve --host 0.0.0.0; webpack devServer.host: '0.0.0.0'",
	restart: restartByHand,
};

export const python: ServiceModule = {
	id: 'python',
	name: 'Python dev server',
	ports: [8000, 5000, 8888, 8080],
	processes: ['python', 'python3', 'gunicorn', 'uvicorn', 'flask'],
	units: [],
	configPaths: [],
	logPaths: [],
	defaultAddresses: ['127.0.0.1'],
	exposure:
		'A dev server on every address is reachable by anyone on the network: Django/Flask debug mode must then be off.',
	bindAll:
		'python3 manage.py runserver 0.0.0.0:PORT; flask run --host 0.0.0.0; uvicorn app:app --host 0.0.0.0; python3 -m http.server --bind 0.0.0.0',
	restart: restartByHand,
};

export const java: ServiceModule = {
	id: 'java',
	name: 'Java server',
	ports: [8080, 8443, 9090],
	processes: ['java'],
	units: [],
	configPaths: [],
	logPaths: [],
	defaultAddresses: ['*'],
	exposure:
		'Binding every address opens it to the network: allow only trusted clients in the firewall and keep management endpoints (actuator, JMX) off the network.',
	bindAll:
		'server.address=0.0.0.0 (Spring Boot application.properties), or remove -Djava.net.preferIPv6Addresses / a v4-mapped bind',
	restart: () => 'restart the application',
};

/** How a dev server is told where to listen: an option (replaced when present, else added) or an ADDRESS:PORT argument. */
type DevServer = {
	readonly test: RegExp;
	readonly name: string;
	/** Option names that take the host (the first is the one added). */
	readonly flags: readonly string[];
	/** The option's value: the host, or "host:port" (gunicorn --bind). */
	readonly withPort?: boolean;
	/** Django: a positional ADDRESS:PORT after this word. */
	readonly positionalAfter?: string;
	readonly note?: string;
};

const known: readonly DevServer[] = [
	{
		test: /\bvite\b/,
		name: 'Vite',
		flags: ['--host'],
		note: ' (or server.host: true in vite.config)',
	},
	{test: /\bnext\b/, name: 'Next.js', flags: ['-H', '--hostname']},
	{test: /\bng\b.*\bserve\b/, name: 'Angular CLI', flags: ['--host']},
	{
		test: /webpack.*serve|webpack-dev-server/,
		name: 'webpack-dev-server',
		flags: ['--host'],
	},
	{
		test: /manage\.py\s+runserver/,
		name: 'Django runserver',
		flags: [],
		positionalAfter: 'runserver',
		note: ' (runserver ADDRESS:PORT)',
	},
	{test: /\bflask\b/, name: 'Flask', flags: ['--host', '-h']},
	{test: /\buvicorn\b/, name: 'uvicorn', flags: ['--host']},
	{
		test: /\bgunicorn\b/,
		name: 'gunicorn',
		flags: ['--bind', '-b'],
		withPort: true,
	},
	{
		test: /http\.server/,
		name: 'python -m http.server',
		flags: ['--bind', '-b'],
	},
	{test: /\brails\b|\bpuma\b/, name: 'Rails/Puma', flags: ['-b', '--binding']},
];

function hostAndPort(host: string, port: number): string {
	return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The command line with the host option set to `value`: replaced where it is given, added otherwise. */
function withOption(
	argv: readonly string[],
	flags: readonly string[],
	value: string,
): string[] {
	const result = [...argv];
	for (let index = 1; index < result.length; index++) {
		const argument = result[index]!;
		if (flags.includes(argument) && index + 1 < result.length) {
			result[index + 1] = value;
			return result;
		}

		const long = flags.find(
			f => f.startsWith('--') && argument.startsWith(`${f}=`),
		);
		if (long) {
			result[index] = `${long}=${value}`;
			return result;
		}
	}

	return [...result, flags[0]!, value];
}

/** Django: replace the ADDRESS:PORT (or PORT) after runserver, or add one. */
function withPositional(
	argv: readonly string[],
	after: string,
	value: string,
): string[] {
	const at = argv.indexOf(after);
	const next = argv[at + 1];
	if (at >= 0 && next !== undefined && /^(\S+:)?\d+$/.test(next)) {
		return argv.with(at + 1, value);
	}

	return at >= 0
		? [...argv.slice(0, at + 1), value, ...argv.slice(at + 1)]
		: [...argv, value];
}

/** The fix for a dev server on loopback: its own command line with the flag to listen on `host`. */
export function devServerFix(
	argv: readonly string[],
	port: number,
	exposure: string,
	host = '0.0.0.0',
): Fix | undefined {
	if (argv.length === 0) {
		return undefined;
	}

	const line = argv.join(' ');
	const match = known.find(k => k.test.test(line));
	if (match) {
		const value = match.withPort ? hostAndPort(host, port) : host;
		const fixed = match.positionalAfter
			? withPositional(argv, match.positionalAfter, hostAndPort(host, port))
			: withOption(argv, match.flags, value);
		return {
			command: shellQuote(fixed),
			why: `${match.name} listens on localhost by default: start it with this flag to listen on every address${match.note ?? ''}. ${exposure}`,
		};
	}

	if (/^(node|nodejs|bun|deno)$/.test(argv[0]?.split('/').at(-1) ?? '')) {
		return {
			command: `server.listen(${port}, '${host}')`,
			why: `In the code of ${shellQuote(argv)}: the program passes a loopback host to listen(); pass '${host}'${host === '::' ? ' (both families: IPv6 and IPv4)' : " (or '::' for both families)"}, or leave the host out. ${exposure}`,
		};
	}

	return undefined;
}
