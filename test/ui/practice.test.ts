import net from 'node:net';
import {expect, test} from 'vitest';
import {startPractice} from '../../source/practice.js';

async function connect(host: string, port: number): Promise<string> {
	return new Promise(resolve => {
		const socket = net.connect({host, port});
		socket.once('connect', () => {
			socket.destroy();
			resolve('open');
		});
		socket.once('error', (error: NodeJS.ErrnoException) => {
			resolve(error.code ?? 'error');
		});
	});
}

test('the practice case is a real refusal: the server answers on one address, the target refuses', async () => {
	const practice = await startPractice();
	try {
		const {host, port} = practice.target;
		expect(practice.description).toContain(String(port));
		expect(await connect(host, port)).toBe('ECONNREFUSED');
		const served = host === '::1' ? '127.0.0.1' : '127.0.0.2';
		expect(practice.description).toContain(`${served}:${port}`);
		expect(await connect(served, port)).toBe('open');
	} finally {
		await practice.close();
	}

	expect(
		await connect(
			practice.target.host === '::1' ? '127.0.0.1' : '127.0.0.2',
			practice.target.port,
		),
	).toBe('ECONNREFUSED');
});
