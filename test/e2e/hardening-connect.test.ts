/**
Connect errors that are not timeouts, each with its own honest meaning (issue 15, items 7 and 10):
real sockets, real rules in private network namespaces.
*/
import {afterEach, describe, expect, test} from 'vitest';
import {runJson} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';
import {schemaErrors} from '../helpers/schema.js';

const spaces: Netns[] = [];
async function netns() {
	const ns = await createNetns();
	spaces.push(ns);
	return ns;
}

afterEach(async () => {
	for (const ns of spaces.splice(0)) {
		await ns.cleanup();
	}
});

const resetServer = `
const net = require('node:net');
// Accept, then reset at once (SO_LINGER 0): what a program that drops what it takes looks like.
net.createServer(socket => socket.resetAndDestroy()).listen(7301, '127.0.0.1', () => process.stdout.write('ready\\n'));
setTimeout(() => process.exit(0), 120000).unref();
`;

describe('connect errors other than refused and timeout', () => {
	test('a link-local address with an unknown zone (EINVAL) says so', async () => {
		const ns = await netns();
		const {report, exitCode, stderr} = await runJson(
			['[fe80::1%nosuchif]:7303'],
			{netns: ns},
		);
		expect(report, stderr).toBeDefined();
		expect(exitCode).toBe(1);
		expect(report!.steps.find(s => s.id === 'probe')?.output?.[0]).toMatch(
			/\[EINVAL]$/,
		);
		expect(report!.probe.outcome).not.toBe('timeout');
		expect(report!.causes.map(c => c.id)).not.toContain('filtered');
		expect(report!.steps.find(s => s.id === 'outcome')?.detail).toMatch(
			/zone id/,
		);
	});

	test('a server that accepts and at once resets: never open, and a clear result', async () => {
		const ns = await netns();
		const server = ns.exec(process.execPath, ['-e', resetServer]);
		await new Promise<void>(resolve => {
			server.stdout?.once('data', () => {
				resolve();
			});
		});
		try {
			// The reset can beat the connect event or follow it: both must read the same.
			for (let run = 0; run < 3; run++) {
				const {report, stderr} = await runJson(['127.0.0.1:7301'], {netns: ns});
				expect(report, stderr).toBeDefined();
				expect(report!.probe.outcome).toBe('refused');
				expect(report!.steps.find(s => s.id === 'probe')?.output?.[0]).toMatch(
					/accepted, then reset at once .*\[ECONNRESET]$/,
				);
				expect(report!.steps.find(s => s.id === 'outcome')?.detail).toMatch(
					/accepted the connection and at once reset it/,
				);
				expect(report!.causes.map(c => c.id)).not.toContain('no-listener');
				expect(schemaErrors(report)).toEqual([]);
			}
		} finally {
			server.kill();
		}
	});
});
