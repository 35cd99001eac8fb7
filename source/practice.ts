/**
The practice case on the start screen: the first lab of the catalogue (source/labs/), walked in the
full tree screen. A real server (a Node process of the lab's own, in the lab's folder under the
XDG state directory) listens on 127.0.0.1 only and the client dials [::1]; where this host has
no IPv6 loopback, the 127.0.0.2 lab instead. Torn down when the app exits (a marker covers a
kill -9: the next start cleans up). More labs: `refused lab`.
*/
import process from 'node:process';
import {labById, catalogue} from './labs/catalogue.js';
import {hasIpv6Loopback, startLab, stopLab} from './labs/lifecycle.js';
import {stateDir} from './labs/paths.js';
import {parseTarget} from './parsers/target.js';
import type {Target} from './tree/facts.js';

export type Practice = {
	readonly target: Target;
	/** What was set up, in plain words, shown before the walk. */
	readonly description: string;
	readonly close: () => Promise<void>;
};

export async function startPractice(): Promise<Practice> {
	const v6 = await hasIpv6Loopback();
	const lab = labById(v6 ? 'localhost-ipv6' : 'other-loopback')!;
	const running = await startLab(
		stateDir(process.env),
		lab,
		catalogue.indexOf(lab),
	);
	const parsed = parseTarget([running.situation.target]);
	if ('error' in parsed) {
		await stopLab(running);
		throw new Error(parsed.error);
	}

	const {port} = parsed;
	const served = v6 ? '127.0.0.1' : '127.0.0.2';
	const dialed = v6 ? `[::1]:${port}` : `127.0.0.1:${port}`;
	return {
		target: parsed,
		description: `Lab "${lab.title}": a server now listens on ${served}:${port} only. The app dials ${dialed}${v6 ? ', the IPv6 loopback, as Node 17+ does first for "localhost"' : ''}, and is refused. Follow the walk to find out why. (More labs: refused lab)`,
		close: async () => stopLab(running),
	};
}
