import type {CheckRun} from '../types.js';

/** Implementations of the proxy checks, by tree node id. */
export const proxyRuns: Readonly<Record<string, CheckRun>> = {};
