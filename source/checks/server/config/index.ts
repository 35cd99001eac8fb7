import {defineCheck} from '../../define.js';
import {judgeConfig} from './judge.js';
import {measureConfig} from './measure.js';

export {servicesToRead} from './measure.js';
export {readServiceConfig} from './read.js';

/** Read the config of the service on (or known for) the target port, quoting the lines that set its address and port. */
export const serviceConfig = defineCheck({
	measure: measureConfig,
	judge: judgeConfig,
});
