#!/usr/bin/env bash
# Builder benchmarks (issue 5): figures and ratios are printed, never asserted.
#   cold build and no-change rebuild of a 10-instruction Dockerfile over a busybox image
#   (goals: cached <= 30 ms, cold <= 0.3x podman); podman only when installed, --network none.
# BIN may point at another build (default: the release binary `make bench` builds).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BIN:-.build/release/swiftstack}")
work=$(mktemp -d /var/tmp/swiftstack-bench-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
export SWIFTSTACK_ROOT="$work/state" SWIFTSTACK_RUN="$work/run"

# elapsed_ms CMD...: wall time of one run in ms, with two decimals.
elapsed_ms() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    awk -v t=$(( (end - start) / 1000 )) 'BEGIN {printf "%.2f", t / 1000}'
}

# median_ms RUNS CMD...: median wall time in ms, with two decimals.
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

echo "== builder (issue 5)"
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/ctx/src"
cp /bin/busybox "$work/rootfs/bin/"
for applet in sh cat echo mkdir cp ls; do ln -s busybox "$work/rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$work/rootfs/etc/passwd"
printf 'root:x:0:\n' > "$work/rootfs/etc/group"
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
        awk -v a="$cold" -v b="$podman_cold" -v c="$cached" -v d="$podman_cached" \
            'BEGIN {printf "ratio swiftstack/podman: cold %.2fx (goal <= 0.3x), cached %.2fx\n", a / b, c / d}'
        "${podman[@]}" system reset --force >/dev/null 2>&1 || true
    else
        echo "podman is installed but could not import the base image here; no comparison"
    fi
else
    echo "podman not installed: no comparison"
fi
