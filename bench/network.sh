#!/usr/bin/env bash
# Network benchmarks (issue 6): figures are printed, never asserted.
#   - attach cost as `run` sees it: `run --rm --network NAME busybox true` minus the same with
#     `--network none` (namespace, veth, address, routes, resolv.conf), interleaved, medians
#   - DNS query latency p50/p99 from inside a container's network namespace (a UDP client run
#     with nsenter in the container's namespace, against the network's name server)
#   - throughput of a 64 MiB file from busybox httpd: through a published port (the
#     supervisor's proxy on 127.0.0.1) vs directly to the container's address on the bridge
#   - `run --rm --network NAME` against `podman run --rm --network none` (never podman on a
#     bridge: its bridge helper turns ip_forward on)
# Everything stays on this machine (a bridge subnet of 10.121.0.0/16, loopback).
# BIN may point at another build (default: the release binary `make bench` builds).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
BIN=$(realpath "${BIN:-.build/release/swiftstack}")
work=$(mktemp -d /var/tmp/swiftstack-bench-network.XXXXXX)
export SWIFTSTACK_ROOT="$work/state" SWIFTSTACK_RUN="$work/run"
net="bench-net-$$"
project="benchnet$$"
cleanup() {
    (cd "$work" && "$BIN" down -p "$project" >/dev/null 2>&1) || true
    "$BIN" rm -f bench-dns >/dev/null 2>&1 || true
    "$BIN" network rm "$net" >/dev/null 2>&1 || true
    "$BIN" network prune >/dev/null 2>&1 || true
    podman_reset "$work/podman"
    rm -rf "$work"
}
trap cleanup EXIT

echo "== networks (issue 6)"
busybox_rootfs "$work/rootfs"
"$BIN" image import "$work/rootfs" busybox >/dev/null
"$BIN" network create "$net" >/dev/null

# Interleaved, so that drift in the machine's load hits both sides alike; the attach cost is
# the median of the paired differences.
runs=31
paired=$(for ((i = 0; i < runs; i++)); do
    a=$(date +%s%N); "$BIN" run --rm --network "$net" busybox true >/dev/null 2>&1; b=$(date +%s%N)
    "$BIN" run --rm --network none busybox true >/dev/null 2>&1; c=$(date +%s%N)
    echo "$(( (b - a) / 1000 )) $(( (c - b) / 1000 ))"
done)
median_of() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'; }
with_net=$(awk '{print $1}' <<<"$paired" | median_of)
without=$(awk '{print $2}' <<<"$paired" | median_of)
attach=$(awk '{print $1 - $2}' <<<"$paired" | median_of)
echo "run --rm --network NAME busybox true: median $with_net ms (--network none: $without ms)"
echo "attach to a network as run sees it (median of paired differences): $attach ms (goal <= 3 ms; in-kernel floor ~1.6 ms)"

# podman on a bridge is forbidden here (its bridge helper turns ip_forward on), so the peer is
# `podman run --network none`: ours pays for a whole bridge attachment that podman's run skips.
if podman_install; then
    podman_conf "$work/podman"
    podman=(podman)
    tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
    if "${podman[@]}" import "$work/rootfs.tar" localhost/bench-busybox:latest >/dev/null 2>&1; then
        podman_ms=$(median_ms 11 "${podman[@]}" run --rm --network none localhost/bench-busybox:latest true)
        echo "podman run --rm --network none busybox true: median $podman_ms ms (podman on a bridge is forbidden here: it turns ip_forward on)"
        echo "ratio swiftstack run --rm --network NAME / podman run --rm --network none: $(ratio "$with_net" "$podman_ms")x (goal <= 0.1x)"
    else
        echo "podman is installed but could not import the base image here; no comparison"
    fi
    podman_reset "$work/podman"
    echo "ip_forward after podman: $(cat /proc/sys/net/ipv4/ip_forward) (must stay 0)"
else
    echo "podman not installed: no comparison"
fi

