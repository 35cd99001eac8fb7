import type {CheckNode} from '../types.js';

/** The containers checks of the tree (in the order they appear on screen). */
export const containersChecks: readonly CheckNode[] = [];
