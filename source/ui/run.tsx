import type {Io} from '../checks/types.js';
import type {Target} from '../tree/facts.js';
import type {Answers} from '../tree/types.js';

export type InteractiveOptions = {
	readonly target?: Target;
	readonly io: Io;
	readonly timeoutMs: number;
	readonly answers: Answers;
	readonly color: boolean;
};

/** Mount the Ink app; resolves with the exit code. (Placeholder until the app lands.) */
export async function runInteractive(_options: InteractiveOptions): Promise<number> {
	process.stderr.write('The interactive app is not built yet: use --json.\n');
	return 3;
}
