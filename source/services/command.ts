/** Building fix commands: every word from the system goes through the one `shellQuote`. */
import {privileged} from '../text/sanitize.js';

/** `argv` as a command line, with `sudo` in front unless root. */
export function asRoot(root: boolean, argv: readonly string[]): string {
	return privileged(root ? 0 : undefined, argv);
}

/** `sudo systemctl VERB UNIT` (no sudo for root). */
export function systemctl(root: boolean, verb: string, unit: string): string {
	return asRoot(root, ['systemctl', verb, unit]);
}

/**
Values from a config file that may be written back into an edit: addresses and host names only
(letters, digits, `.:*-_%[]`). Anything else is not an address and is left out of the edit.
*/
export function safeTokens(values: readonly string[]): string[] {
	return values.filter(value => /^[\w.:*%[\]-]+$/.test(value));
}

/** The folder of a path ("/a/b/c.conf" → "/a/b"). */
export function dirname(path: string): string {
	const index = path.lastIndexOf('/');
	return index <= 0 ? '/' : path.slice(0, index);
}

/** The value of an option on a command line: `-D DIR`, `--defaults-file=F` or `--defaults-file F`. */
export function optionValue(
	argv: readonly string[],
	names: readonly string[],
): string | undefined {
	for (let index = 1; index < argv.length; index++) {
		const argument = argv[index]!;
		const name = names.find(
			n =>
				argument === n || (n.startsWith('--') && argument.startsWith(`${n}=`)),
		);
		if (name === undefined) {
			continue;
		}

		return argument === name
			? argv[index + 1]
			: argument.slice(name.length + 1);
	}

	return undefined;
}
