/** Learn mode: what a command does, in one plain sentence, by the program it runs. */
const programs: ReadonlyArray<readonly [RegExp, string]> = [
	[
		/^connect\b/,
		'Opens a real TCP connection to each address, as a client would (the SYN, SYN-ACK, ACK handshake), then closes it without sending anything.',
	],
	[
		/^(getent|resolve|lookup|dns)\b/,
		'Asks the system resolver for every address of the name, in the order a client gets them (/etc/hosts first, then DNS).',
	],
	[
		/^ss\b/,
		'ss lists sockets: -l listening only, -t TCP, -n numbers instead of names, -p the owning process (root only).',
	],
	[
		/^(netstat)\b/,
		'netstat lists sockets; -ltnp shows listening TCP sockets with numeric addresses and their process.',
	],
	[
		/^lsof\b/,
		'lsof lists open files; -iTCP -sTCP:LISTEN shows listening TCP sockets and their process.',
	],
	[
		/^(cat|read)\s+\/proc\/net\/tcp/,
		"Reads the kernel's own table of TCP sockets (state 0A means LISTEN, addresses in hex).",
	],
	[
		/^(os\.networkinterfaces|ip\b)/i,
		"Lists this host's network interfaces and their addresses.",
	],
	[
		/^systemctl\b/,
		"Asks systemd for a service's state: running or not, since when, its last exit code.",
	],
	[
		/^journalctl\b/,
		"Shows a service's log lines from the systemd journal (the newest last).",
	],
	[
		/^(sudo\s+)?iptables(-save)?\b/,
		'Prints the iptables firewall rules; REJECT rules answer with a reset or ICMP error, DROP rules with silence.',
	],
	[
		/^(sudo\s+)?nft\b/,
		'Prints the nftables ruleset (the modern Linux firewall); look for reject or drop rules matching the port.',
	],
	[/^(sudo\s+)?ufw\b/, "Shows the ufw firewall's rules and default policy."],
	[
		/^(sudo\s+)?firewall-cmd\b/,
		"Shows firewalld's zones and the services and ports they allow.",
	],
	[
		/^(docker|podman)\b/,
		'Asks the container engine which containers run, their state and published ports (host port -> container port).',
	],
	[
		/^kubectl\b/,
		'Asks the Kubernetes API for the Service, its endpoints (ready pods) and ports.',
	],
	[
		/^env\b/,
		'Lists the environment variables; *_PROXY ones send HTTP clients to a proxy instead of the target.',
	],
	[
		/^(curl|http)\b/,
		'Makes one HTTP request and shows who answered (status line and server headers).',
	],
];

export function explainCommand(
	command: string | undefined,
): string | undefined {
	if (!command) {
		return undefined;
	}

	const text = command.trim();
	return programs.find(([pattern]) => pattern.test(text))?.[1];
}
