/**
The start of dist/cli.js. build.mjs bundles the whole app (source/cli.tsx and every dependency) into one
script, appends it to this loader in a comment, and the loader reads it back and compiles it with `vm.Script`, so that V8 can reuse a
code cache kept in the user's cache directory (Node 20 has no compile cache for ES modules; Node 22's
`module.enableCompileCache` is not available). Without a usable cache the app runs the same, only slower.

The cache is only ever read from a file this user owns and no one else can write (V8 trusts its bytes),
named by a hash of the app so that a cache of another version is never offered to V8, and written
atomically once per version and mode. Nothing else is written. REFUSED_NO_CACHE=1 turns it off.
*/
import {
	closeSync,
	fstatSync,
	lstatSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	constants as fsConstants,
	writeFileSync,
} from 'node:fs';
import {createRequire} from 'node:module';
import {homedir} from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';

/** A hash of the app text: part of the cache file's name. */
declare const __REFUSED_APP_HASH__: string;

/**
The app, bundled and wrapped as `(async function (require, __nodeRequire, __refusedUrl, __refusedMeta) {...})`,
sits in a comment at the end of this file (V8 skims a comment faster than it builds a string literal):
after a line holding the marker, with every comment end written with a NUL between its two characters.
*/
export function appSource(file: string): string {
	// The build makes it ASCII: latin1 reads it straight into a one-byte string.
	const text = readFileSync(file, 'latin1');
	const marker = `\n/*${'refused-app'}\n`;
	const start = text.lastIndexOf(marker) + marker.length;
	const end = text.lastIndexOf('*/');
	return text.slice(start, end).replaceAll('*\0/', '*/');
}

const cachePrefix = 'v8-';

type CacheEnvironment = {
	readonly env: NodeJS.ProcessEnv;
	readonly uid: number | undefined;
	readonly home: string;
};

/** Owned by this user and writable by no one else (a cache V8 may trust). */
function trusted(stats: {uid: number; mode: number}, uid: number): boolean {
	return stats.uid === uid && (stats.mode & 0o022) === 0;
}

/** The directory for the cache, created if needed; undefined when there is none this user alone owns. */
export function cacheDirectory(
	environment: CacheEnvironment,
): string | undefined {
	const {env, uid} = environment;
	if (uid === undefined || env['REFUSED_NO_CACHE'] === '1') {
		return undefined;
	}

	const xdg = env['XDG_CACHE_HOME'];
	const base =
		xdg && path.isAbsolute(xdg) ? xdg : path.join(environment.home, '.cache');
	try {
		// The base must be this user's own: as root with another user's HOME, leave their home alone.
		const owner =
			lstatSync(base, {throwIfNoEntry: false}) ?? lstatSync(path.dirname(base));
		if (owner.uid !== uid) {
			return undefined;
		}

		const directory = path.join(base, 'refused');
		mkdirSync(directory, {recursive: true, mode: 0o700});
		const stats = lstatSync(directory);
		return stats.isDirectory() && trusted(stats, uid) ? directory : undefined;
	} catch {
		return undefined;
	}
}

/** The cache file's name: the app's hash, Node's version and the mode (the app and the batch run differ). */
export function cacheName(hash: string, mode: 'app' | 'batch'): string {
	return `${cachePrefix}${hash}-${process.version}-${process.arch}-${mode}.bin`;
}

/** The cached bytes, when the file is a regular file this user owns and no one else can write. */
export function readCache(file: string, uid: number): Buffer | undefined {
	let fd: number | undefined;
	try {
		fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
		const stats = fstatSync(fd);
		if (!stats.isFile() || !trusted(stats, uid)) {
			return undefined;
		}

		return readFileSync(fd);
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) {
			closeSync(fd);
		}
	}
}

/** Cache files kept per mode: a few versions side by side (a global install and a checkout) do not evict each other. */
const keptVersions = 4;

/** Write the cache atomically (a private temporary file, then rename); drop the oldest beyond a few versions. */
export function writeCache(file: string, data: Buffer): void {
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		writeFileSync(temporary, data, {flag: 'wx', mode: 0o600});
		renameSync(temporary, file);
		const directory = path.dirname(file);
		const name = path.basename(file);
		const mode = name.slice(name.lastIndexOf('-'));
		const others = readdirSync(directory)
			.filter(n => n.startsWith(cachePrefix) && n.endsWith(mode))
			.map(n => ({
				n,
				time: lstatSync(path.join(directory, n)).mtimeMs,
			}))
			.toSorted((a, b) => b.time - a.time);
		for (const {n} of others.slice(keptVersions)) {
			rmSync(path.join(directory, n), {force: true});
		}
	} catch {
		rmSync(temporary, {force: true});
	}
}

/** Whether this run will likely be the interactive app (only picks which cache file to use). */
function likelyMode(argv: readonly string[]): 'app' | 'batch' {
	return process.stdout.isTTY &&
		process.stdin.isTTY &&
		!argv.includes('--json') &&
		!argv.includes('--markdown')
		? 'app'
		: 'batch';
}

function worthCaching(code: number, argv: readonly string[]): boolean {
	return (
		code !== 2 &&
		code !== 3 &&
		!argv.includes('--help') &&
		!argv.includes('--version')
	);
}

type App = (
	require: NodeJS.Require,
	nodeRequire: NodeJS.Require,
	url: string,
	meta: {url: string},
) => Promise<void>;

async function boot(): Promise<void> {
	const url = import.meta.url;
	const directory = cacheDirectory({
		env: process.env,
		uid: process.getuid?.(),
		home: homedir(),
	});
	const file =
		directory === undefined
			? undefined
			: path.join(
					directory,
					cacheName(__REFUSED_APP_HASH__, likelyMode(process.argv.slice(2))),
				);
	const marks: Array<[string, number]> = [['loader', performance.now()]];
	const cachedData =
		file === undefined ? undefined : readCache(file, process.getuid!());
	const source = appSource(fileURLToPath(url));
	marks.push(['read', performance.now()]);
	const script = new vm.Script(source, {
		filename: fileURLToPath(url),
		cachedData,
	});
	marks.push(['compiled', performance.now()]);
	if (
		file !== undefined &&
		(cachedData === undefined || script.cachedDataRejected)
	) {
		// At exit the functions that ran are compiled, so the cache holds them too: keep it from a run
		// that diagnosed something, not from --help, --version, a usage error (2) or a crash (3).
		process.once('exit', code => {
			if (worthCaching(code, process.argv.slice(2))) {
				writeCache(file, script.createCachedData());
			}
		});
	}

	if (process.env['REFUSED_DEBUG']) {
		const state =
			file === undefined
				? 'off'
				: cachedData === undefined
					? 'none'
					: script.cachedDataRejected
						? 'rejected'
						: 'used';
		process.stderr.write(
			`refused: code cache ${state} (${file ?? 'off'}); ms since start: ${marks.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}\n`,
		);
		process.once('exit', () => {
			process.stderr.write(
				`refused: exit at ${performance.now().toFixed(1)} ms\n`,
			);
		});
	}

	const app = script.runInThisContext() as App;
	const require = createRequire(url);
	await app(require, require, url, {url});
}

// The loader is built as a CommonJS script (build.mjs): no top-level await. A failure of the loader
// itself is an unhandled rejection: Node prints it and exits 1, as for any crash before the app runs.
void boot();
