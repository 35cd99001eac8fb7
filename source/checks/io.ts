import {lookup as dnsLookup} from 'node:dns/promises';
import {readdir, readFile, writeFile} from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import {sanitize} from '../text/sanitize.js';
import {isIPv6} from '../net/address.js';
import {createRunner} from './runner.js';
import type {
	ConnectResult,
	FileRead,
	HttpResult,
	Io,
	LookupResult,
	NetworkInterface,
} from './types.js';

/** How long an accepted connection is watched for an immediate close (docker-proxy's signature). */
const acceptGraceMs = 300;

/** The cap on a reply body httpGet keeps; the rest is never read. */
export const httpBodyLimit = 65_536;

async function readTextFile(path: string): Promise<FileRead> {
	try {
		// NUL stays: it separates the words of /proc/PID/cmdline and environ.
		return {
			ok: true,
			text: sanitize(await readFile(path, 'utf8'), {keepNul: true}),
		};
	} catch (error) {
		return {ok: false, code: (error as NodeJS.ErrnoException).code ?? 'EIO'};
	}
}

async function lookup(host: string, timeoutMs: number): Promise<LookupResult> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<LookupResult>(resolve => {
		timer = setTimeout(() => {
			resolve({
				ok: false,
				code: 'DNS_TIMEOUT',
				message: `no answer within ${timeoutMs} ms`,
			});
		}, timeoutMs);
	});
	try {
		return await Promise.race([
			dnsLookup(host, {all: true, verbatim: true}).then(
				(addresses): LookupResult => ({
					ok: true,
					addresses: addresses.map(a => ({
						address: sanitize(a.address),
						family: a.family === 6 ? 6 : 4,
					})),
				}),
				(error: unknown): LookupResult => ({
					ok: false,
					code: sanitize((error as NodeJS.ErrnoException).code ?? 'EAI_FAIL'),
					message: sanitize((error as Error).message),
				}),
			),
			deadline,
		]);
	} finally {
		clearTimeout(timer);
	}
}

async function connect(
	address: string,
	port: number,
	timeoutMs: number,
	signal?: AbortSignal,
): Promise<ConnectResult> {
	const started = performance.now();
	const elapsed = () => Math.round(performance.now() - started);
	return new Promise(resolve => {
		let settled = false;
		let connectedMs = 0;
		const socket = net.connect({
			host: address,
			port,
			family: isIPv6(address) ? 6 : 4,
		});
		const finish = (result: ConnectResult) => {
			if (settled) {
				return;
			}

			settled = true;
			clearTimeout(timer);
			socket.destroy();
			resolve(result);
		};

		const timer = setTimeout(() => {
			if (connectedMs > 0) {
				finish({code: 'connect', ms: connectedMs});
			} else {
				finish({code: 'ETIMEDOUT', ms: elapsed()});
			}
		}, timeoutMs);
		signal?.addEventListener('abort', () => {
			finish({code: 'ECANCELED', ms: elapsed()});
		});
		socket.once('connect', () => {
			connectedMs = Math.max(elapsed(), 0);
			clearTimeout(timer);
			setTimeout(() => {
				finish({code: 'connect', ms: connectedMs});
			}, acceptGraceMs);
		});
		socket.on('data', () => {
			finish({code: 'connect', ms: connectedMs});
		});
		socket.once('end', () => {
			finish({code: 'connect', ms: connectedMs, closedAfterAccept: true});
		});
		socket.once('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'ECONNRESET') {
				// Accepted and at once reset (whether the reset beat the connect event or not): not open.
				finish({
					code: 'ECONNRESET',
					ms: connectedMs || elapsed(),
					closedAfterAccept: true,
				});
			} else if (connectedMs > 0) {
				finish({code: 'connect', ms: connectedMs, closedAfterAccept: true});
			} else {
				finish({code: sanitize(error.code ?? 'EIO'), ms: elapsed()});
			}
		});
	});
}

function headersOf(response: http.IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers)) {
		if (value !== undefined) {
			headers[sanitize(name)] = sanitize(
				Array.isArray(value) ? value.join(', ') : value,
			);
		}
	}

	return headers;
}

/**
One GET with a deadline for the whole request (connect, headers and body: a server that trickles
its reply one byte a second is cut off), at most `httpBodyLimit` bytes of body (the connection is
closed at the cap), and the step's abort honoured.
*/
async function httpGet(
	url: string,
	timeoutMs: number,
	signal?: AbortSignal,
): Promise<HttpResult> {
	if (signal?.aborted) {
		return {ok: false, code: 'ECANCELED'};
	}

	return new Promise(resolve => {
		const client = url.startsWith('https:') ? https : http;
		let settled = false;
		const finish = (result: HttpResult) => {
			if (settled) {
				return;
			}

			settled = true;
			clearTimeout(deadline);
			signal?.removeEventListener('abort', onAbort);
			request.destroy();
			resolve(result);
		};

		const deadline = setTimeout(() => {
			finish({ok: false, code: 'ETIMEDOUT'});
		}, timeoutMs);
		function onAbort() {
			finish({ok: false, code: 'ECANCELED'});
		}

		signal?.addEventListener('abort', onAbort, {once: true});
		const request = client.get(
			url,
			{timeout: timeoutMs, agent: false, rejectUnauthorized: false},
			response => {
				const chunks: Buffer[] = [];
				let size = 0;
				const done = () => {
					finish({
						ok: true,
						status: response.statusCode ?? 0,
						headers: headersOf(response),
						body: sanitize(
							Buffer.concat(chunks).subarray(0, httpBodyLimit).toString('utf8'),
						),
					});
				};

				response.on('data', (chunk: Buffer) => {
					chunks.push(chunk);
					size += chunk.length;
					if (size >= httpBodyLimit) {
						done();
					}
				});
				response.on('end', done);
				response.on('error', done);
			},
		);
		request.on('timeout', () => {
			finish({ok: false, code: 'ETIMEDOUT'});
		});
		request.on('error', (error: NodeJS.ErrnoException) => {
			finish({ok: false, code: sanitize(error.code ?? 'EIO')});
		});
	});
}

function interfaces(): NetworkInterface[] {
	return Object.entries(os.networkInterfaces()).flatMap(([name, list]) =>
		(list ?? []).map(item => ({
			name,
			address: item.address,
			family: item.family === 'IPv6' ? (6 as const) : (4 as const),
			internal: item.internal,
			...(item.cidr ? {cidr: item.cidr} : {}),
		})),
	);
}

function sanitizedEnv(
	env: NodeJS.ProcessEnv,
): Readonly<Record<string, string | undefined>> {
	return Object.fromEntries(
		Object.entries(env).map(([name, value]) => [
			name,
			value === undefined ? undefined : sanitize(value),
		]),
	);
}

/** The real I/O of this host. */
export function createIo(
	options: {readonly commandTimeoutMs?: number} = {},
): Io {
	// Text enters here (files, directory names, sockets, the environment) and is sanitised here,
	// once, as the runner does for commands; the screen and the reports show what is left visibly.
	return {
		run: createRunner({timeoutMs: options.commandTimeoutMs}),
		readFile: readTextFile,
		async readDir(path) {
			try {
				return (await readdir(path)).map(name => sanitize(name));
			} catch {
				return undefined;
			}
		},
		lookup,
		connect,
		httpGet,
		interfaces,
		hostname: () => sanitize(os.hostname()),
		env: sanitizedEnv(process.env),
		platform: process.platform,
		uid: process.getuid?.(),
		async writeReport(path, text) {
			await writeFile(path, text, {flag: 'wx'});
		},
	};
}
