import {foundationRuns} from './foundation.js';
import {serverRuns} from './server/index.js';
import {firewallRuns} from './firewall/index.js';
import {containersRuns} from './containers/index.js';
import {proxyRuns} from './proxy/index.js';
import {kubernetesRuns} from './kubernetes/index.js';
import type {CheckRun} from './types.js';

/** Every check's implementation, by tree node id. */
export const runs: Readonly<Record<string, CheckRun>> = {
	...foundationRuns,
	...serverRuns,
	...firewallRuns,
	...containersRuns,
	...proxyRuns,
	...kubernetesRuns,
};
