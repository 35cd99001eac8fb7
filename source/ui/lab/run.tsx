import type {LabServices} from './types.js';

export async function runLabApp(_options: {
	readonly services: LabServices;
	readonly first?: string;
	readonly color: boolean;
}): Promise<number> {
	return 0;
}
