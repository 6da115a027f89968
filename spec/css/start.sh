#!/usr/bin/env bash
# start.sh PORT DATADIR: run the pinned Community Solid Server in the foreground
# on http://127.0.0.1:PORT/ (loopback only), storing files under DATADIR, with
# a root container that everyone may read, write, append and control without
# logging in (CSS's file-root configuration). Run `npm ci` in this directory
# first (run.sh does).
set -euo pipefail
if [ $# -ne 2 ]; then
	echo "usage: $0 PORT DATADIR" >&2
	exit 2
fi
port=$1
data=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$data"
cd "$here"
exec node --require "$here/loopback.cjs" \
	"$here/node_modules/@solid/community-server/bin/server.js" \
	--config @css:config/file-root.json \
	--port "$port" \
	--baseUrl "http://127.0.0.1:$port/" \
	--rootFilePath "$data" \
	--loggingLevel "${CSS_LOGGING_LEVEL:-warn}"
