// The cloned container child: namespaces, the root filesystem (overlay, /proc, /dev, /sys, user
// mounts), pivot_root, masked and read-only paths, hostname. Mount targets are always resolved
// inside the new root (openat2 RESOLVE_IN_ROOT) and mounted through /proc/self/fd/N, so a symlink
// in an image can never redirect a mount onto the host. No allocation: everything comes from the
// parent's `struct cshim_container`.
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

// Docker's defaults (moby oci/defaults.go): hidden and read-only paths.
static const char *const masked_paths[] = {
    "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};
static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static int open_in_root(int rootfd, const char *path, int flags, int extra_resolve) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)flags;
    if (flags & O_CREAT) how.mode = 0644;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (unsigned long long)extra_resolve;
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/// Splits "/a/b/c" into parent "/a/b" (in `parent`, 4096 bytes) and returns a pointer to "c".
static const char *split_parent(const char *path, char *parent) {
    const char *slash = strrchr(path, '/');
    size_t n = (size_t)(slash - path);
    if (n == 0) { parent[0] = '/'; parent[1] = '\0'; }
    else { memcpy(parent, path, n); parent[n] = '\0'; }
    return slash + 1;
}

/// Resolves (creating when missing) the target of a mount inside the root; returns an O_PATH fd.
static int resolve_target(int rootfd, const struct cshim_mount *m) {
    char parent[4096];
    if (strlen(m->target) >= sizeof parent || m->target[0] != '/') { errno = EINVAL; return -1; }
    const char *base = split_parent(m->target, parent);
    if (base[0] != '\0') {
        int pfd = cshim_mkdir_in_root(rootfd, parent);
        if (pfd < 0) return -1;
        struct stat st;
        int exists = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (exists && S_ISLNK(st.st_mode) && m->refuse_final_symlink) { close(pfd); errno = ELOOP; return -1; }
        if (!exists && m->kind == CSHIM_MOUNT_BIND_FILE) {
            int f = openat(pfd, base, O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
            if (f < 0 && errno != EEXIST) { int e = errno; close(pfd); errno = e; return -1; }
            if (f >= 0) close(f);
        }
        close(pfd);
    }
    if (m->kind == CSHIM_MOUNT_BIND_FILE) {
        int fd = open_in_root(rootfd, m->target, O_PATH | O_CLOEXEC, 0);
        if (fd >= 0 || errno != ENOENT) return fd;
        // A dangling symlink (an image's /etc/resolv.conf → ../run/…): create its target, which
        // RESOLVE_IN_ROOT keeps inside the root, then mount there.
        int created = open_in_root(rootfd, m->target, O_CREAT | O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
        if (created < 0) return -1;
        close(created);
        return open_in_root(rootfd, m->target, O_PATH | O_CLOEXEC, 0);
    }
    return cshim_mkdir_in_root(rootfd, m->target);
}

/// Remounts the mount now at `target` (resolved again: the old fd still names the covered dentry).
static int remount_readonly(int rootfd, const char *target, unsigned long extra) {
    int fd = open_in_root(rootfd, target, O_PATH | O_CLOEXEC, 0);
    if (fd < 0) return -1;
    char path[32];
    cshim_fd_path(path, fd);
    int rc = mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | extra, NULL);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

static void mount_user(int rootfd, const struct cshim_mount *m, int index, int efd) {
    int fd = resolve_target(rootfd, m);
    if (fd < 0) cshim_fail(efd, CSHIM_STEP_MOUNT_TARGET, errno, index);
    char path[32];
    cshim_fd_path(path, fd);
    int rc;
    if (m->kind == CSHIM_MOUNT_TMPFS)
        rc = mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | (m->readonly ? MS_RDONLY : 0), m->data);
    else
        rc = mount(m->source, path, NULL, MS_BIND | MS_REC, NULL);
    if (rc < 0) cshim_fail(efd, CSHIM_STEP_MOUNT, errno, index);
    close(fd);
    if (m->readonly && m->kind != CSHIM_MOUNT_TMPFS && remount_readonly(rootfd, m->target, 0) < 0)
        cshim_fail(efd, CSHIM_STEP_MOUNT, errno, index);
}

static int mount_at(int rootfd, const char *target, const char *source, const char *fstype,
                    unsigned long flags, const char *data) {
    int fd = cshim_mkdir_in_root(rootfd, target);
    if (fd < 0) return -1;
    char path[32];
    cshim_fd_path(path, fd);
    int rc = mount(source, path, fstype, flags, data);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

static void populate_dev(int rootfd, int efd) {
    if (mount_at(rootfd, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
        cshim_fail(efd, CSHIM_STEP_DEV, errno, 0);
    int dev = open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    if (dev < 0) cshim_fail(efd, CSHIM_STEP_DEV, errno, 1);
    static const struct { const char *name; unsigned major, minor; } nodes[] = {
        { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 },
        { "urandom", 1, 9 }, { "tty", 5, 0 },
    };
    for (unsigned i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        if (mknodat(dev, nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) == 0) continue;
        // Without CAP_MKNOD (user namespaces): bind the host's node instead.
        int f = openat(dev, nodes[i].name, O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC, 0666);
        if (f < 0) cshim_fail(efd, CSHIM_STEP_DEV, errno, 10 + (int)i);
        char path[32], host[64];
        cshim_fd_path(path, f);
        strcpy(host, "/dev/");
        strcat(host, nodes[i].name);
        if (mount(host, path, NULL, MS_BIND, NULL) < 0) cshim_fail(efd, CSHIM_STEP_DEV, errno, 10 + (int)i);
        close(f);
    }
    if (mkdirat(dev, "pts", 0755) < 0) cshim_fail(efd, CSHIM_STEP_DEV, errno, 2);
    if (mount_at(rootfd, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                 "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0)
        cshim_fail(efd, CSHIM_STEP_DEV, errno, 3);
    if (symlinkat("pts/ptmx", dev, "ptmx") < 0) cshim_fail(efd, CSHIM_STEP_DEV, errno, 4);
    if (mkdirat(dev, "shm", 01777) < 0) cshim_fail(efd, CSHIM_STEP_DEV, errno, 5);
    if (mount_at(rootfd, "/dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") < 0)
        cshim_fail(efd, CSHIM_STEP_DEV, errno, 6);
    if (mkdirat(dev, "mqueue", 0755) < 0) cshim_fail(efd, CSHIM_STEP_DEV, errno, 7);
    if (mount_at(rootfd, "/dev/mqueue", "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        cshim_fail(efd, CSHIM_STEP_DEV, errno, 8);
    static const struct { const char *target, *name; } links[] = {
        { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
        { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" }, { "/proc/kcore", "core" },
    };
    for (unsigned i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlinkat(links[i].target, dev, links[i].name) < 0) cshim_fail(efd, CSHIM_STEP_DEV, errno, 20 + (int)i);
    close(dev);
}

static void mask_paths(int rootfd, int efd) {
    for (int i = 0; masked_paths[i]; i++) {
        int fd = open_in_root(rootfd, masked_paths[i], O_PATH | O_CLOEXEC | O_NOFOLLOW, 0);
        if (fd < 0) {
            if (errno == ENOENT) continue;
            cshim_fail(efd, CSHIM_STEP_MASK, errno, i);
        }
        struct stat st;
        if (fstat(fd, &st) < 0) cshim_fail(efd, CSHIM_STEP_MASK, errno, i);
        char path[32];
        cshim_fd_path(path, fd);
        int rc = S_ISDIR(st.st_mode)
            ? mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0")
            : mount("/dev/null", path, NULL, MS_BIND, NULL);
        if (rc < 0) cshim_fail(efd, CSHIM_STEP_MASK, errno, i);
        close(fd);
    }
    for (int i = 0; readonly_paths[i]; i++) {
        int fd = open_in_root(rootfd, readonly_paths[i], O_PATH | O_CLOEXEC | O_NOFOLLOW, 0);
        if (fd < 0) {
            if (errno == ENOENT) continue;
            cshim_fail(efd, CSHIM_STEP_READONLY_PATHS, errno, i);
        }
        char path[32];
        cshim_fd_path(path, fd);
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) cshim_fail(efd, CSHIM_STEP_READONLY_PATHS, errno, i);
        close(fd);
        if (remount_readonly(rootfd, readonly_paths[i], MS_NOSUID | MS_NODEV | MS_NOEXEC) < 0)
            cshim_fail(efd, CSHIM_STEP_READONLY_PATHS, errno, i);
    }
}

/// A fresh network namespace has `lo` down; Docker's containers get it up.
static int loopback_up(void) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    int e = errno;
    close(s);
    errno = e;
    return rc;
}

#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#define CSHIM_FSCONFIG_SET_STRING 1
#define CSHIM_FSCONFIG_CMD_CREATE 6

/// overlayfs through the new mount API: one fsconfig call per lower directory, no length limit.
static int mount_overlay_by_parts(const struct cshim_container *c) {
    int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
    if (fs < 0) return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && c->overlay_lower_dirs[i]; i++)
        rc = (int)syscall(SYS_fsconfig, fs, CSHIM_FSCONFIG_SET_STRING, "lowerdir+", c->overlay_lower_dirs[i], 0);
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, CSHIM_FSCONFIG_SET_STRING, "upperdir", c->overlay_upper_dir, 0);
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, CSHIM_FSCONFIG_SET_STRING, "workdir", c->overlay_work_dir, 0);
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, CSHIM_FSCONFIG_CMD_CREATE, NULL, NULL, 0);
    int mnt = rc == 0 ? (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0) : -1;
    if (mnt >= 0) rc = (int)syscall(SYS_move_mount, mnt, "", AT_FDCWD, c->rootfs, MOVE_MOUNT_F_EMPTY_PATH);
    else rc = -1;
    int e = errno;
    if (mnt >= 0) close(mnt);
    close(fs);
    errno = e;
    return rc;
}

__attribute__((noreturn)) static void container_main(const struct cshim_container *c) {
    int efd = c->error_fd;
    close(c->parent_error_fd);
    close(c->parent_go_fd);
    // Into the cgroup before anything else: nothing of the container runs outside its limits.
    cshim_join_cgroups(c->cgroup_files, efd);
    // With a go pipe, the parent may prepare more (network) while we wait for its byte.
    if (c->go_fd >= 0) {
        char byte;
        ssize_t r;
        do { r = read(c->go_fd, &byte, 1); } while (r < 0 && errno == EINTR);
        if (r != 1) cshim_fail(efd, CSHIM_STEP_WAIT_GO, r < 0 ? errno : EPIPE, -1);
        close(c->go_fd);
    }
    // Now that we sit in our cgroup, it becomes the root of our cgroup namespace.
    if (unshare(CLONE_NEWCGROUP) < 0 && errno != EINVAL) cshim_fail(efd, CSHIM_STEP_SETNS, errno, 1);
    if (c->net_mode == CSHIM_NET_JOIN) {
        if (setns(c->join_netns_fd, CLONE_NEWNET) < 0) cshim_fail(efd, CSHIM_STEP_SETNS, errno, 0);
        close(c->join_netns_fd);
    }
    if (c->join_utsns_fd >= 0) {
        if (setns(c->join_utsns_fd, CLONE_NEWUTS) < 0) cshim_fail(efd, CSHIM_STEP_SETNS, errno, 2);
        close(c->join_utsns_fd);
    }
    if (c->net_mode == CSHIM_NET_NEW && loopback_up() < 0) cshim_fail(efd, CSHIM_STEP_LOOPBACK, errno, -1);
    cshim_setup_stdio(&c->process, efd);
    umask(0);

    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) cshim_fail(efd, CSHIM_STEP_PROPAGATION, errno, -1);
    int rc;
    if (c->overlay_options) rc = mount("overlay", c->rootfs, "overlay", 0, c->overlay_options);
    else if (c->overlay_lower_dirs) rc = mount_overlay_by_parts(c);
    else rc = mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL);
    if (rc < 0) cshim_fail(efd, CSHIM_STEP_ROOTFS, errno, -1);
    int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) cshim_fail(efd, CSHIM_STEP_ROOTFS, errno, -2);

    if (mount_at(rootfd, "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        cshim_fail(efd, CSHIM_STEP_PROC, errno, -1);
    populate_dev(rootfd, efd);
    unsigned long sysflags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (mount_at(rootfd, "/sys", "sysfs", "sysfs", sysflags, NULL) < 0) {
        // sysfs of a netns we do not own (host network) may refuse: bind the host's, read-only.
        if (errno != EPERM && errno != EBUSY) cshim_fail(efd, CSHIM_STEP_SYS, errno, 0);
        if (mount_at(rootfd, "/sys", "/sys", NULL, MS_BIND | MS_REC, NULL) < 0
            || remount_readonly(rootfd, "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC) < 0)
            cshim_fail(efd, CSHIM_STEP_SYS, errno, 1);
    }
    for (int i = 0; i < c->nmounts; i++) mount_user(rootfd, &c->mounts[i], i, efd);

    if (fchdir(rootfd) < 0) cshim_fail(efd, CSHIM_STEP_PIVOT_ROOT, errno, 0);
    if (syscall(SYS_pivot_root, ".", ".") < 0) cshim_fail(efd, CSHIM_STEP_PIVOT_ROOT, errno, 1);
    if (umount2(".", MNT_DETACH) < 0) cshim_fail(efd, CSHIM_STEP_PIVOT_ROOT, errno, 2);
    if (chdir("/") < 0) cshim_fail(efd, CSHIM_STEP_PIVOT_ROOT, errno, 3);
    close(rootfd);
    int newroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (newroot < 0) cshim_fail(efd, CSHIM_STEP_PIVOT_ROOT, errno, 4);
    mask_paths(newroot, efd);
    // The working directory must exist before the root may become read-only.
    if (c->process.workdir) {
        int wd = cshim_mkdir_in_root(newroot, c->process.workdir);
        if (wd < 0 && !(errno == EROFS || errno == EACCES)) cshim_fail(efd, CSHIM_STEP_WORKDIR, errno, -3);
        if (wd >= 0) close(wd);
    }
    close(newroot);
    if (c->readonly_root && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
        cshim_fail(efd, CSHIM_STEP_READONLY_ROOT, errno, -1);
    if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
        cshim_fail(efd, CSHIM_STEP_HOSTNAME, errno, -1);
    cshim_finish_and_exec(&c->process, efd);
}

static int container_entry(void *arg) {
    container_main(arg);
}

pid_t cshim_spawn_container(const struct cshim_container *c) {
    unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | SIGCHLD;
    if (c->net_mode == CSHIM_NET_NEW) flags |= CLONE_NEWNET;
    if (c->join_utsns_fd < 0) flags |= CLONE_NEWUTS;
    if (c->go_fd < 0 && !c->process.use_init) {
        // posix_spawn's way: share the memory and suspend this thread until the child execs or
        // exits (CLONE_VM | CLONE_VFORK), so no page table is copied and no page faults in as
        // copy-on-write. The child runs on its own stack, touches nothing but it, and starts
        // with every signal blocked so that no handler of ours runs in it; it resets them all
        // before execve. (With init, PID 1 never execs: it takes the fork-like path below.)
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        size_t size = 256 * 1024;
        void *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        pid_t pid = -1;
        int e = errno;
        if (stack != MAP_FAILED) {
            pid = clone(container_entry, (char *)stack + size, (int)(flags | CLONE_VM | CLONE_VFORK), (void *)c);
            e = errno;
            munmap(stack, size);
        }
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        errno = e;
        return pid;
    }
    // Fork-like clone (no CLONE_VM): the child gets its own copy of `c` and of the strings in it.
    pid_t pid = (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
    if (pid == 0) container_main(c);
    return pid;
}
