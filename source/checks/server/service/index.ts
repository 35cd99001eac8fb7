import {defineCheck} from '../../define.js';
import {judgeServices} from './judge.js';
import {measureServices} from './measure.js';

/** Why nothing listens: is the service that should own the port running, and if it failed, why (unit state and log lines)? */
export const serviceState = defineCheck({
	measure: measureServices,
	judge: judgeServices,
});
