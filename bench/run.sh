#!/usr/bin/env bash
# make bench: prints figures (and ratios to peers where installed). Never fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/swiftstack
BENCH=.build/release/swiftstack-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# median_ms RUNS CMD...: median wall time of a command in ms (bash timing, no Foundation spawn).
median_ms() {
    local runs=$1; shift
    local samples=()
    for ((i = 0; i < runs; i++)); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        samples+=($(( (end - start) / 1000 )))
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

echo "== stack files and planning (issue 2)"
"$BENCH" generate 200 > "$work/compose.yaml"
echo "swiftstack config on a 200-service file: median $(median_ms 21 "$BIN" config -f "$work/compose.yaml" --quiet) ms (goal < 100 ms)"
echo "swiftstack --version start-up: median $(median_ms 21 "$BIN" --version) ms (goal <= 5 ms)"
"$BENCH"
bash bench/images.sh
