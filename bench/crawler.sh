#!/usr/bin/env bash
# Reference stack benchmarks (issue 9): figures are printed, never asserted.
#   first bring-up in a fresh state root (base images imported from the cached mmdebstrap
#   tarballs, crawler built cold), `up -d --wait` with images present, `down`, and the
#   cached rebuild of the crawler image.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BIN=${BIN:-$PWD/.build/release/swiftstack}
work=$(mktemp -d /var/tmp/swiftstack-bench-crawler.XXXXXX)
export SWIFTSTACK_ROOT="$work/state" SWIFTSTACK_RUN="$work/run" CRAWLER_LOGS="$work/logs"
CRAWLER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export CRAWLER_PORT
stack=(--file stacks/crawler.yaml -p crawlerbench)
trap '"$BIN" down -v "${stack[@]}" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "== reference stack (issue 9)"
images_ms=$(elapsed_ms bash stacks/images/build.sh "$BIN")
echo "base images into a fresh state root (mmdebstrap tarballs cached): ${images_ms} ms"
cold_ms=$(elapsed_ms "$BIN" up -d --wait "${stack[@]}")
echo "first up -d --wait (crawler built cold): ${cold_ms} ms"
"$BIN" down "${stack[@]}" >/dev/null 2>&1
warm_ms=$(elapsed_ms "$BIN" up -d --wait "${stack[@]}")
echo "up -d --wait with images present: ${warm_ms} ms"
noop_ms=$(median_ms 5 "$BIN" up -d "${stack[@]}")
echo "no-op up on the converged stack: median ${noop_ms} ms"
down_ms=$(elapsed_ms "$BIN" down "${stack[@]}")
echo "down: ${down_ms} ms"
rebuild_ms=$(median_ms 5 "$BIN" build -q -t swiftstack/crawler examples/crawler)
echo "cached rebuild of the crawler image: median ${rebuild_ms} ms"
