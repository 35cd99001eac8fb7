import {configDefaults, defineConfig} from 'vitest/config';

/**
Two projects: `unit` (everything outside test/e2e: parsers, judges, engine, tree, report, the UI
with fake I/O; no root, no Debian package; `npm run test:unit`) and `e2e` (the built CLI on real
servers, rules and namespaces; root). `npm test` runs both.
*/
export default defineConfig({
	test: {
		environment: 'node',
		setupFiles: ['test/setup.ts'],
		globalSetup: ['test/global-setup.ts'],
		env: {FORCE_COLOR: '0'},
		testTimeout: 60_000,
		hookTimeout: 120_000,
		restoreMocks: true,
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['test/**/*.test.{ts,tsx}'],
					exclude: [...configDefaults.exclude, 'test/e2e/**'],
				},
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['test/e2e/**/*.test.{ts,tsx}'],
				},
			},
		],
	},
});
