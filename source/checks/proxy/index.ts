import type {CheckRun} from '../types.js';
import {reverseProxy} from './detect.js';
import {loadBalancer} from './load-balancer.js';
import {proxyUpstream} from './upstream.js';

/** Implementations of the proxy checks, by tree node id. */
export const proxyRuns: Readonly<Record<string, CheckRun>> = {
	'reverse-proxy': reverseProxy,
	'proxy-upstream': proxyUpstream,
	'load-balancer': loadBalancer,
};
