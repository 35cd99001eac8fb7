import type {ProxyKind} from '../tree/facts.js';
import {haproxy} from './haproxy.js';
import {nginx} from './nginx.js';
import type {ProxyDialect} from './types.js';

/** The proxies whose config this tool reads, by kind. */
export const dialects: Partial<Record<ProxyKind, ProxyDialect>> = {
	nginx,
	haproxy,
};

export type {ProxyDialect} from './types.js';
