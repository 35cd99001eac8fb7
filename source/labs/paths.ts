/**
Where labs keep their state: $XDG_STATE_HOME/refused (or ~/.local/state/refused). `labs.json` is
the progress; `running/ID.json` is the marker of a running lab (the app's pid and what it
created); `lab/ID/` is the running lab's folder (its programs, configs, logs and pid files).
*/
import os from 'node:os';
import path from 'node:path';

export function stateDir(
	env: Readonly<Record<string, string | undefined>>,
): string {
	const xdg = env['XDG_STATE_HOME'];
	const base =
		xdg && path.isAbsolute(xdg)
			? xdg
			: path.join(env['HOME'] ?? os.homedir(), '.local', 'state');
	return path.join(base, 'refused');
}

export const progressFile = (state: string) => path.join(state, 'labs.json');
export const markerDir = (state: string) => path.join(state, 'running');
export const markerFile = (state: string, id: string) =>
	path.join(markerDir(state), `${id}.json`);
export const labFolder = (state: string, id: string) =>
	path.join(state, 'lab', id);

/** Namespace names a lab creates: rfl-ID-N (recognised by the leftover cleaner, never anything else). */
export const namespacePrefix = 'rfl-';
