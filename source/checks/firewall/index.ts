import type {CheckRun} from '../types.js';
import {firewallRules} from './firewall-rules.js';

/** Implementations of the firewall checks, by tree node id. */
export const firewallRuns: Readonly<Record<string, CheckRun>> = {
	firewall: firewallRules,
};
