import type {Fix} from '../../tree/types.js';

/**
The flag that makes a development server listen on every address, picked from its real command line
(/proc/PID/cmdline): vite, next, ng, webpack, Django, Flask, uvicorn, gunicorn, http.server, rails.
*/
const known: ReadonlyArray<{
	readonly test: RegExp;
	readonly name: string;
	readonly flag: (port: number) => string;
}> = [
	{
		test: /\bvite\b/,
		name: 'Vite',
		flag: () => '--host 0.0.0.0   (or server.host: true in vite.config)',
	},
	{test: /\bnext\b/, name: 'Next.js', flag: () => '-H 0.0.0.0'},
	{
		test: /\bng\b.*\bserve\b/,
		name: 'Angular CLI',
		flag: () => '--host 0.0.0.0',
	},
	{
		test: /webpack.*serve|webpack-dev-server/,
		name: 'webpack-dev-server',
		flag: () => '--host 0.0.0.0',
	},
	{
		test: /manage\.py\s+runserver/,
		name: 'Django runserver',
		flag: port => `0.0.0.0:${port}   (runserver ADDRESS:PORT)`,
	},
	{test: /\bflask\b/, name: 'Flask', flag: () => '--host 0.0.0.0'},
	{test: /\buvicorn\b/, name: 'uvicorn', flag: () => '--host 0.0.0.0'},
	{
		test: /\bgunicorn\b/,
		name: 'gunicorn',
		flag: port => `--bind 0.0.0.0:${port}`,
	},
	{
		test: /http\.server/,
		name: 'python -m http.server',
		flag: () => '--bind 0.0.0.0',
	},
	{test: /\brails\b|\bpuma\b/, name: 'Rails/Puma', flag: () => '-b 0.0.0.0'},
];

export function devServerFix(
	argv: readonly string[],
	port: number,
	exposure: string,
): Fix | undefined {
	const line = argv.join(' ');
	if (!line) {
		return undefined;
	}

	const match = known.find(k => k.test.test(line));
	if (match) {
		return {
			command: `${line} ${match.flag(port)}`,
			why: `${match.name} listens on localhost by default: start it with this flag to listen on every address. ${exposure}`,
		};
	}

	if (/^(node|nodejs|bun|deno)$/.test(argv[0]?.split('/').at(-1) ?? '')) {
		return {
			command: `server.listen(${port}, '0.0.0.0')   (in the code of: ${line})`,
			why: `The program passes a loopback host to listen(); pass '0.0.0.0' (or '::' for both families), or leave the host out. ${exposure}`,
		};
	}

	return undefined;
}
