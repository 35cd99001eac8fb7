/**
The kernel's network counters: `/proc/net/snmp` and `/proc/net/netstat` (pairs of lines, a header
"Prefix: Name Name ..." then "Prefix: 1 2 ..."), and `/proc/net/snmp6` (one "Name value" per line).
Pure, total: a pair whose lengths differ, or a value that is not an integer, is skipped.

Keys are "Prefix.Name" for the paired files ("Icmp.InDestUnreachs", "IcmpMsg.InType3",
"Tcp.AttemptFails", "TcpExt.ListenOverflows") and the bare name for snmp6 ("Icmp6InDestUnreachs").
The kernel prints an IcmpMsg pair only once some ICMP type has been counted: a missing key is 0
for it, which `counter()` says.
*/
export type Counters = ReadonlyMap<string, number>;

const integer = /^-?\d+$/;

/** `/proc/net/snmp` or `/proc/net/netstat` → "Prefix.Name" → value. */
export function parseProcNetPairs(text: string): Map<string, number> {
	const counters = new Map<string, number>();
	const lines = text.split('\n').filter(line => line.includes(':'));
	for (let index = 0; index + 1 < lines.length; index++) {
		const [prefix, header] = splitLine(lines[index]!);
		const [valuePrefix, values] = splitLine(lines[index + 1]!);
		if (prefix !== valuePrefix || !values.every(v => integer.test(v))) {
			continue;
		}

		index++;
		if (header.length !== values.length) {
			continue;
		}

		for (const [at, name] of header.entries()) {
			counters.set(`${prefix}.${name}`, Number(values[at]));
		}
	}

	return counters;
}

function splitLine(line: string): [string, string[]] {
	const colon = line.indexOf(':');
	return [
		line.slice(0, colon).trim(),
		line
			.slice(colon + 1)
			.trim()
			.split(/\s+/)
			.filter(Boolean),
	];
}

/** `/proc/net/snmp6` → name → value. */
export function parseSnmp6(text: string): Map<string, number> {
	const counters = new Map<string, number>();
	for (const line of text.split('\n')) {
		const match = /^(\w+)\s+(-?\d+)\s*$/.exec(line.trim());
		if (match) {
			counters.set(match[1]!, Number(match[2]));
		}
	}

	return counters;
}

/**
A counter by key; the IcmpMsg and Icmp6InType keys the kernel leaves out while they are zero read
as 0 when their family's table was read at all, otherwise undefined.
*/
export function counter(counters: Counters, key: string): number | undefined {
	const value = counters.get(key);
	if (value !== undefined) {
		return value;
	}

	if (key.startsWith('IcmpMsg.') && counters.has('Icmp.InMsgs')) {
		return 0;
	}

	return undefined;
}
