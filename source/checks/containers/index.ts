import type {CheckRun} from '../types.js';
import {containerEngineCheck} from './engine.js';
import {containerPortCheck} from './port.js';
import {containerLogsCheck} from './logs.js';
import {containerByHandCheck} from './by-hand.js';

/** Implementations of the containers checks, by tree node id. */
export const containersRuns: Readonly<Record<string, CheckRun>> = {
	'container-engine': containerEngineCheck,
	'container-port': containerPortCheck,
	'container-logs': containerLogsCheck,
	'container-by-hand': containerByHandCheck,
};
