/**
The files a private network namespace reads through /etc/netns/NAME (bind-mounted over /etc by
`ip netns exec`): DNS to loopback, where nothing answers, so nothing inside ever asks an outside
resolver; and a hosts file. Used by the labs and by the tests' namespaces (test/helpers/netns.ts).
*/
import {mkdirSync, writeFileSync} from 'node:fs';

export const loopbackHosts =
	'127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';

/** Write /etc/netns/NAME/resolv.conf and, unless `hosts` is false, /etc/netns/NAME/hosts. */
export function writeNamespaceFiles(
	name: string,
	hosts: string | false = loopbackHosts,
): void {
	mkdirSync(`/etc/netns/${name}`, {recursive: true});
	writeFileSync(
		`/etc/netns/${name}/resolv.conf`,
		'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n',
	);
	if (hosts !== false) {
		writeFileSync(`/etc/netns/${name}/hosts`, hosts);
	}
}
