/** The first words of every "what this exposes" line. */
export const firewallLine =
	'Binding every address opens it to the network: allow only trusted clients in the firewall';
