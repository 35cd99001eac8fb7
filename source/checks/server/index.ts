import type {CheckRun} from '../types.js';
import {acceptQueue} from './accept-queue/index.js';
import {bind} from './bind/index.js';
import {serviceConfig} from './config/index.js';
import {listeners} from './listeners/index.js';
import {serviceState} from './service/index.js';

/** Implementations of the server checks, by tree node id. */
export const serverRuns: Readonly<Record<string, CheckRun>> = {
	listeners,
	'service-config': serviceConfig,
	bind,
	'service-state': serviceState,
	'accept-queue': acceptQueue,
};
