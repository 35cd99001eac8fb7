/*
Builds dist/cli.js: one self-contained file that runs on a bare Node >= 20.

1. The app (source/cli.tsx and every dependency) is bundled into one script: Node built-ins are reached
   through a `require` the loader passes in (no import statements), so the bundle can be compiled as a
   classic script (a function body: top-level await is fine there).
2. dist/cli.js is the loader (source/boot.ts) followed by that script in a comment; the loader reads it
   back and compiles it with vm.Script and a V8 code cache kept in the user's cache directory.

Also changed at build time, each checked so a dependency upgrade fails the build instead of shipping
something else: Ink's devtools stubbed (only with DEV=true; it pulls in `ws`); meow's package.json lookup
and normalisation dropped (we pass the version and description); HTTP/HTTPS loaded on first use; one
string-width with a fast path for our marks; Yoga's wasm decoded without fetch() (see each below).
*/
import {createHash} from 'node:crypto';
import {appendFile, chmod, readFile, writeFile} from 'node:fs/promises';
import {builtinModules} from 'node:module';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';
import {build} from 'esbuild';

const package_ = JSON.parse(
	await readFile(new URL('package.json', import.meta.url), 'utf8'),
);
const builtins = new Set(builtinModules);
// For profiling: REFUSED_BUILD_OUT=/tmp/x.js REFUSED_BUILD_MINIFY=0 node build.mjs
const outfile = process.env.REFUSED_BUILD_OUT ?? 'dist/cli.js';
const minify = process.env.REFUSED_BUILD_MINIFY !== '0';

/** Replace one exact text in a dependency's file; fails the build when the text is gone. */
function patch(filter, from, to) {
	return {filter, from, to};
}

const patches = [
	patch(
		/meow[\\/]build[\\/]options\.js$/,
		"import { a as readPackageUpSync, n as normalizePackageData } from './dependencies.js';",
		`const readPackageUpSync = () => ({packageJson: ${JSON.stringify({name: package_.name, bin: package_.bin})}}), normalizePackageData = () => {};`,
	),
	// Yoga's wasm is a base64 data: URI; its loader fetch()es it when fetch exists, which makes Node
	// load its whole fetch implementation (undici) before the first frame. Decode it directly instead
	// (the loader's own fallback when there is no fetch).
	patch(
		/yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
		'function ya(){return w||"function"!=typeof fetch?',
		'function ya(){return true?',
	),
	patch(
		/meow[\\/]build[\\/]dependencies\.js$/,
		'var normalizeExports = requireNormalize();',
		'var normalizeExports = {};',
	),
];

const lazyBuiltins = new Set(['http', 'https']);

/** Whether a file imports `specifier` only as `import name from '...'` (a proxy serves no named import). */
async function defaultImportOnly(file, specifier) {
	const text = await readFile(file, 'utf8');
	const quoted = `['"]${specifier.replaceAll('/', '\\/')}['"]`;
	const all = text.match(new RegExp(`from ${quoted}`, 'g')) ?? [];
	const plain = text.match(new RegExp(`import \\w+ from ${quoted}`, 'g')) ?? [];
	return all.length > 0 && all.length === plain.length;
}

/*
Ink measures every line of every frame with string-width, whose ASCII fast path misses lines holding our
marks (✔ ─ → …), and the slow path compiles Unicode emoji regexps on first use (about 20 ms before the
first frame). These code points are one column each; the build checks every one of them against
string-width's own slow path, and fails if a newer string-width disagrees.
*/
const narrowRanges = [
	[0xa0, 0xac],
	[0xae, 0x2_ff],
	[0x20_10, 0x20_27],
	[0x21_90, 0x21_ff],
	[0x25_00, 0x25_fc],
	[0x27_13, 0x27_16],
	[0x27_6f, 0x27_6f],
	[0x28_00, 0x28_ff],
];
const narrowClass = narrowRanges
	.map(
		([from, to]) =>
			`\\u${from.toString(16).padStart(4, '0')}-\\u${to.toString(16).padStart(4, '0')}`,
	)
	.join('');
{
	// Ink's own string-width (a dependency of Ink, resolved from here as esbuild does).
	const {default: stringWidth} = await import(
		import.meta.resolve('string-width')
	);
	for (const [from, to] of narrowRanges) {
		for (let code = from; code <= to; code++) {
			if (stringWidth(String.fromCodePoint(code)) !== 1) {
				throw new Error(
					`build.mjs: string-width says U+${code.toString(16)} is not one column; fix narrowRanges`,
				);
			}
		}
	}
}

patches.push(
	patch(
		/[\\/]node_modules[\\/]string-width[\\/]index\.js$/,
		'	// Fast path: printable ASCII',
		`	if (ambiguousIsNarrow && /^[\\u0020-\\u007E${narrowClass}]*$/.test(string)) {
		return string.length;
	}

	// Fast path: printable ASCII`,
	),
);

