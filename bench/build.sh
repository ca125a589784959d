#!/usr/bin/env bash
# Builder benchmarks (issue 5): figures and ratios are printed, never asserted.
#   cold build and no-change rebuild of a 10-instruction Dockerfile over a busybox image
#   (goals: cached <= 30 ms, cold <= 0.3x podman); podman only when installed, --network none.
# BIN may point at another build (default: the release binary `make bench` builds).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BIN=$(realpath "${BIN:-.build/release/swiftstack}")
work=$(mktemp -d /var/tmp/swiftstack-bench-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
export SWIFTSTACK_ROOT="$work/state" SWIFTSTACK_RUN="$work/run"

echo "== builder (issue 5)"
busybox_rootfs "$work/rootfs"
mkdir -p "$work/ctx/src"
"$BIN" image import "$work/rootfs" bench-busybox:latest >/dev/null
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
echo 'hello' > "$work/ctx/src/a.txt"
echo 'world' > "$work/ctx/src/b.txt"
cat > "$work/ctx/Dockerfile" <<'DOCKERFILE'
FROM bench-busybox:latest
LABEL purpose=bench
ENV MODE=bench
WORKDIR /app
COPY src/ /app/src/
RUN cat /app/src/a.txt /app/src/b.txt > /app/joined.txt
ARG LEVEL=1
RUN echo "level $LEVEL" > /app/level.txt
EXPOSE 8080
CMD ["cat", "/app/joined.txt"]
DOCKERFILE

cold=$(elapsed_ms "$BIN" build -q --no-cache -t bench:cold "$work/ctx")
cached=$(median_ms 11 "$BIN" build -q -t bench:cached "$work/ctx")
echo "swiftstack build, 10 instructions: cold $cold ms, no-change rebuild median $cached ms (goal <= 30 ms)"

if command -v podman >/dev/null 2>&1; then
    podman_root="$work/podman"
    podman=(podman --root "$podman_root/root" --runroot "$podman_root/run" --storage-driver vfs)
    if "${podman[@]}" import "$work/rootfs.tar" localhost/bench-busybox:latest >/dev/null 2>&1; then
        sed -i 's|^FROM bench-busybox:latest|FROM localhost/bench-busybox:latest|' "$work/ctx/Dockerfile"
        podman_cold=$(elapsed_ms "${podman[@]}" build --network none --no-cache -q -t bench:cold "$work/ctx")
        podman_cached=$(median_ms 5 "${podman[@]}" build --network none -q -t bench:cached "$work/ctx")
        echo "podman build --network none: cold $podman_cold ms, no-change rebuild median $podman_cached ms"
        echo "ratio swiftstack/podman: cold $(ratio "$cold" "$podman_cold")x (goal <= 0.3x), cached $(ratio "$cached" "$podman_cached")x"
        "${podman[@]}" system reset --force >/dev/null 2>&1 || true
    else
        echo "podman is installed but could not import the base image here; no comparison"
    fi
else
    echo "podman not installed: no comparison"
fi
