#!/usr/bin/env bash
# Image store benchmarks (issue 4): figures and ratios are printed, never asserted.
#   import of a ~500 MB root filesystem tar vs `tar -x` of the same (goal <= 1.2x)
#   `image ls` with 200 images (goal <= 20 ms)
# BIN may point at another build (default: the release binary `make bench` builds).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BIN=${BIN:-.build/release/swiftstack}
SIZE_MB=${IMAGES_BENCH_MB:-500}
work=$(mktemp -d /var/tmp/swiftstack-bench-images.XXXXXX)
trap 'rm -rf "$work"' EXIT



echo "== image store (issue 4)"

# A root filesystem tar of about SIZE_MB from /usr: files in path order until the size is reached.
find /usr -xdev \( -type f -o -type l -o -type d \) -printf '%s %P\n' 2>/dev/null | sort -k2 \
    | awk -v cap=$((SIZE_MB << 20)) 'NF > 1 && total + $1 <= cap { total += $1; print substr($0, index($0, " ") + 1) }' \
    > "$work/list"
tar -C /usr -cf "$work/rootfs.tar" --no-recursion -T "$work/list"
tar_mb=$(( $(stat -c %s "$work/rootfs.tar") >> 20 ))
entries=$(wc -l < "$work/list")
echo "rootfs tar: ${tar_mb} MB, ${entries} entries"

# Each timed step starts from the same state: the previous output removed and every dirty page
# written back (so one run's writeback is not billed to the next); each ends synced, as
# `tar -x` + `sync -f` does, since the store fsyncs what it writes.
fresh() { rm -rf "$work/x" "$work/root"; sync; }
untar() { mkdir "$work/x"; tar -xf "$work/rootfs.tar" -C "$work/x"; sync -f "$work/x"; }
import_tar() { SWIFTSTACK_ROOT="$work/root" "$BIN" image import "$work/rootfs.tar" bench/rootfs:tar; }
import_dir() { SWIFTSTACK_ROOT="$work/root" "$BIN" image import "$work/x" bench/rootfs:dir; }

runs=${IMAGES_BENCH_RUNS:-5}
tar_samples=(); import_samples=(); dir_samples=()
for ((run = 0; run < runs; run++)); do
    fresh
    import_samples+=($(elapsed_ms import_tar))
    fresh
    tar_samples+=($(elapsed_ms untar))
    rm -rf "$work/root"; sync
    dir_samples+=($(elapsed_ms import_dir))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
tar_ms=$(median "${tar_samples[@]}")
import_ms=$(median "${import_samples[@]}")
dir_ms=$(median "${dir_samples[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo "tar -x (+ sync): median ${tar_ms} ms"
echo "swiftstack image import FILE: median ${import_ms} ms, $(ratio "$import_ms" "$tar_ms")x tar -x (goal <= 1.2x)"
echo "swiftstack image import DIR: median ${dir_ms} ms, $(ratio "$dir_ms" "$tar_ms")x tar -x"
rm -rf "$work/root" "$work/x" "$work/rootfs.tar"

# 200 distinct small images.
mkdir -p "$work/small/bin" "$work/many"
cp /bin/busybox "$work/small/bin/" 2>/dev/null || echo hello > "$work/small/bin/hello"
for ((i = 0; i < 200; i++)); do
    SWIFTSTACK_ROOT="$work/many" "$BIN" image import -c "LABEL bench.index=$i" "$work/small" "bench/many:$i" >/dev/null
done
echo "swiftstack image ls with 200 images: median $(median_ms 21 "$BIN" image ls --root "$work/many") ms (goal <= 20 ms)"
echo "swiftstack image ls --format json with 200 images: median $(median_ms 21 "$BIN" image ls --root "$work/many" --format json) ms"
