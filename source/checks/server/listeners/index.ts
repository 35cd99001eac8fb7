import {defineCheck} from '../../define.js';
import {judgeListeners} from './judge.js';
import {measureListeners} from './measure.js';

/** Every TCP listener of this host (this network namespace): ss, else /proc/net/tcp*, else lsof. */
export const listeners = defineCheck({
	measure: measureListeners,
	judge: judgeListeners,
});
