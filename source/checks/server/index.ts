import type {CheckRun} from '../types.js';
import {bind} from './bind.js';
import {serviceConfig} from './config.js';
import {listeners} from './listeners.js';
import {serviceState} from './service.js';

/** Implementations of the server checks, by tree node id. */
export const serverRuns: Readonly<Record<string, CheckRun>> = {
	listeners,
	'service-config': serviceConfig,
	bind,
	'service-state': serviceState,
};
