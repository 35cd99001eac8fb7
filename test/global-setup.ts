import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync} from 'node:fs';
import {prefix, removeNamespace} from './helpers/netns.js';

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Remove every test namespace left by a crashed run (its creator no longer runs), before and after the suite. */
function sweep() {
	let names: string[] = [];
	try {
		names = execFileSync('ip', ['netns', 'list'], {
			encoding: 'utf8',
			timeout: 5000,
		})
			.split('\n')
			.map(line => line.split(' ')[0] ?? '')
			.filter(name => name.startsWith(`${prefix}-`));
	} catch {}

	if (existsSync('/etc/netns')) {
		names.push(
			...readdirSync('/etc/netns').filter(name =>
				name.startsWith(`${prefix}-`),
			),
		);
	}

	for (const name of new Set(names)) {
		// Only namespaces whose creating process is gone: another test run may be using its own right now.
		const pid = Number(name.split('-')[1]);
		if (!alive(pid)) {
			removeNamespace(name);
		}
	}
}

export function setup() {
	sweep();
}

export function teardown() {
	sweep();
}
