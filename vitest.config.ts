import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		environment: 'node',
		setupFiles: ['test/setup.ts'],
		globalSetup: ['test/global-setup.ts'],
		env: {FORCE_COLOR: '0'},
		testTimeout: 60_000,
		hookTimeout: 120_000,
		restoreMocks: true,
	},
});
