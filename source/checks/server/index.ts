import type {CheckRun} from '../types.js';

/** Implementations of the server checks, by tree node id. */
export const serverRuns: Readonly<Record<string, CheckRun>> = {};
