/** Parse `ufw status numbered` (and `ufw status verbose` headers): state, defaults and numbered rules. */

export type UfwRule = {
	readonly number: number;
	/** "8080/tcp", "22", "Anywhere", "80,443/tcp", "6000:6007/tcp". */
	readonly to: string;
	/** "ALLOW", "DENY", "REJECT", "LIMIT". */
	readonly action: string;
	/** "IN", "OUT", "FWD" or "" (older ufw prints no direction for incoming rules). */
	readonly direction: string;
	readonly from: string;
	readonly v6: boolean;
	readonly comment?: string;
	/** The line without its "[ N]" prefix, spaces squeezed: "8080/tcp DENY IN Anywhere". */
	readonly text: string;
};

export type UfwStatus = {
	readonly active: boolean;
	/** From `ufw status verbose`: "Default: deny (incoming), allow (outgoing), disabled (routed)". */
	readonly defaults?: Readonly<Record<string, string>>;
	readonly rules: readonly UfwRule[];
};

const ruleLine =
	/^\[\s*(\d+)]\s+(.+?)\s{2,}(ALLOW|DENY|REJECT|LIMIT)(?:\s+(IN|OUT|FWD))?\s+(.+?)\s*$/;

export function parseUfwStatus(text: string): UfwStatus {
	const rules: UfwRule[] = [];
	let active = false;
	let defaults: Record<string, string> | undefined;
	for (const raw of text.split('\n')) {
		const line = raw.trimEnd();
		const status = /^Status:\s*(\w+)/.exec(line);
		if (status) {
			active = status[1] === 'active';
			continue;
		}

		const defaultLine = /^Default:\s*(.+)$/.exec(line);
		if (defaultLine) {
			defaults = {};
			for (const part of defaultLine[1]!.split(',')) {
				const match = /^\s*(\S+)\s+\((\w+)\)/.exec(part);
				if (match) {
					defaults[match[2]!] = match[1]!;
				}
			}

			continue;
		}

		const match = ruleLine.exec(line);
		if (!match) {
			continue;
		}

		const [, number, to, action, direction = '', rest] = match;
		const [from = '', comment] = rest!.split(/\s+#\s?/, 2);
		rules.push({
			number: Number(number),
			to: to!.trim(),
			action: action!,
			direction,
			from: from.trim(),
			v6: to!.includes('(v6)') || from.includes('(v6)'),
			...(comment ? {comment} : {}),
			text: [to!.trim(), action, direction, from.trim()]
				.filter(Boolean)
				.join(' ')
				.replaceAll(/\s+/g, ' '),
		});
	}

	return {active, ...(defaults ? {defaults} : {}), rules};
}
