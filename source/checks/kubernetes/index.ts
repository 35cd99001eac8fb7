import type {CheckRun} from '../types.js';
import {kubeContext} from './context.js';
import {kubeEndpoints} from './endpoints.js';
import {kubeService} from './service.js';

/** Implementations of the kubernetes checks, by tree node id. */
export const kubernetesRuns: Readonly<Record<string, CheckRun>> = {
	'kube-context': kubeContext,
	'kube-service': kubeService,
	'kube-endpoints': kubeEndpoints,
};
