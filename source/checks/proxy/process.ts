/** Moved to source/proxies/process.ts; kept for the server checks that read a process's argv. */
export {readProcess, type ProcessInfo} from '../../proxies/process.js';
