#!/usr/bin/env bash
# Prepares the reference stack's base images from local sources (no registry is reachable):
#   busybox         FROM scratch + Debian's static busybox
#   golang-builder  Debian bookworm + golang-go + the MySQL driver (mmdebstrap)
#   mariadb         Debian bookworm + mariadb-server/client + our entrypoint (mmdebstrap)
# Each is cached: an image already in the store is not made again.
# Usage: stacks/images/build.sh SWIFTSTACK_BINARY [IMAGE...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1; shift
images=("$@"); [ ${#images[@]} -gt 0 ] || images=(busybox golang-builder mariadb)
cache=${SWIFTSTACK_IMAGE_CACHE:-/var/cache/swiftstack/images}
mkdir -p "$cache"

have() { "$bin" image inspect "swiftstack/$1" >/dev/null 2>&1; }

make_busybox() {  # FROM scratch + Debian's static busybox, imported from a directory
    local root; root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/www"
    chmod 1777 "$root/tmp"
    cp /bin/busybox "$root/bin/busybox"
    for applet in $("$root/bin/busybox" --list); do [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"; done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
    "$bin" image import --change 'CMD ["sh"]' "$root" swiftstack/busybox
    rm -rf "$root"
}

make_debian() {  # NAME PACKAGES CHANGES...
    local name=$1 packages=$2; shift 2
    if [ ! -s "$cache/$name.tar" ]; then
        echo "==> mmdebstrap $name ($packages): about a minute"
        mmdebstrap --variant=minbase --format=tar --include="$packages" \
            --customize-hook="if [ -d '$here/$name/files' ]; then cp -a '$here/$name/files/.' \"\$1/\"; fi" \
            bookworm "$cache/$name.tar.tmp" && mv "$cache/$name.tar.tmp" "$cache/$name.tar"
    fi
    local args=()
    for change in "$@"; do args+=(--change "$change"); done
    "$bin" image import "${args[@]}" "$cache/$name.tar" "swiftstack/$name"
}

for image in "${images[@]}"; do
    if have "$image"; then echo "==> swiftstack/$image: present"; continue; fi
    case $image in
        busybox) make_busybox ;;
        golang-builder) make_debian golang-builder golang-go,golang-github-go-sql-driver-mysql-dev,ca-certificates \
            'ENV GOPATH=/go:/usr/share/gocode' 'CMD ["bash"]' ;;
        mariadb) make_debian mariadb mariadb-server,mariadb-client \
            'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' 'CMD ["mariadbd"]' 'EXPOSE 3306' \
            'VOLUME /var/lib/mysql' 'STOPSIGNAL SIGTERM' ;;
        *) echo "unknown image $image" >&2; exit 2 ;;
    esac
done
