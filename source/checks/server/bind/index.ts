import {defineCheck} from '../../define.js';
import {judgeBind} from './judge.js';
import {measureBind} from './measure.js';

/** Compare the listeners on the target port with the addresses dialed: name why the kernel refused. */
export const bind = defineCheck({measure: measureBind, judge: judgeBind});
