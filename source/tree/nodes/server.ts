import type {CheckNode} from '../types.js';

/** The server checks of the tree (in the order they appear on screen). */
export const serverChecks: readonly CheckNode[] = [];
