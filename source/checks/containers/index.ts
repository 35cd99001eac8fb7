import type {CheckRun} from '../types.js';
import {containerEngine} from './engine.js';
import {containerPort} from './port.js';
import {containerLogs} from './logs.js';
import {containerByHand} from './by-hand.js';

/** Implementations of the containers checks, by tree node id. */
export const containersRuns: Readonly<Record<string, CheckRun>> = {
	'container-engine': containerEngine,
	'container-port': containerPort,
	'container-logs': containerLogs,
	'container-by-hand': containerByHand,
};
