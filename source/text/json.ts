/** Parsed JSON, narrowed one step at a time: the one definition for every parser and check. */
export type Json = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as an object, or an empty one. */
export const asObject = (value: unknown): Json =>
	isObject(value) ? value : {};
