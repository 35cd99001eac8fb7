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

# command -> Debian package. Every program test/e2e, test/helpers and scripts/capture-errors.mjs
# start is named here: no e2e test skips for a missing one.
declare -A need=(
	[ip]=iproute2 [ss]=iproute2 [iptables]=iptables [iptables-save]=iptables [nft]=nftables
	[tmux]=tmux [lsof]=lsof [nginx]=nginx-light [dockerd]=docker.io [docker]=docker.io
	[containerd]=containerd [busybox]=busybox-static [haproxy]=haproxy [ps]=procps
	[kubectl]=kubernetes-client [runuser]=util-linux [ufw]=ufw [dbus-daemon]=dbus
	[unshare]=util-linux [nsenter]=util-linux [umount]=mount [tar]=tar [sh]=dash
	[firewalld]=firewalld [sshd]=openssh-server [ssh]=openssh-client [ssh-keygen]=openssh-client
	[sudo]=sudo [mariadbd]=mariadb-server [mysql]=mariadb-client [redis-server]=redis-server
	[redis-cli]=redis-tools [apache2]=apache2 [curl]=curl [wget]=wget [psql]=postgresql-client
	[nc]=netcat-openbsd [python3]=python3 [javac]=default-jdk-headless
)
missing=()
for cmd in "${!need[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
python3 -c 'import requests' >/dev/null 2>&1 || missing+=(python3-requests)

if [ ${#missing[@]} -gt 0 ]; then
	mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
	if ! command -v apt-get >/dev/null 2>&1; then
		say "missing packages and no apt-get to install them: ${packages[*]}"
		exit 1
	fi

	# Servers (firewalld, sshd, mariadb, redis, apache, postgresql, nginx, haproxy, docker) would start
	# at install on this very host; the tests run their own inside namespaces. Hold every service back
	# while installing (policy-rc.d), and leave their units disabled.
	say "installing (no service started): ${packages[*]}"
	held=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && held=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || true
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${packages[@]}" >/dev/null || status=$?
	[ -n "$held" ] && rm -f /usr/sbin/policy-rc.d
	if command -v systemctl >/dev/null 2>&1; then
		for unit in firewalld ssh mariadb redis-server apache2 postgresql nginx haproxy docker containerd; do
			systemctl disable "$unit" >/dev/null 2>&1 || true
		done
	fi
	[ "${status:-0}" = 0 ] || { say "could not install: ${packages[*]}"; exit 1; }
fi

# .ci/run installs with npm ci first; a checkout without node_modules gets the locked versions here.
[ -d node_modules ] || npm ci --no-audit --no-fund

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
