/**
Progress: a small JSON file (labs.json) with the best score and the tries per lab. A missing or
broken file is an empty progress (never an error); `refused lab --reset` removes it.
*/
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {progressFile} from './paths.js';

export type LabProgress = {
	readonly best: number;
	readonly max: number;
	readonly tries: number;
	readonly solved: boolean;
	readonly last: string;
};

export type Progress = Readonly<Record<string, LabProgress>>;

export function loadProgress(state: string): Progress {
	try {
		const data = JSON.parse(
			readFileSync(progressFile(state), 'utf8'),
		) as unknown;
		if (typeof data !== 'object' || data === null || Array.isArray(data)) {
			return {};
		}

		const labs = (data as {labs?: unknown}).labs;
		return typeof labs === 'object' && labs !== null ? (labs as Progress) : {};
	} catch {
		return {};
	}
}

/** Record one finished try: keeps the best score, counts the tries. */
export function recordTry(
	state: string,
	id: string,
	result: {score: number; max: number; solved: boolean},
	now = new Date(),
): Progress {
	const progress = loadProgress(state);
	const before = progress[id];
	const next: Progress = {
		...progress,
		[id]: {
			best: Math.max(before?.best ?? 0, result.score),
			max: result.max,
			tries: (before?.tries ?? 0) + 1,
			solved: Boolean(before?.solved) || result.solved,
			last: now.toISOString(),
		},
	};
	mkdirSync(path.dirname(progressFile(state)), {recursive: true});
	writeFileSync(
		progressFile(state),
		`${JSON.stringify({version: 1, labs: next}, undefined, 2)}\n`,
	);
	return next;
}

export function resetProgress(state: string): boolean {
	try {
		rmSync(progressFile(state));
		return true;
	} catch {
		return false;
	}
}
