import {lookup as dnsLookup} from 'node:dns/promises';
import {readdir, readFile, writeFile} from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
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

async function readTextFile(path: string): Promise<FileRead> {
	try {
		return {ok: true, text: await readFile(path, 'utf8')};
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
						address: a.address,
						family: a.family === 6 ? 6 : 4,
					})),
				}),
				(error: unknown): LookupResult => ({
					ok: false,
					code: (error as NodeJS.ErrnoException).code ?? 'EAI_FAIL',
					message: (error as Error).message,
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
			family: net.isIPv6(address) ? 6 : 4,
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
			if (connectedMs > 0) {
				finish({code: 'connect', ms: connectedMs, closedAfterAccept: true});
			} else {
				finish({code: error.code ?? 'EIO', ms: elapsed()});
			}
		});
	});
}

async function httpGet(url: string, timeoutMs: number): Promise<HttpResult> {
	return new Promise(resolve => {
		const client = url.startsWith('https:') ? https : http;
		const request = client.get(
			url,
			{timeout: timeoutMs, agent: false, rejectUnauthorized: false},
			response => {
				let body = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => {
					if (body.length < 65_536) {
						body += chunk;
					}
				});
				response.on('end', () => {
					const headers: Record<string, string> = {};
					for (const [name, value] of Object.entries(response.headers)) {
						if (value !== undefined) {
							headers[name] = Array.isArray(value) ? value.join(', ') : value;
						}
					}

					resolve({ok: true, status: response.statusCode ?? 0, headers, body});
				});
			},
		);
		request.on('timeout', () => {
			request.destroy(Object.assign(new Error('timeout'), {code: 'ETIMEDOUT'}));
		});
		request.on('error', (error: NodeJS.ErrnoException) => {
			resolve({ok: false, code: error.code ?? 'EIO'});
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

/** The real I/O of this host. */
export function createIo(
	options: {readonly commandTimeoutMs?: number} = {},
): Io {
	return {
		run: createRunner({timeoutMs: options.commandTimeoutMs}),
		readFile: readTextFile,
		async readDir(path) {
			try {
				return await readdir(path);
			} catch {
				return undefined;
			}
		},
		lookup,
		connect,
		httpGet,
		interfaces,
		hostname: () => os.hostname(),
		env: process.env,
		platform: process.platform,
		uid: process.getuid?.(),
		async writeReport(path, text) {
			await writeFile(path, text, {flag: 'wx'});
		},
	};
}
