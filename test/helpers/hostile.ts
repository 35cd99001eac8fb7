/**
Hostile text for fix builders: every string a process name, path, unit, container name or config
value could hold that would run code when a fix is pasted into a shell, and the check that proves
it does not. `assertInert(command)` runs the command with `sh -c` under an empty PATH (so the fix's
own programs are not found and nothing real runs) and fails if any payload ran: each payload calls
/usr/bin/touch by absolute path on a marker file.
*/
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {expect} from 'vitest';

const marker = path.join(tmpdir(), 'refused-hostile-ran');

/** Strings that run `/usr/bin/touch MARKER` if they reach a shell unquoted, plus awkward ones. */
export const hostileStrings: readonly string[] = [
	`/tmp/www$(/usr/bin/touch ${marker})`,
	`name\`/usr/bin/touch ${marker}\``,
	`a; /usr/bin/touch ${marker}`,
	`a && /usr/bin/touch ${marker}`,
	`a | /usr/bin/touch ${marker}`,
	`a\n/usr/bin/touch ${marker}`,
	`it's "quoted" $(/usr/bin/touch ${marker})`,
	`'; /usr/bin/touch ${marker}; '`,
	`"; /usr/bin/touch ${marker}; "`,
	`-rf $(/usr/bin/touch ${marker})`,
	`with space > ${marker}`,
	// eslint-disable-next-line no-template-curly-in-string -- the payload is shell text, not a template
	`\${IFS}$(/usr/bin/touch${'${IFS}'}${marker})`,
	'--help',
	'*',
];

/** Run `command` in sh with no PATH: nothing but an injected absolute-path payload could run. */
export function assertInert(command: string): void {
	rmSync(marker, {force: true});
	const cwd = mkdtempSync(path.join(tmpdir(), 'refused-hostile-'));
	try {
		spawnSync('/bin/sh', ['-c', command], {
			cwd,
			env: {PATH: cwd},
			stdio: 'ignore',
			timeout: 5000,
		});
		expect(
			existsSync(marker),
			`pasting this fix ran an injected command:\n${command}`,
		).toBe(false);
	} finally {
		rmSync(marker, {force: true});
		rmSync(cwd, {recursive: true, force: true});
	}
}

/** What sh makes of `words` (a quoted command line) as an argv: proves each hostile string stays one argument. */
export function shellWords(words: string): string[] {
	const result = spawnSync(
		'/bin/sh',
		['-c', `for a in ${words}; do printf '%s\\0' "$a"; done`],
		{encoding: 'utf8', timeout: 5000, env: {PATH: ''}},
	);
	return result.stdout.split('\0').slice(0, -1);
}
