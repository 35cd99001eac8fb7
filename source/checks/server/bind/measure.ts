/** The one thing the bind judge needs beyond the facts: the command line of a dev server that owns the port. */
import {readProcess} from '../../../proxies/process.js';
import type {CheckContext} from '../../types.js';
import {serviceOf} from './common.js';

export type BindObservations = {
	/** /proc/PID/cmdline of the listener's owner, when its service has no config file (dev servers). */
	readonly argv?: readonly string[];
};

export async function measureBind({
	facts,
	target,
	io,
}: CheckContext): Promise<BindObservations> {
	const onPort = facts.listeners?.listeners.onPort(target.port) ?? [];
	const owner = onPort.find(l => l.process) ?? onPort[0];
	if (!owner?.process || serviceOf(owner, target.port)?.syntax) {
		return {};
	}

	const process = await readProcess(io, owner.process.pid);
	return process ? {argv: process.argv} : {};
}
