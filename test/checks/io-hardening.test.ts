/**
The real Io against real servers and files: text is sanitised where it enters, and httpGet keeps
to its deadline, its 64 KB cap and the step's abort (issue 15, items 2 and 5).
*/
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {createIo, httpBodyLimit} from '../../source/checks/io.js';

const io = createIo();
const sockets = new Set<net.Socket>();
let server: http.Server;
let base: string;

beforeAll(async () => {
	server = http.createServer((request, response) => {
		if (request.url === '/trickle') {
			// A 502 whose body comes one byte a second, for ever.
			response.writeHead(502, {'content-type': 'text/plain'});
			const timer = setInterval(() => {
				response.write('x');
			}, 1000);
			response.on('close', () => {
				clearInterval(timer);
			});
			return;
		}

		if (request.url === '/flood') {
			// Far more than the cap, then the connection stays open. (Node's parser itself rejects control
			// characters in header values.)
			response.socket?.write(
				'HTTP/1.1 502 Bad Gateway\r\nServer: evil\r\n\r\n\u001B[2Jbad gateway\u0007 ' +
					'y'.repeat(4 * httpBodyLimit),
			);
			return;
		}

		response.end('ok');
	});
	server.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
	for (const socket of sockets) {
		socket.destroy();
	}

	await new Promise(resolve => {
		server.close(resolve);
	});
});

describe('httpGet', () => {
	test('a reply that trickles one byte a second ends at the whole-request deadline', async () => {
		const started = performance.now();
		const result = await io.httpGet(`${base}/trickle`, 1500);
		expect(result).toEqual({ok: false, code: 'ETIMEDOUT'});
		// Generous bound: proves the deadline counts the whole request, not the gap between bytes.
		expect(performance.now() - started).toBeLessThan(10_000);
		await expect.poll(() => sockets.size).toBe(0);
	});

	test('a reply past 64 KB is cut at the cap and the connection closed; headers and body are sanitised', async () => {
		const result = await io.httpGet(`${base}/flood`, 20_000);
		expect(result.ok).toBe(true);
		if (!result.ok) {
			return;
		}

		expect(result.status).toBe(502);
		expect(Buffer.byteLength(result.body)).toBeLessThanOrEqual(httpBodyLimit);
		expect(result.body.startsWith('bad gateway ')).toBe(true);
		expect(result.headers['server']).toBe('evil');
		await expect.poll(() => sockets.size).toBe(0);
	});

	test('an abort ends the request at once', async () => {
		const controller = new AbortController();
		const pending = io.httpGet(`${base}/trickle`, 60_000, controller.signal);
		setTimeout(() => {
			controller.abort();
		}, 200);
		expect(await pending).toEqual({ok: false, code: 'ECANCELED'});
		await expect.poll(() => sockets.size).toBe(0);
	});
});

describe('text entering from files and the environment is sanitised once, at the boundary', () => {
	test('readFile strips escapes and keeps the NUL that separates cmdline words', async () => {
		const folder = mkdtempSync(path.join(tmpdir(), 'refused-io-'));
		try {
			const file = path.join(folder, 'cmdline');
			writeFileSync(
				file,
				'nginx\u0000-c\u0000/etc/\u001B]52;c;ZXZpbA==\u0007x.conf\u0000',
			);
			const read = await io.readFile(file);
			expect(read).toEqual({
				ok: true,
				text: 'nginx\u0000-c\u0000/etc/x.conf\u0000',
			});
			writeFileSync(path.join(folder, 'evil\u001B[31mname'), '');
			expect(await io.readDir(folder)).toContain('evilname');
		} finally {
			rmSync(folder, {recursive: true, force: true});
		}
	});

	test('environment values are sanitised', () => {
		process.env['REFUSED_TEST_EVIL'] =
			'http://proxy\u001B]52;c;ZXZpbA==\u0007:3128';
		try {
			expect(createIo().env['REFUSED_TEST_EVIL']).toBe('http://proxy:3128');
		} finally {
			delete process.env['REFUSED_TEST_EVIL'];
		}
	});
});
