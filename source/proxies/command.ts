import {shellQuote} from '../text/sanitize.js';

/** A command that needs root, quoted for a POSIX shell: `sudo` in front only when not root. */
export const privileged = (uid: number | undefined, argv: readonly string[]) =>
	shellQuote(uid === 0 ? argv : ['sudo', ...argv]);
