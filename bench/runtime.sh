#!/usr/bin/env bash
# Runtime benchmarks (issue 3): start-to-exit of `true` in a fresh container, median of 21,
# side by side with crun on the same root filesystem, `unshare … chroot` (the kernel floor
# without overlay or cgroups), and podman (only with --network none) where installed.
# Peers are installed here, in the benchmark only. Figures are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BIN=${BIN:-$PWD/.build/release/swiftstack}
RUNS=${RUNTIME_BENCH_RUNS:-21}
work=$(mktemp -d /var/tmp/swiftstack-bench-runtime.XXXXXX)
cleanup() {
    SWIFTSTACK_ROOT="$work/state" "$BIN" rm -f bench-keep >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== runtime (issue 3)"
if ! command -v crun >/dev/null; then
    apt-get install -y -qq crun >/dev/null 2>&1 || echo "(crun could not be installed; no crun figure)"
fi

busybox_rootfs "$work/rootfs"
export SWIFTSTACK_ROOT="$work/state"
"$BIN" image import "$work/rootfs" bench/busybox >/dev/null

ours=$(median_ms "$RUNS" "$BIN" run --rm --network none bench/busybox true)
echo "swiftstack run --rm --network none busybox true: median ${ours} ms"

floor=$(median_ms "$RUNS" unshare --fork --pid --mount --uts --ipc --net chroot "$work/rootfs" /bin/true)
echo "unshare --fork --pid --mount --uts --ipc --net chroot ROOTFS /bin/true: median ${floor} ms (ratio ours/floor $(ratio "$ours" "$floor"))"

if command -v crun >/dev/null; then
    bundle="$work/bundle"
    mkdir -p "$bundle"
    ln -s "$work/rootfs" "$bundle/rootfs"
    (cd "$bundle" && crun spec)
    # `crun spec` runs `sh` with a terminal: run `true` without one instead.
    sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"/"\/bin\/true"/' "$bundle/config.json"
    crun_run() { crun run --bundle "$bundle" "bench-$RANDOM$RANDOM"; }
    crun_ms=$(median_ms "$RUNS" crun_run)
    echo "crun run (same rootfs, no network): median ${crun_ms} ms — ratio swiftstack/crun $(ratio "$ours" "$crun_ms") (goal <= 1.0, aiming at 0.7)"
fi

if command -v podman >/dev/null; then
    podman import "$work/rootfs.tar" bench-busybox >/dev/null 2>&1 || {
        tar -C "$work/rootfs" -cf "$work/rootfs.tar" . && podman import "$work/rootfs.tar" bench-busybox >/dev/null
    }
    podman_ms=$(median_ms "$RUNS" podman run --rm --network none bench-busybox true)
    echo "podman run --rm --network none: median ${podman_ms} ms — ratio swiftstack/podman $(ratio "$ours" "$podman_ms")"
fi

version_ms=$(median_ms "$RUNS" "$BIN" --version)
echo "swiftstack --version start-up: median ${version_ms} ms (goal <= 5 ms)"
