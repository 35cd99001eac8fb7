import {environment} from './environment.js';
import {families} from './families.js';
import {hostsFile} from './hosts-file.js';
import {local} from './local.js';
import {outcome} from './outcome.js';
import {pasted} from './pasted.js';
import {probe} from './probe.js';
import {proxyEnv} from './proxy-env.js';
import {remote} from './remote.js';
import {resetOrIcmp} from './answer/index.js';
import {resolve} from './resolve.js';
import type {CheckRun} from './types.js';

/** Implementations of the foundation checks, by tree node id. */
export const foundationRuns: Readonly<Record<string, CheckRun>> = {
	environment,
	resolve,
	probe,
	local,
	'proxy-env': proxyEnv,
	outcome,
	pasted,
	families,
	'hosts-file': hostsFile,
	'reset-or-icmp': resetOrIcmp,
	remote,
};
