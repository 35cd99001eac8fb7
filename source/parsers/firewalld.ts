/** Parse firewall-cmd answers: --state, --get-active-zones, --get-zone-of-interface, --list-ports/--list-services. */

/** `firewall-cmd --state`: "running" or "not running" (exit 252). */
export function parseFirewalldState(
	text: string,
): 'running' | 'not running' | undefined {
	const line = text.trim();
	return line === 'running' || line === 'not running' ? line : undefined;
}

export type ActiveZone = {
	readonly interfaces: readonly string[];
	readonly sources: readonly string[];
};

/** `firewall-cmd --get-active-zones`: "public\n  interfaces: eth0\n  sources: 10.0.0.0/8". */
export function parseActiveZones(text: string): Map<string, ActiveZone> {
	const zones = new Map<string, {interfaces: string[]; sources: string[]}>();
	let current: {interfaces: string[]; sources: string[]} | undefined;
	for (const line of text.split('\n')) {
		const field = /^\s+(interfaces|sources):\s*(.*)$/.exec(line);
		if (field && current) {
			current[field[1] as 'interfaces' | 'sources'].push(
				...field[2]!.split(/\s+/).filter(Boolean),
			);
		} else if (/^\S+$/.test(line.trim()) && !line.startsWith(' ')) {
			current = {interfaces: [], sources: []};
			zones.set(line.trim(), current);
		}
	}

	return zones;
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
