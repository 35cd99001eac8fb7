#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine: installs what the tests need
# (npm packages; Debian packages when root), or stops at once naming what is missing.
# Never skips a test quietly. Usage: npm test
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'refused tests: %s\n' "$*" >&2; }

if [ "$(uname -s)" != Linux ]; then
	say "the tests need Linux (network namespaces, iptables, nftables); this is $(uname -s)"
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	say "the tests need root: they create network namespaces with firewall rules and start a Docker engine."
	say "run: sudo npm test"
	exit 1
fi

# command -> Debian package
declare -A need=(
	[ip]=iproute2 [ss]=iproute2 [iptables]=iptables [iptables-save]=iptables [nft]=nftables
	[tmux]=tmux [lsof]=lsof [nginx]=nginx-light [dockerd]=docker.io [docker]=docker.io
	[containerd]=containerd [busybox]=busybox-static [haproxy]=haproxy [ps]=procps
	[kubectl]=kubernetes-client [runuser]=util-linux [ufw]=ufw [dbus-daemon]=dbus
	[unshare]=util-linux [nsenter]=util-linux [umount]=mount [tar]=tar [sh]=dash
)
# Every program test/e2e and test/helpers start is named above (nginx-light, haproxy and
# kubernetes-client included): no e2e test skips for a missing one.
missing=()
for cmd in "${!need[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)

if [ ${#missing[@]} -gt 0 ]; then
	mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
	if ! command -v apt-get >/dev/null 2>&1; then
		say "missing packages and no apt-get to install them: ${packages[*]}"
		exit 1
	fi

	say "installing: ${packages[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# firewalld would start at install (and at every boot) on a systemd host and firewall this very
# host; the tests run their own firewalld inside namespaces. Install it with services held back
# (policy-rc.d), and leave its unit disabled.
if ! command -v firewalld >/dev/null 2>&1 && ! PATH="$PATH:/usr/sbin:/sbin" command -v firewalld >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
	say "installing: firewalld (not started, not enabled)"
	held=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && held=1
	fi
	apt-get update -qq || true
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends firewalld dbus >/dev/null || status=$?
	[ -n "$held" ] && rm -f /usr/sbin/policy-rc.d
	command -v systemctl >/dev/null 2>&1 && systemctl disable firewalld >/dev/null 2>&1 || true
	[ "${status:-0}" = 0 ] || { say "could not install firewalld"; exit 1; }
fi

# npm ci rejects its own lockfile here (npm 11.16+ regression with optional platform packages, npm/cli#9846):
# npm install honours the lockfile and installs the same versions.
[ -d node_modules ] || npm install --no-audit --no-fund

npm run --silent build
say "typecheck"
npx tsc --noEmit
say "lint"
npx xo
say "tests"
results=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
# A test FILE that failed to load (an import error, a throw at the top) has no failed test: count
# it as a failure, by name, so the summary never says "0 failed" over a broken file.
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const broken = r.testResults.filter(f => f.status === "failed" && f.assertionResults.every(a => a.status !== "failed"));
const failed = r.numFailedTests + broken.length;
console.log(`vitest: ${r.numPassedTests} passed, ${failed} failed` + (broken.length ? ` (${broken.length} test files failed to load)` : "") + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
for (const f of broken) console.log(`  could not run ${f.name}: ${(f.message || "").split("\n")[0]}`);
if (r.numTotalTests === 0 || failed > 0 || r.success === false) process.exit(1);
' "$results" || status=1
rm -f "$results"
exit $status
