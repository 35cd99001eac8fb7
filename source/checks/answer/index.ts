import {defineCheck} from '../define.js';
import {judgeAnswer} from './judge.js';
import {measureAnswer} from './measure.js';

/** Reset or ICMP: connect to the refused address again, reading the ICMP counters around each connect. */
export const resetOrIcmp = defineCheck({
	measure: measureAnswer,
	judge: judgeAnswer,
});
