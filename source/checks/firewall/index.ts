import type {CheckRun} from '../types.js';

/** Implementations of the firewall checks, by tree node id. */
export const firewallRuns: Readonly<Record<string, CheckRun>> = {};
