import {defineCheck} from '../../define.js';
import {judgeQueue} from './judge.js';
import {measureQueue} from './measure.js';

/** A listener that does not accept: its queue (ss Recv-Q/Send-Q) and the kernel's listen-overflow counters. */
export const acceptQueue = defineCheck({
	measure: measureQueue,
	judge: judgeQueue,
});
