import type {CheckNode} from '../types.js';

/** The proxy checks of the tree (in the order they appear on screen). */
export const proxyChecks: readonly CheckNode[] = [];
