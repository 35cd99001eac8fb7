/**
Binds the check implementations to this run's Io and probe timeout, for the engine's driver
(engine/driver.ts), which knows neither: the composition root (diagnose.ts, the app's hook) calls
this and hands the result to `drive`/`createDriver`.
*/
import {runs} from './registry.js';
import type {CheckContext, CheckResult, CheckRun, Io} from './types.js';

/** What the driver passes a step: a check's context without the injected parts. */
export type BoundContext = Omit<CheckContext, 'io' | 'timeoutMs'>;

export type BoundRun = (context: BoundContext) => Promise<CheckResult>;

export function bindRuns(
	io: Io,
	timeoutMs: number,
	registry: Readonly<Record<string, CheckRun>> = runs,
): Record<string, BoundRun> {
	return Object.fromEntries(
		Object.entries(registry).map(([id, run]) => [
			id,
			async (context: BoundContext) => run({...context, io, timeoutMs}),
		]),
	);
}
