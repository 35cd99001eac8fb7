import type {CheckNode} from '../types.js';

/** The firewall checks of the tree (in the order they appear on screen). */
export const firewallChecks: readonly CheckNode[] = [];
