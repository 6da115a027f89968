#!/usr/bin/env bash
# start.sh PORT DATADIR: run the pinned Community Solid Server in the foreground
# on http://127.0.0.1:PORT/ (loopback only), storing files under DATADIR, with
# a root container that everyone may read, write, append and control without
# logging in (CSS's file-root configuration). It installs the pinned CSS
# into node_modules here first if it is missing (npm ci). DATADIR must be new
# or empty: CSS writes the public root ACL only when the store has no root.
#
# CSS_CONFIG picks another CSS configuration: CSS_CONFIG=@css:config/file.json
# is CSS with accounts, pods and its OpenID provider (no public root), which
# the client tests (spec/clients_test.go) use as identity provider.
# CSS_BASE_URL overrides its base URL http://127.0.0.1:PORT/: CSS accepts
# an http WebID in an access token only on localhost, so the client tests
# use http://localhost:PORT/ (it still listens on 127.0.0.1 only).
set -euo pipefail
if [ $# -ne 2 ]; then
	echo "usage: $0 PORT DATADIR" >&2
	exit 2
fi
port=$1
data=$2
here=$(cd "$(dirname "$0")" && pwd)
want=$(node -p "require('$here/package.json').dependencies['@solid/community-server']")
have=$(node -p "try { require('$here/node_modules/@solid/community-server/package.json').version } catch { '' }")
if [ "$have" != "$want" ]; then
	echo "start.sh: installing @solid/community-server $want" >&2
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
mkdir -p "$data"
cd "$here"
exec node --require "$here/loopback.cjs" \
	"$here/node_modules/@solid/community-server/bin/server.js" \
	--config "${CSS_CONFIG:-@css:config/file-root.json}" \
	--port "$port" \
	--baseUrl "${CSS_BASE_URL:-http://127.0.0.1:$port/}" \
	--rootFilePath "$data" \
	--loggingLevel "${CSS_LOGGING_LEVEL:-warn}"
