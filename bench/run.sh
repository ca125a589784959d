#!/usr/bin/env bash
# make bench: prints figures (and ratios to peers where installed). Never fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BIN=.build/release/swiftstack
BENCH=.build/release/swiftstack-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT


echo "== stack files and planning (issue 2)"
"$BENCH" generate 200 > "$work/compose.yaml"
echo "swiftstack config on a 200-service file: median $(median_ms 21 "$BIN" config -f "$work/compose.yaml" --quiet) ms (goal < 100 ms)"
"$BENCH"
bash bench/runtime.sh
bash bench/images.sh
bash bench/build.sh
bash bench/network.sh
bash bench/compose.sh
bash bench/crawler.sh
