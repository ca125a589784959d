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
    mountpoint -q "$work/hugetlb-v1" 2>/dev/null && umount "$work/hugetlb-v1"
    podman_reset "$work/podman"
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

# OCI peers on the same root filesystem (absolute root path: runc refuses a symlinked one). A
# peer that cannot run a container here is reported, not timed: its failure path would pass for
# a fast start (crun 1.8 refuses this host's hybrid cgroup layout: "cgroups in hybrid mode not
# supported").
bundle="$work/bundle"
mkdir -p "$bundle"
oci_peer() {
    local runtime=$1
    command -v "$runtime" >/dev/null || { echo "($runtime not installed; no $runtime figure)"; return 0; }
    if [ ! -f "$bundle/config.json" ]; then
        (cd "$bundle" && "$runtime" spec)
        # `spec` runs `sh` with a terminal: run `true` without one instead.
        sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"/"\/bin\/true"/' \
            -e "s|\"path\": \"rootfs\"|\"path\": \"$work/rootfs\"|" "$bundle/config.json"
    fi
    local failure
    if ! failure=$("$runtime" run --bundle "$bundle" "bench-probe-$RANDOM$RANDOM" 2>&1 >/dev/null); then
        # crun refuses a hybrid host whose cgroup v2 hierarchy holds a controller (here only
        # hugetlb, unused). For the measurement, hugetlb moves to a private v1 hierarchy that is
        # unmounted afterwards (the controller then returns to v2); nothing else changes.
        if [[ $failure == *"hybrid mode not supported"* ]] && hugetlb_to_v1; then
            failure=$("$runtime" run --bundle "$bundle" "bench-probe-$RANDOM$RANDOM" 2>&1 >/dev/null) && failure=""
        fi
        if [ -n "$failure" ]; then
            echo "$runtime cannot run a container on this host ($(echo "$failure" | head -1)); no $runtime figure"
            hugetlb_back_to_v2
            return 0
        fi
        echo "($runtime needs cgroup v2 without controllers on this hybrid host: hugetlb was moved to a private v1 hierarchy for its figure)"
    fi
    peer_run() { "$runtime" run --bundle "$bundle" "bench-$RANDOM$RANDOM"; }
    local peer_ms peer_cpu
    peer_ms=$(median_ms "$RUNS" peer_run)
    echo "$runtime run (same rootfs, no network): median ${peer_ms} ms — ratio swiftstack/$runtime $(ratio "$ours" "$peer_ms") (goal <= 1.0 against crun, aiming at 0.7)"
    # The same name each time: `run` deletes the container when it exits.
    peer_cpu=$(cpu_ms "$RUNS" "$runtime" run --bundle "$bundle" "bench-cpu-$RANDOM$RANDOM" || true)
    if [ -n "$ours_cpu" ] && [ -n "$peer_cpu" ]; then
        echo "  CPU time (perf stat, mean, children included): swiftstack ${ours_cpu} ms, $runtime ${peer_cpu} ms — ratio $(ratio "$ours_cpu" "$peer_cpu")"
    fi
    hugetlb_back_to_v2
}

# hugetlb_to_v1: binds the (unused) hugetlb controller to a private v1 hierarchy, only when the
# v2 hierarchy holds nothing else and no cgroup enables it; hugetlb_back_to_v2 undoes it.
hugetlb_to_v1() {
    local unified=/sys/fs/cgroup/unified
    [ -f "$unified/cgroup.controllers" ] && [ "$(cat "$unified/cgroup.controllers")" = hugetlb ] || return 1
    ! grep -rqs hugetlb "$unified"/cgroup.subtree_control "$unified"/*/cgroup.subtree_control || return 1
    mkdir -p "$work/hugetlb-v1" && mount -t cgroup -o hugetlb cgroup "$work/hugetlb-v1"
}
hugetlb_back_to_v2() {
    if mountpoint -q "$work/hugetlb-v1" 2>/dev/null; then umount "$work/hugetlb-v1"; fi
    return 0
}
ours_cpu=$(cpu_ms "$RUNS" "$BIN" run --rm --network none bench/busybox true || true)
oci_peer crun
oci_peer runc

if podman_install; then
    podman_conf "$work/podman"
    podman import "$work/rootfs.tar" bench-busybox >/dev/null 2>&1 || {
        tar -C "$work/rootfs" -cf "$work/rootfs.tar" . && podman import "$work/rootfs.tar" bench-busybox >/dev/null 2>&1
    }
    if failure=$(podman run --rm --network none bench-busybox true 2>&1 >/dev/null); then
        podman_ms=$(median_ms "$RUNS" podman run --rm --network none bench-busybox true)
        echo "podman run --rm --network none: median ${podman_ms} ms — ratio swiftstack/podman $(ratio "$ours" "$podman_ms")"
    else
        echo "podman cannot run a container on this host ($(echo "$failure" | tail -1)); no podman figure"
    fi
fi

version_ms=$(median_ms "$RUNS" "$BIN" --version)
version_cpu=$(cpu_ms "$RUNS" "$BIN" --version || true)
echo "swiftstack --version start-up: median ${version_ms} ms${version_cpu:+, CPU ${version_cpu} ms} (goal <= 5 ms)"
