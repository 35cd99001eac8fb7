/** Parse firewall-cmd answers: --state, --get-zone-of-interface, --get-default-zone, --list-ports/--list-services/--list-rich-rules. */

/** `firewall-cmd --state`: "running" or "not running" (exit 252). */
export function parseFirewalldState(
	text: string,
): 'running' | 'not running' | undefined {
	const line = text.trim();
	return line === 'running' || line === 'not running' ? line : undefined;
}

/** `--get-zone-of-interface=IF` / `--get-default-zone`: the zone, or undefined for "no zone". */
export function parseZoneName(text: string): string | undefined {
	const line = text.trim();
	return /^[\w-]+$/.test(line) && line !== 'no' ? line : undefined;
}

/** `--list-ports` / `--list-services`: space-separated words. */
export function parseWords(text: string): string[] {
	return text.trim().split(/\s+/).filter(Boolean);
}
