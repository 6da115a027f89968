#!/usr/bin/env bash
# run.sh [go test flags]: run the spec suite against the Community Solid
# Server, the reference implementation, as `make spec-css` does.
#
# It installs the pinned CSS (package-lock.json) into spec/css/node_modules
# unless it is already there, starts it with start.sh on a free loopback
# port with a fresh file store, waits until it answers, runs
# `go test ./spec/ -base-url http://localhost:PORT/ -server css` and stops it.
# Tests that CSS is known to fail are marked with knownDeviation("css", …)
# and listed in spec/requirements.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
want=$(node -p "require('$here/package.json').dependencies['@solid/community-server']")

installed() {
	[ -f "$here/node_modules/@solid/community-server/package.json" ] &&
		[ "$(node -p "require('$here/node_modules/@solid/community-server/package.json').version")" = "$want" ]
}
if ! installed; then
	echo "spec-css: installing @solid/community-server $want" >&2
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/seedpod-spec-css-XXXXXX")
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://localhost:$port/"
"$here/start.sh" "$port" "$tmp/data" >"$tmp/css.log" 2>&1 &
pid=$!

ready=
for _ in $(seq 1 240); do
	if ! kill -0 "$pid" 2>/dev/null; then
		break
	fi
	if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base" || true)" = 200 ]; then
		ready=1
		break
	fi
	sleep 0.25
done
if [ -z "$ready" ]; then
	echo "spec-css: CSS did not start on $base; its log:" >&2
	cat "$tmp/css.log" >&2
	exit 1
fi
echo "spec-css: CSS $want on $base (data in $tmp/data)" >&2

status=0
(cd "$root" && go test -count=1 ./spec/ -base-url "$base" -server css "$@") || status=$?
if [ "$status" -ne 0 ]; then
	echo "spec-css: last lines of the CSS log:" >&2
	tail -n 40 "$tmp/css.log" >&2
fi
exit "$status"
