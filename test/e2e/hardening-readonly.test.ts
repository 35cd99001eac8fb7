/**
Read-only, proven (issue 15): a snapshot of the firewall (iptables-save, nft list ruleset), the
listeners (ss -ltn), and hashes of the /etc, /run and home directory listings (names, types, sizes,
modes, mtimes), taken before and after a full diagnosis, are identical. Each diagnosis runs as root
in its own network namespace and a private mount namespace whose /etc, /run and home are copies on
a tmpfs, so only the tool itself could change them (other programs on this machine change the real
ones at the same time).
*/
import {afterEach, describe, expect, test} from 'vitest';
import {cliPath} from '../helpers/cli.js';
import {createNetns, type Netns} from '../helpers/netns.js';

const spaces: Netns[] = [];
afterEach(async () => {
	for (const ns of spaces.splice(0)) {
		await ns.cleanup();
	}
});

const script = String.raw`
set -e
mount --make-rprivate /
mount -t tmpfs refused-readonly /mnt
mkdir -p /mnt/etc /mnt/run /mnt/home
cp -a /etc/. /mnt/etc/ 2>/dev/null || true
cp -a /run/. /mnt/run/ 2>/dev/null || true
mount --bind /mnt/etc /etc
mount --bind /mnt/run /run
export HOME=/mnt/home
# The one file the tool writes is its V8 code cache, in the user's cache directory (README "Speed"):
# pointed outside the snapshot here, and checked below to hold nothing else.
export XDG_CACHE_HOME=/mnt/cache
printf 'export PATH=$PATH\n' > "$HOME/.profile"
snapshot() {
	iptables-save 2>&1 | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
	nft list ruleset 2>&1 | sed -E 's/packets [0-9]+ bytes [0-9]+//'
	ss -ltn
	for dir in /etc /run "$HOME"; do
		printf '%s ' "$dir"
		find "$dir" -xdev -printf '%p %y %s %m %T@\n' 2>/dev/null | sort | sha256sum
	done
}
snapshot > /mnt/before
set +e
"$0" "$@" > /mnt/report 2>&1
code=$?
set -e
snapshot > /mnt/after
echo "exit $code"
find /mnt/cache -type f 2>/dev/null | sed 's/^/cache: /'
diff /mnt/before /mnt/after && echo same
`;

async function diagnoseReadOnly(ns: Netns, target: string) {
	const result = await ns.exec(
		'unshare',
		[
			'-m',
			'/bin/sh',
			'-c',
			script,
			process.execPath,
			cliPath,
			target,
			'--json',
		],
		{
			env: {PATH: process.env['PATH']},
			timeout: 120_000,
		},
	);
	return String(result.stdout) + String(result.stderr);
}

describe('a full diagnosis changes nothing', () => {
	test.each([
		['a closed local port', async (_ns: Netns) => '127.0.0.1:7501'],
		[
			'a port behind a REJECT rule, with a listener',
			async (ns: Netns) => {
				await ns.listen('127.0.0.1', 7502);
				await ns.exec('iptables', [
					'-A',
					'INPUT',
					'-p',
					'tcp',
					'--dport',
					'7502',
					'-j',
					'REJECT',
					'--reject-with',
					'tcp-reset',
				]);
				return '127.0.0.1:7502';
			},
		],
		[
			'a listener on 127.0.0.1 dialed as localhost (::1 first)',
			async (ns: Netns) => {
				await ns.listen('127.0.0.1', 7503);
				return 'localhost:7503';
			},
		],
		[
			'an http URL to a closed port (proxy steps)',
			async (_ns: Netns) => 'http://127.0.0.1:7504/',
		],
	])(
		'%s: firewall, listeners, /etc, /run and home are the same after',
		async (_name, prepare) => {
			const ns = await createNetns({
				hosts: '::1\tlocalhost\n127.0.0.1\tlocalhost\n',
			});
			spaces.push(ns);
			const target = await prepare(ns);
			const output = await diagnoseReadOnly(ns, target);
			expect(output).toMatch(/^exit 1$/m);
			expect(output).toMatch(/^same$/m);
			// What the tool wrote: its code cache in the cache directory, nothing else.
			for (const line of output
				.split('\n')
				.filter(l => l.startsWith('cache: '))) {
				expect(line).toMatch(/^cache: \/mnt\/cache\/refused\/[^/]+$/);
			}
		},
	);
});
