import {sameAddress} from '../net/address.js';

export type HostsEntry = {
	readonly line: number;
	readonly address: string;
	readonly names: readonly string[];
	readonly text: string;
};

/** Parse an /etc/hosts file: one entry per line that maps an address to names (comments dropped). */
export function parseHostsFile(text: string): HostsEntry[] {
	const entries: HostsEntry[] = [];
	for (const [index, raw] of text.split('\n').entries()) {
		const content = raw.replace(/#.*/, '').trim();
		if (!content) {
			continue;
		}

		const [address, ...names] = content.split(/\s+/);
		if (address && names.length > 0) {
			entries.push({
				line: index + 1,
				address,
				names: names.map(name => name.toLowerCase()),
				text: raw.trim(),
			});
		}
	}

	return entries;
}

/** The line of /etc/hosts that maps `host` to `address`, if any. */
export function hostsLineFor(
	entries: readonly HostsEntry[],
	host: string,
	address: string,
): HostsEntry | undefined {
	const name = host.toLowerCase().replace(/\.$/, '');
	return entries.find(
		entry => entry.names.includes(name) && sameAddress(entry.address, address),
	);
}
