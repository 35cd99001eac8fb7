import type {CheckRun} from '../types.js';

/** Implementations of the containers checks, by tree node id. */
export const containersRuns: Readonly<Record<string, CheckRun>> = {};
