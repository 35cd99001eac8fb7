import {chmodSync, copyFileSync, mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {execa} from 'execa';
import type {Report} from '../../source/report/model.js';
import type {Netns} from './netns.js';

export const cliPath = new URL('../../dist/cli.js', import.meta.url).pathname;

/** Run the built CLI (optionally inside a namespace) with --json and parse its report. */
export async function runJson(
	args: readonly string[],
	options: {netns?: Netns; env?: Record<string, string | undefined>} = {},
) {
	const argv = [cliPath, ...args, '--json'];
	const result = options.netns
		? await options.netns.exec(process.execPath, argv, {env: options.env})
		: await execa(process.execPath, argv, {
				reject: false,
				timeout: 60_000,
				env: options.env,
				stdin: 'ignore',
			});
	let report: Report | undefined;
	try {
		report = JSON.parse(String(result.stdout)) as Report;
	} catch {}

	return {
		exitCode: result.exitCode,
		stdout: String(result.stdout),
		stderr: String(result.stderr),
		report,
	};
}

let publicCopy: string | undefined;

/**
The built CLI where any user can read it (the checkout may sit in a folder only root can enter,
as a fresh clone under mktemp does), for the tests that run it as user nobody.
*/
export function publicCliPath(): string {
	if (!publicCopy) {
		const folder = mkdtempSync(join(tmpdir(), 'refused-cli-'));
		chmodSync(folder, 0o755);
		publicCopy = join(folder, 'cli.js');
		copyFileSync(cliPath, publicCopy);
		chmodSync(publicCopy, 0o755);
		const copy = publicCopy;
		process.on('exit', () => {
			rmSync(dirname(copy), {recursive: true, force: true});
		});
	}

	return publicCopy;
}

/** `runuser` arguments that run the CLI as nobody, from / (the test's own folder may be closed to it). */
export function asNobody(args: readonly string[]): string[] {
	return [
		'-u',
		'nobody',
		'--',
		'env',
		'--chdir=/',
		process.execPath,
		publicCliPath(),
		...args,
	];
}

/** A port on 127.0.0.1 where nothing listens: bind one, note it, close it. */
export async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	const {port} = server.address() as net.AddressInfo;
	await new Promise(resolve => {
		server.close(resolve);
	});
	return port;
}
