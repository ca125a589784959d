# Shared helpers of the benchmark scripts (sourced). Figures are printed, never asserted.

# elapsed_ms CMD...: wall time of one run in ms.
elapsed_ms() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
}

# median_ms RUNS CMD...: median wall time of a command in ms, with two decimals.
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

# cpu_ms RUNS CMD...: mean CPU time (user + system, children included) of a command in ms, from
# `perf stat`; empty without perf. Steadier than wall time on a machine others are loading.
cpu_ms() {
    local runs=$1; shift
    command -v perf >/dev/null || return 0
    perf stat -r "$runs" -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { printf "%.2f", $1 }'
}

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# busybox_rootfs DIR: Debian's static busybox with its applet links and a passwd file.
busybox_rootfs() {
    local root=$1
    mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/dev" "$root/sys"
    cp /bin/busybox "$root/bin/busybox"
    for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"; done
    echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
    echo 'root:x:0:' > "$root/etc/group"
}

# podman_install: the peer podman (and runc, which it needs here), installed by the benchmark
# only, when absent. Returns non-zero when podman is still missing.
podman_install() {
    if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc \
            >/dev/null 2>&1 || true
    fi
    command -v podman >/dev/null 2>&1
}

# podman_conf DIR: points every podman the caller runs next at its own storage under DIR (the
# run root under /tmp: podman refuses one longer than 50 characters) and at settings that work
# on this host: runc (crun refuses the hybrid cgroup layout), rlimits under our hard limits,
# and no network ever (podman's bridge helper turns ip_forward on). podman_reset DIR undoes it.
podman_conf() {
    local dir=$1 runroot
    mkdir -p "$dir/tmp"
    runroot=$(mktemp -d /tmp/sspr.XXXXXX)
    echo "$runroot" > "$dir/runroot"
    cat > "$dir/containers.conf" <<CONF
[containers]
netns = "none"
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "none"
CONF
    cat > "$dir/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$dir/root"
runroot = "$runroot"
CONF
    export CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_STORAGE_CONF="$dir/storage.conf" TMPDIR="$dir/tmp"
}

# podman_reset DIR: removes everything podman made under DIR (containers, images, its mounts).
podman_reset() {
    local dir=$1 runroot
    [ -f "$dir/storage.conf" ] || return 0
    podman rm -af -t 0 >/dev/null 2>&1 || true
    podman rmi -af >/dev/null 2>&1 || true
    runroot=$(cat "$dir/runroot" 2>/dev/null || true)
    { grep -oE " ($dir|${runroot:-/nonexistent})/[^ ]*" /proc/mounts || true; } | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$dir" ${runroot:+"$runroot"}
}
