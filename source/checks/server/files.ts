/** Finding files for the server checks: "*" and "?" in any path segment, expanded through `Io.readDir`. */
import type {Io} from '../types.js';

function globToRegExp(pattern: string): RegExp {
	const escaped = pattern
		.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&')
		.replaceAll('*', '[^/]*')
		.replaceAll('?', '[^/]');
	return new RegExp(`^${escaped}$`);
}

async function expandSegment(
	io: Io,
	bases: readonly string[],
	part: string,
): Promise<string[]> {
	const next: string[] = [];
	const test = globToRegExp(part);
	for (const base of bases) {
		const entries = (await io.readDir(base || '/')) ?? [];
		next.push(
			...entries
				.toSorted()
				.filter(entry => test.test(entry))
				.map(entry => `${base}/${entry}`),
		);
	}

	return next;
}

/** Expand "*" in any path segment through readDir (sorted, like the services do). */
export async function expandPath(io: Io, pattern: string): Promise<string[]> {
	if (!pattern.includes('*') && !pattern.includes('?')) {
		return [pattern];
	}

	let current = [''];
	for (const part of pattern.split('/').slice(1)) {
		current =
			part.includes('*') || part.includes('?')
				? await expandSegment(io, current, part)
				: current.map(base => `${base}/${part}`);
	}

	return current;
}