"$BIN" run -d --name bench-dns --network "$net" busybox sleep 600 >/dev/null
pid=$("$BIN" inspect bench-dns | awk -F': ' '/"Pid"/ { gsub(/[ ,]/, "", $2); print $2; exit }')
gateway=$("$BIN" network inspect "$net" | awk -F'"' '/"Gateway"/ { print $4; exit }')
if command -v python3 >/dev/null 2>&1 && command -v nsenter >/dev/null 2>&1; then
    cat > "$work/dns_client.py" <<'PY'
import socket, struct, sys, time
server, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
query_name = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(1)
sock.connect((server, 53))
samples = []
for i in range(count):
    packet = struct.pack(">HHHHHH", i & 0xFFFF, 0x0100, 1, 0, 0, 0) + query_name + struct.pack(">HH", 1, 1)
    start = time.perf_counter_ns()
    sock.send(packet)
    reply = sock.recv(512)
    samples.append(time.perf_counter_ns() - start)
    if reply[:2] != packet[:2] or reply[3] & 0x0F != 0:
        sys.exit("unexpected DNS answer")
samples.sort()
p = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] / 1e6
print(f"{p(0.5):.3f} {p(0.99):.3f}")
PY
    # The name server starts with the network's first container; wait until it answers.
    for _ in $(seq 50); do
        nsenter -t "$pid" -n python3 "$work/dns_client.py" "$gateway" bench-dns 1 >/dev/null 2>&1 && break
        sleep 0.1
    done
    read -r p50 p99 < <(nsenter -t "$pid" -n python3 "$work/dns_client.py" "$gateway" bench-dns 2000)
    echo "DNS A query from inside a container, 2000 queries: p50 $p50 ms, p99 $p99 ms (goal p99 < 1 ms)"
else
    echo "DNS latency: skipped (needs python3 and nsenter)"
fi

port=$((20000 + RANDOM % 20000))
mkdir -p "$work/stack/www"
head -c $((64 * 1024 * 1024)) /dev/zero > "$work/stack/www/big"
cat > "$work/stack/compose.yaml" <<YAML
name: $project
services:
  web:
    image: busybox
    init: true
    stop_grace_period: 1s
    command: ["httpd", "-f", "-p", "80", "-h", "/www"]
    volumes: ["./www:/www:ro"]
    ports: ["$port:80"]
YAML
if (cd "$work/stack" && "$BIN" up -d --wait >/dev/null 2>&1); then
    address=$("$BIN" inspect "$project-web-1" | awk -F'"' '/"IPAddress"/ { print $4; exit }')
    for _ in $(seq 50); do /bin/busybox wget -q -O /dev/null "http://127.0.0.1:$port/big" 2>/dev/null && break; sleep 0.1; done
    proxied=$(median_ms 5 /bin/busybox wget -q -O /dev/null "http://127.0.0.1:$port/big")
    direct=$(median_ms 5 /bin/busybox wget -q -O /dev/null "http://$address/big")
    mbps() { awk -v ms="$1" 'BEGIN { if (ms > 0) printf "%.0f", 64 / (ms / 1000); else printf "n/a" }'; }
    echo "64 MiB over HTTP: published port $proxied ms ($(mbps "$proxied") MiB/s), direct to $address $direct ms ($(mbps "$direct") MiB/s); proxy/direct $(ratio "$proxied" "$direct")"
    # The port listens on every address: through the host's own default-route address too.
    host_address=$(awk 'NR > 1 && $2 == "00000000" { print $1; exit }' /proc/net/route | xargs -r -I{} sh -c "ip -4 -o addr show dev {} 2>/dev/null" | awk '{ split($4, a, "/"); print a[1]; exit }')
    if [ -n "$host_address" ]; then
        via_host=$(median_ms 5 /bin/busybox wget -q -O /dev/null "http://$host_address:$port/big")
        echo "64 MiB through the published port on the host's address $host_address: $via_host ms ($(mbps "$via_host") MiB/s)"
    fi
    (cd "$work/stack" && "$BIN" down >/dev/null 2>&1) || true
else
    echo "published-port throughput: skipped (up failed; port $port may be taken)"
fi
