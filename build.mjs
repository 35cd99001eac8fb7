/*
Builds dist/cli.js: one self-contained file that runs on a bare Node >= 20.

1. The app (source/cli.tsx and every dependency) is bundled into one script: Node built-ins are reached
   through a `require` the loader passes in (no import statements), so the bundle can be compiled as a
   classic script (a function body: top-level await is fine there).
2. The loader (source/boot.ts) embeds that script as a string and compiles it with vm.Script and a V8
   code cache kept in the user's cache directory (see source/boot.ts).

Also trimmed at build time, each checked so a dependency upgrade fails the build instead of shipping
something else: Ink's devtools (only with DEV=true; it pulls in `ws`), and meow's package.json lookup and
normalisation (we pass the version and description; it read and normalised package.json on every run).
*/
import {createHash} from 'node:crypto';
import {chmod, readFile, writeFile} from 'node:fs/promises';
import {builtinModules} from 'node:module';
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
	patch(
		/meow[\\/]build[\\/]dependencies\.js$/,
		'var normalizeExports = requireNormalize();',
		'var normalizeExports = {};',
	),
];

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
		name: 'builtins-by-require',
		setup(b) {
			b.onResolve({filter: /^(node:)?[a-z\d_/]+$/}, args => {
				const name = args.path.replace(/^node:/, '');
				return builtins.has(name)
					? {path: name, namespace: 'builtin'}
					: undefined;
			});
			b.onLoad({filter: /.*/, namespace: 'builtin'}, args => ({
				contents: `module.exports = __nodeRequire(${JSON.stringify(`node:${args.path}`)});`,
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

const hash = createHash('sha256').update(wrapped).digest('hex').slice(0, 16);

await build({
	entryPoints: ['source/boot.ts'],
	outfile,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	minify: true,
	legalComments: 'none',
	banner: {js: '#!/usr/bin/env node'},
	define: {
		__REFUSED_APP__: JSON.stringify(wrapped),
		__REFUSED_APP_HASH__: JSON.stringify(hash),
	},
});

await chmod(outfile, 0o755);
const size = Buffer.byteLength(await readFile(outfile));
if (process.env.REFUSED_BUILD_QUIET !== '1') {
	console.log(`${outfile}: ${(size / 1024).toFixed(0)} KB (app ${hash})`);
}
