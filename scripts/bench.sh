#!/usr/bin/env bash
# bench.sh [-quick] [bench flags...]: build Seedpod and the bench, make sure
# the Community Solid Server is installed in spec/css, then put the same load
# on Seedpod (disk and MinIO), CSS and the bare baselines, all on loopback,
# and print one table (also written to bin/bench-results.txt).
# Needs bin/minio (make minio). Full run: about 4 minutes (plus up to 2 more
# waiting for a quiet machine: other jobs skew the numbers); -quick: about 1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin
mkdir -p "$bin"

go build -o "$bin/seedpod" ./cmd/seedpod
go build -o "$bin/bench" ./spec/bench
minio=${SEEDPOD_MINIO_BIN:-$bin/minio}
if [ ! -x "$minio" ]; then
	echo "bench.sh: $minio missing; run make minio" >&2
	exit 1
fi
if [ ! -d spec/css/node_modules/@solid/community-server ]; then
	echo "bench.sh: installing the Community Solid Server into spec/css" >&2
	(cd spec/css && npm ci --no-audit --no-fund)
fi

# A full run waits (2 minutes at most, in all) for other jobs to leave the
# CPUs alone; a smoke run doesn't.
wait_idle=2m
for a in "$@"; do
	case $a in -quick | --quick) wait_idle=0 ;; esac
done

exec "$bin/bench" \
	-seedpod "$bin/seedpod" \
	-minio "$minio" \
	-css-start "$root/spec/css/start.sh" \
	-out "$bin/bench-results.txt" \
	-wait-idle "$wait_idle" \
	"$@"
