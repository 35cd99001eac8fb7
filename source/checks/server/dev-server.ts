import type {Fix} from '../../tree/types.js';

/**
The flag that makes a development server listen on every address, picked from its real command line
(/proc/PID/cmdline): vite, next, ng, webpack, Django, Flask, uvicorn, gunicorn, http.server, rails.
*/
const known: ReadonlyArray<{
	readonly test: RegExp;
	readonly name: string;
	readonly flag: (port: number, host: string) => string;
}> = [
	{
		test: /\bvite\b/,
		name: 'Vite',
		flag: (_port, host) =>
			`--host ${host}   (or server.host: true in vite.config)`,
	},
	{test: /\bnext\b/, name: 'Next.js', flag: (_port, host) => `-H ${host}`},
	{
		test: /\bng\b.*\bserve\b/,
		name: 'Angular CLI',
		flag: (_port, host) => `--host ${host}`,
	},
	{
		test: /webpack.*serve|webpack-dev-server/,
		name: 'webpack-dev-server',
		flag: (_port, host) => `--host ${host}`,
	},
	{
		test: /manage\.py\s+runserver/,
		name: 'Django runserver',
		flag: (port, host) =>
			`${host.includes(':') ? `[${host}]` : host}:${port}   (runserver ADDRESS:PORT)`,
	},
	{test: /\bflask\b/, name: 'Flask', flag: (_port, host) => `--host ${host}`},
	{
		test: /\buvicorn\b/,
		name: 'uvicorn',
		flag: (_port, host) => `--host ${host}`,
	},
	{
		test: /\bgunicorn\b/,
		name: 'gunicorn',
		flag: (port, host) =>
			`--bind ${host.includes(':') ? `[${host}]` : host}:${port}`,
	},
	{
		test: /http\.server/,
		name: 'python -m http.server',
		flag: (_port, host) => `--bind ${host}`,
	},
	{
		test: /\brails\b|\bpuma\b/,
		name: 'Rails/Puma',
		flag: (_port, host) => `-b ${host}`,
	},
];

export function devServerFix(
	argv: readonly string[],
	port: number,
	exposure: string,
	host = '0.0.0.0',
): Fix | undefined {
	const line = argv.join(' ');
	if (!line) {
		return undefined;
	}

	const match = known.find(k => k.test.test(line));
	if (match) {
		return {
			command: `${line} ${match.flag(port, host)}`,
			why: `${match.name} listens on localhost by default: start it with this flag to listen on every address. ${exposure}`,
		};
	}

	if (/^(node|nodejs|bun|deno)$/.test(argv[0]?.split('/').at(-1) ?? '')) {
		return {
			command: `server.listen(${port}, '${host}')   (in the code of: ${line})`,
			why: `The program passes a loopback host to listen(); pass '${host}'${host === '::' ? ' (both families: IPv6 and IPv4)' : " (or '::' for both families)"}, or leave the host out. ${exposure}`,
		};
	}

	return undefined;
}
