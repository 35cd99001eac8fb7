// Bundles the CLI into one self-contained script (dist/cli.js) that runs on a bare Node >= 20.
import {chmod, readFile} from 'node:fs/promises';
import {build} from 'esbuild';

const package_ = JSON.parse(
	await readFile(new URL('package.json', import.meta.url), 'utf8'),
);

await build({
	entryPoints: ['source/cli.tsx'],
	outfile: 'dist/cli.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	minify: true,
	legalComments: 'none',
	define: {
		'process.env.NODE_ENV': '"production"',
		__REFUSED_VERSION__: JSON.stringify(package_.version),
	},
	// CommonJS dependencies require() Node built-ins; an ESM bundle has no require of its own.
	banner: {
		js: "#!/usr/bin/env node\nimport {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);",
	},
	plugins: [
		{
			// Ink's devtools integration (only with DEV=true) imports an optional package; stub it.
			name: 'stub-devtools',
			setup(b) {
				b.onResolve({filter: /^react-devtools-core$/}, () => ({
					path: 'stub',
					namespace: 'stub',
				}));
				b.onLoad({filter: /.*/, namespace: 'stub'}, () => ({
					contents: 'export default {initialize() {}, connectToDevTools() {}};',
				}));
			},
		},
	],
});
await chmod('dist/cli.js', 0o755);
