import {environment} from './environment.js';
import {resolve} from './resolve.js';
import type {CheckRun} from './types.js';

const notYet: CheckRun = async () => ({status: 'unknown', detail: 'not implemented yet'});

/** Implementations of the foundation checks, by tree node id. */
export const foundationRuns: Readonly<Record<string, CheckRun>> = {
	environment,
	resolve,
	probe: notYet,
	local: notYet,
	'proxy-env': notYet,
	outcome: notYet,
	families: notYet,
	'hosts-file': notYet,
	remote: notYet,
};
