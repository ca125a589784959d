#!/usr/bin/env bash
# Builder benchmarks (issue 5): figures and ratios are printed, never asserted.
#   cold build and no-change rebuild of a 10-instruction Dockerfile over a busybox image
#   (goals: cached <= 30 ms, cold <= 0.3x podman), side by side with `podman build --network none`
#   (podman is installed here when absent).
# BIN may point at another build (default: the release binary `make bench` builds).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BIN=$(realpath "${BIN:-.build/release/swiftstack}")
work=$(mktemp -d /var/tmp/swiftstack-bench-build.XXXXXX)
# podman's overlay mounts go before its directory does.
cleanup() {
    podman_reset "$work/podman"
    rm -rf "$work"
}
trap cleanup EXIT
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

cold=$(median_ms 3 "$BIN" build -q --no-cache -t bench:cold "$work/ctx")
"$BIN" build -q -t bench:cached "$work/ctx" >/dev/null
cached=$(median_ms 11 "$BIN" build -q -t bench:cached "$work/ctx")
echo "swiftstack build, 10 instructions: cold median $cold ms, no-change rebuild median $cached ms (goal <= 30 ms)"

# podman, side by side: same Dockerfile and context, FROM the same busybox image (podman loads
# our `image save`), its own --root under $work. Installed here only when absent (the
# benchmark's peer, not swiftstack's dependency). Its bridge helper would turn ip_forward on:
# no network namespace setup (containers.conf) and `--network none` on every build.
if podman_install; then
    forward_before=$(cat /proc/sys/net/ipv4/ip_forward)
    podman_conf "$work/podman"
    podman=(podman)
    "$BIN" image save -o "$work/busybox.tar" bench-busybox:latest
    if "${podman[@]}" load -i "$work/busybox.tar" >/dev/null 2>&1; then
        sed -i 's|^FROM bench-busybox:latest|FROM localhost/bench-busybox:latest|' "$work/ctx/Dockerfile"
        "${podman[@]}" tag docker.io/library/bench-busybox:latest localhost/bench-busybox:latest >/dev/null 2>&1 || true
        podman_cold=$(median_ms 3 "${podman[@]}" build --network none --no-cache -q -t bench:cold "$work/ctx")
        if ! "${podman[@]}" build --network none -q -t bench:cached "$work/ctx" >/dev/null 2>"$work/podman.err"; then
            echo "podman build failed (its figures below are not comparable):"; tail -3 "$work/podman.err"
        fi
        podman_cached=$(median_ms 5 "${podman[@]}" build --network none -q -t bench:cached "$work/ctx")
        echo "podman build --network none ($(podman --version | awk '{print $3}'), runc): cold median $podman_cold ms, no-change rebuild median $podman_cached ms"
        echo "ratio swiftstack/podman: cold $(ratio "$cold" "$podman_cold")x (goal <= 0.3x), cached $(ratio "$cached" "$podman_cached")x"
    else
        echo "podman could not load our busybox archive here; no comparison"
    fi
    [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$forward_before" ] || echo "WARNING: ip_forward changed during the podman comparison"
else
    echo "podman not available: no comparison"
fi
