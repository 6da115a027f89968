#!/usr/bin/env bash
# start.sh PORT DATADIR: run the pinned Community Solid Server in the foreground
# on http://localhost:PORT/ (listening on 127.0.0.1 only), storing files under DATADIR, with
# a root container that everyone may read, write, append and control without
# logging in (config.json: CSS's file-root configuration with accounts enabled). It installs the pinned CSS
# into node_modules here first if it is missing (npm ci). DATADIR must be new
# or empty: CSS writes the public root ACL only when the store has no root.
# The base URL names localhost (CSS_BASE_HOST overrides it), not 127.0.0.1:
# CSS's token verifier accepts http WebIDs only on localhost, so its users
# could not log in otherwise.
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
# CSS reads every CSS_* environment variable as a command-line option
# (CSS_BASE_HOST would be an unknown --baseHost and stop it): keep it to
# this script.
host=${CSS_BASE_HOST:-localhost}
unset CSS_BASE_HOST
exec node --require "$here/loopback.cjs" \
	"$here/node_modules/@solid/community-server/bin/server.js" \
	--config "$here/config.json" \
	--port "$port" \
	--baseUrl "http://$host:$port/" \
	--rootFilePath "$data" \
	--loggingLevel "${CSS_LOGGING_LEVEL:-warn}"
