#!/usr/bin/env bash
# Compose benchmarks (issue 7): figures are printed, never asserted.
#   up -d --wait of a 3-service busybox stack on a bridge (image present) until a by-name request
#   succeeds; a no-op up on a converged 10-service stack; down. Goals: up <= 0.1x podman-compose,
#   down <= 0.1x, no-op up <= 50 ms. podman-compose only when podman is installed, and then only
#   with network_mode: none (podman's bridge helper turns ip_forward on).
# BIN may point at another build (default: the release binary `make bench` builds).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BIN=$(realpath "${BIN:-.build/release/swiftstack}")
work=$(mktemp -d /var/tmp/swiftstack-bench-compose.XXXXXX)
export SWIFTSTACK_ROOT="$work/state" SWIFTSTACK_RUN="$work/run"
cleanup() {
    for dir in "$work/three" "$work/ten"; do
        [ -f "$dir/compose.yaml" ] && (cd "$dir" && "$BIN" down -v >/dev/null 2>&1 || true)
    done
    podman_reset "$work/podman-config"
    rm -rf "$work"
}
trap cleanup EXIT

echo "== compose (issue 7)"
busybox_rootfs "$work/rootfs"
"$BIN" image import "$work/rootfs" busybox >/dev/null

mkdir -p "$work/three/www" "$work/ten"
echo "hello" > "$work/three/www/index.html"
cat > "$work/three/compose.yaml" <<'YAML'
name: benchthree
services:
  web:
    image: busybox
    init: true
    stop_grace_period: 1s
    command: ["httpd", "-f", "-p", "80", "-h", "/www"]
    volumes: ["./www:/www:ro"]
  api:
    image: busybox
    init: true
    stop_grace_period: 1s
    command: ["sleep", "3600"]
  client:
    image: busybox
    init: true
    stop_grace_period: 1s
    command: ["sleep", "3600"]
networks:
  default:
    ipam:
      config: [{subnet: 10.121.200.0/24}]
YAML

# One up: from the command until the client reaches web by name.
up_until_reachable() {
    local start end
    start=$(date +%s%N)
    "$BIN" up -d --wait >/dev/null 2>&1
    until "$BIN" exec client wget -q -O /dev/null http://web/ >/dev/null 2>&1; do
        # Never hang the benchmark: 30 s without an answer is a failure to report.
        if (( $(date +%s%N) - start > 30000000000 )); then echo "web never answered by name" >&2; exit 1; fi
    done
    end=$(date +%s%N)
    echo $(( (end - start) / 1000 ))
}

# Two ways to time up: right after the previous down (back to back: the up takes back the
# bridge the down retired, see LinkRetirement), and on a settled machine (3 s after it: the
# retired bridge is deleted by then and the up makes a new one). down returns before the kernel
# has finished destroying the containers' namespaces and veths (by design: that is most of its
# cost). Both figures are printed, for both tools.
SETTLE=3
cd "$work/three"
ups=() settled_ups=() downs=()
for round in 1 2 3 4 5 6 7 8 9 10; do
    if (( round > 5 )); then sleep "$SETTLE"; settled_ups+=("$(up_until_reachable)"); else ups+=("$(up_until_reachable)"); fi
    start=$(date +%s%N)
    "$BIN" down >/dev/null 2>&1
    end=$(date +%s%N)
    downs+=($(( (end - start) / 1000 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'; }
up_ms=$(median "${ups[@]}")
settled_up_ms=$(median "${settled_ups[@]}")
down_ms=$(median "${downs[@]}")
echo "swiftstack up -d --wait, 3 services on a bridge, until web answers by name: median $up_ms ms right after down, $settled_up_ms ms settled (${SETTLE} s after down)"
echo "swiftstack down, 3 services: median $down_ms ms"

{
    echo "name: benchten"
    echo "services:"
    for i in $(seq 1 10); do
        printf '  s%d:\n    image: busybox\n    init: true\n    stop_grace_period: 1s\n    command: ["sleep", "3600"]\n' "$i"
    done
    printf 'networks:\n  default:\n    ipam:\n      config: [{subnet: 10.121.201.0/24}]\n'
} > "$work/ten/compose.yaml"
cd "$work/ten"
"$BIN" up -d --wait >/dev/null 2>&1
noop=$(median_ms 11 "$BIN" up -d)
echo "swiftstack no-op up on a converged 10-service stack: median $noop ms (goal <= 50 ms)"
ten_down=$(elapsed_ms "$BIN" down)
echo "swiftstack down, 10 services: $ten_down ms"

# The peer: podman-compose (pip) over podman (apt), installed here only. podman runs with its own
# storage under $work, runc (crun refuses this hybrid cgroup layout) and no network at all:
# podman's bridge helper turns ip_forward on, which this project never does.
if podman_install && ! command -v podman-compose >/dev/null 2>&1; then
    pip install --quiet podman-compose >/dev/null 2>&1 || true
fi
if command -v podman >/dev/null 2>&1 && command -v podman-compose >/dev/null 2>&1; then
    mkdir -p "$work/podman"
    podman_conf "$work/podman-config"
    tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
    podman import "$work/rootfs.tar" localhost/bench-busybox:latest >/dev/null 2>&1
    # The same three services; without a network, "reachable" is the first exec answering.
    cat > "$work/podman/compose.yaml" <<'YAML'
services:
  web: {image: "localhost/bench-busybox:latest", network_mode: none, init: true, command: ["sleep", "3600"]}
  api: {image: "localhost/bench-busybox:latest", network_mode: none, init: true, command: ["sleep", "3600"]}
  client: {image: "localhost/bench-busybox:latest", network_mode: none, init: true, command: ["sleep", "3600"]}
YAML
    cd "$work/podman"
    pups=() settled_pups=() pdowns=()
    for round in 1 2 3 4 5 6; do
        (( round > 3 )) && sleep "$SETTLE"
        start=$(date +%s%N)
        podman-compose -p benchpc up -d >/dev/null 2>&1
        until podman exec benchpc_client_1 true >/dev/null 2>&1; do :; done
        end=$(date +%s%N)
        if (( round > 3 )); then settled_pups+=($(( (end - start) / 1000 ))); else pups+=($(( (end - start) / 1000 ))); fi
        start=$(date +%s%N)
        podman-compose -p benchpc down -t 1 >/dev/null 2>&1
        end=$(date +%s%N)
        pdowns+=($(( (end - start) / 1000 )))
    done
    pup=$(median "${pups[@]}")
    settled_pup=$(median "${settled_pups[@]}")
    pdown=$(median "${pdowns[@]}")
    echo "podman-compose up -d (3 services, network_mode: none) until an exec answers: median $pup ms right after down, $settled_pup ms settled; down: median $pdown ms"
    echo "ratio swiftstack/podman-compose: up $(ratio "$up_ms" "$pup")x right after down, $(ratio "$settled_up_ms" "$settled_pup")x settled (goal <= 0.1x); down $(ratio "$down_ms" "$pdown")x (goal <= 0.1x); a down+up cycle $(ratio "$(awk -v a="$up_ms" -v b="$down_ms" 'BEGIN { print a + b }')" "$(awk -v a="$pup" -v b="$pdown" 'BEGIN { print a + b }')")x"
    echo "(swiftstack does more: a bridge, veths, addresses and DNS; podman-compose runs without a network)"
    [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || echo "WARNING: ip_forward is on after podman ran" >&2
else
    echo "podman-compose not available: no comparison"
fi
