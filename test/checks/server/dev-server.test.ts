import {describe, expect, test} from 'vitest';
import {devServerFix} from '../../../source/services/dev-servers.js';

describe('devServerFix: the flag for the dev server found on the command line', () => {
	test.each([
		[
			['node', '/app/node_modules/.bin/vite'],
			5173,
			'node /app/node_modules/.bin/vite --host 0.0.0.0',
		],
		[
			['node', '/app/node_modules/.bin/next', 'dev'],
			3000,
			'node /app/node_modules/.bin/next dev -H 0.0.0.0',
		],
		[
			['python3', 'manage.py', 'runserver'],
			8000,
			'python3 manage.py runserver 0.0.0.0:8000',
		],
		[
			['/usr/bin/python3', '/venv/bin/uvicorn', 'app:app'],
			8000,
			'/usr/bin/python3 /venv/bin/uvicorn app:app --host 0.0.0.0',
		],
		[
			['python3', '-m', 'http.server', '8080', '--bind', '127.0.0.1'],
			8080,
			'python3 -m http.server 8080 --bind 0.0.0.0',
		],
		[['/usr/bin/node', 'server.js'], 3000, "server.listen(3000, '0.0.0.0')"],
	])('%j', (argv, port, command) => {
		expect(devServerFix(argv, port, 'exposure')?.command).toBe(command);
	});

	test('unknown programs and unreadable command lines: no guess', () => {
		expect(devServerFix(['/opt/app/bin/server'], 9000, '')).toBeUndefined();
		expect(devServerFix([], 9000, '')).toBeUndefined();
	});
});
