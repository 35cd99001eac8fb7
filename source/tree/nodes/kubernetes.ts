import type {CheckNode} from '../types.js';

/** The kubernetes checks of the tree (in the order they appear on screen). */
export const kubernetesChecks: readonly CheckNode[] = [];
