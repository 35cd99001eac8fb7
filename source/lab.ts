/**
The composition root of `refused lab`: the catalogue with a terminal (the lab screens), the
listing and reset without one, and one lab held by a script (`refused lab ID`, stdin lines).
*/
import process from 'node:process';

type LabFlags = {
	readonly list: boolean;
	readonly reset: boolean;
	readonly color: boolean;
};

export async function labCommand(
	input: readonly string[],
	flags: LabFlags,
): Promise<number> {
	const command = await import('./labs/command.js');
	if (flags.reset) {
		process.stdout.write(`${await command.resetLabs()}\n`);
		return 0;
	}

	const interactive =
		Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);
	if (input.length > 1) {
		process.stderr.write('refused: lab takes one lab id at most\n');
		return 2;
	}

	if (input[0] !== undefined && !interactive) {
		const code = await command.scriptLab(input[0]);
		// The lines on stdin are done with: an open pipe must not keep the process alive.
		process.stdin.destroy();
		return code;
	}

	if (flags.list || !interactive) {
		process.stdout.write(`${await command.listLabs()}\n`);
		return 0;
	}

	const {runLabApp} = await import('./ui/lab/run.js');
	const services = await import('./labs/service.js');
	return runLabApp({
		services: services.labServices(process.argv[1] ?? ''),
		first: input[0],
		color:
			flags.color &&
			!('NO_COLOR' in process.env) &&
			process.env['TERM'] !== 'dumb',
	});
}
