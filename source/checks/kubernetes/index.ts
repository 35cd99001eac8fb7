import type {CheckRun} from '../types.js';

/** Implementations of the kubernetes checks, by tree node id. */
export const kubernetesRuns: Readonly<Record<string, CheckRun>> = {};