const plugins = [
	{
		name: 'patch-dependencies',
		setup(b) {
			for (const {filter, from, to} of patches) {
				b.onLoad({filter}, async ({path}) => {
					const text = await readFile(path, 'utf8');
					if (!text.includes(from)) {
						throw new Error(`build.mjs: ${path} changed; update its patch`);
					}

					return {contents: text.replace(from, to), loader: 'js'};
				});
			}
		},
	},
	{
		// The wrap-ansi package carries string-width 7, which segments every string; Ink's string-width 8 has
		// a printable-ASCII fast path and the same API: one copy, the faster one (Ink measures every line).
		name: 'one-string-width',
		setup(b) {
			const latest = fileURLToPath(import.meta.resolve('string-width'));
			b.onResolve({filter: /^string-width$/}, args =>
				/[\\/]wrap-ansi[\\/]/.test(args.importer) ? {path: latest} : undefined,
			);
		},
	},
	{
		// Ink's devtools integration (only with DEV=true) imports ws and react-devtools-core: stub it.
		name: 'stub-devtools',
		setup(b) {
			b.onResolve({filter: /^react-devtools-core$|devtools\.js$/}, args =>
				args.path === 'react-devtools-core' ||
				/[\\/]ink[\\/]/.test(args.importer)
					? {path: args.path, namespace: 'stub'}
					: undefined,
			);
			b.onLoad({filter: /.*/, namespace: 'stub'}, () => ({
				contents: 'export default {initialize() {}, connectToDevTools() {}};',
			}));
		},
	},
	{
		// `node:fs`, `fs`, ... come from the loader's require: the bundle has no import statement.
		// HTTP and HTTPS (TLS: about 15 ms to load) are loaded on first use, for our own default imports.
		name: 'builtins-by-require',
		setup(b) {
			b.onResolve({filter: /^(node:)?[a-z\d_/]+$/}, async args => {
				const name = args.path.replace(/^node:/, '');
				if (!builtins.has(name)) {
					return undefined;
				}

				const lazy =
					lazyBuiltins.has(name) &&
					/[\\/]source[\\/]/.test(args.importer) &&
					!/[\\/]node_modules[\\/]/.test(args.importer) &&
					(await defaultImportOnly(args.importer, args.path));
				return {path: name, namespace: lazy ? 'lazy-builtin' : 'builtin'};
			});
			b.onLoad({filter: /.*/, namespace: 'builtin'}, args => ({
				contents: `module.exports = __nodeRequire(${JSON.stringify(`node:${args.path}`)});`,
				loader: 'js',
			}));
			b.onLoad({filter: /.*/, namespace: 'lazy-builtin'}, args => ({
				contents: `let loaded;
const load = () => (loaded ??= __nodeRequire(${JSON.stringify(`node:${args.path}`)}));
module.exports = new Proxy({}, {get: (_, key) => (key === '__esModule' ? undefined : load()[key])});`,
				loader: 'js',
			}));
		},
	},
];

const app = await build({
	entryPoints: ['source/cli.tsx'],
	write: false,
	outfile: 'app.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	minify,
	legalComments: 'none',
	define: {
		'process.env.NODE_ENV': '"production"',
		__REFUSED_VERSION__: JSON.stringify(package_.version),
		'import.meta.url': '__refusedUrl',
		'import.meta': '__refusedMeta',
	},
	plugins,
});
const body = app.outputFiles[0].text;
const wrapped = `(async function (require, __nodeRequire, __refusedUrl, __refusedMeta) {${body}\n})`;
// It compiles as a script (as the loader compiles it), or the build fails: an import statement would.
const compiled = new vm.Script(wrapped, {filename: 'app.js'});
if (!compiled) {
	throw new Error('build.mjs: the app does not compile as a script');
}

if (!minify) {
	// Profiling: the app as compiled, to map a profile's line numbers to modules.
	await writeFile(`${outfile}.app.js`, wrapped);
}

// ASCII only (esbuild escapes strings, not every regular expression): the loader reads it as latin1,
// a one-byte string V8 scans fastest, and no byte can be decoded two ways.
const nonAscii = /[^\u0000-\u007F]/.exec(wrapped);
if (nonAscii) {
	throw new Error(
		`build.mjs: the app holds a non-ASCII character (U+${nonAscii[0].codePointAt(0).toString(16)} near ${JSON.stringify(wrapped.slice(nonAscii.index - 40, nonAscii.index + 10))}); write it as an escape in the source`,
	);
}

const hash = createHash('sha256').update(wrapped).digest('hex').slice(0, 16);

// The loader is a CommonJS script: Node loads it without starting its ES module loader (about 5 ms
// of a --json run on this machine; `npm run bench`). dist/package.json says so to Node wherever the
// file sits under a package that is "type": "module" (this repository, an installed package); alone
// in a folder, a .js file is CommonJS already.
await build({
	entryPoints: ['source/boot.ts'],
	outfile,
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	minify: true,
	legalComments: 'none',
	banner: {
		js: '#!/usr/bin/env node\nvar __loaderUrl=require("node:url").pathToFileURL(__filename).href;',
	},
	define: {
		__REFUSED_APP_HASH__: JSON.stringify(hash),
		'import.meta.url': '__loaderUrl',
	},
});
await writeFile(
	new URL('package.json', new URL(outfile, `file://${process.cwd()}/`)),
	'{"type": "commonjs"}\n',
);

// The app follows the loader in a comment (see appSource in source/boot.ts).
if (wrapped.includes('*\0/')) {
	throw new Error(
		'build.mjs: the app holds the comment-end escape; pick another',
	);
}

await appendFile(
	outfile,
	`\n/*refused-app\n${wrapped.replaceAll('*/', '*\0/')}*/\n`,
);
await chmod(outfile, 0o755);
const size = Buffer.byteLength(await readFile(outfile));
if (process.env.REFUSED_BUILD_QUIET !== '1') {
	console.log(`${outfile}: ${(size / 1024).toFixed(0)} KB (app ${hash})`);
}
