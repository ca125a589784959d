// Background removers, forked so that the command returns first: the half of `run --rm` that
// removes the container's cgroups and directory once its exit code is reported, and the
// deletion of a retired bridge (deleting a link waits for the kernel's RCU grace period, tens
// of milliseconds). C only, no allocation (the child of a fork must not depend on the parent's
// locks), bounded stack per directory level.
#define _GNU_SOURCE
#include "cshim.h"
#include <dirent.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct linux_dirent64_view {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/// Removes everything inside the directory `fd` (closed on return), then nothing else.
static void remove_contents(int fd) {
    char buffer[2048];
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
        if (n <= 0) break;
        int removed_any = 0;
        for (long offset = 0; offset < n;) {
            struct linux_dirent64_view *entry = (struct linux_dirent64_view *)(buffer + offset);
            offset += entry->d_reclen;
            const char *name = entry->d_name;
            if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
            if (unlinkat(fd, name, 0) == 0) {
                removed_any = 1;
                continue;
            }
            if (errno != EISDIR && errno != EPERM) continue;
            int child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0) continue;
            // overlayfs leaves its work/work directory without permissions: root passes anyway.
            remove_contents(child);
            if (unlinkat(fd, name, AT_REMOVEDIR) == 0) removed_any = 1;
        }
        // Entries were removed while reading: start over until a pass finds nothing to remove.
        if (removed_any) lseek(fd, 0, SEEK_SET);
    }
    close(fd);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/// Kills what is left in a cgroup (its `cgroup.procs`) and removes it, retrying while busy.
static void remove_cgroup(const char *dir) {
    for (int attempt = 0; attempt < 200; attempt++) {
        if (rmdir(dir) == 0 || errno == ENOENT) return;
        if (errno != EBUSY) return;
        char path[4096];
        size_t len = strlen(dir);
        if (len + sizeof "/cgroup.procs" <= sizeof path) {
            memcpy(path, dir, len);
            memcpy(path + len, "/cgroup.procs", sizeof "/cgroup.procs");
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                char pids[4096];
                ssize_t n = read(fd, pids, sizeof pids - 1);
                close(fd);
                if (n > 0) {
                    pids[n] = 0;
                    for (char *p = pids; *p;) {
                        long pid = strtol(p, &p, 10);
                        if (pid > 0) kill((pid_t)pid, SIGKILL);
                        while (*p == '\n') p++;
                    }
                }
            }
        }
        sleep_ms(10);
    }
}

/// In the child of a fork: a session of its own (no terminal signals), stdio on /dev/null so
/// that whoever reads the parent's output sees its end when the parent exits, no other
/// inherited descriptor, default signal dispositions (the CLI's handlers forward signals to a
/// container's pid, which may be reused by now) and nothing blocked.
/// Detaches the child from its parent's session and descriptors, keeping only `keep` (or none
/// when negative).
static void become_detached(int keep) {
    setsid();
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    if (keep >= 3) {
        if (keep > 3) syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U);
        syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U);
    } else {
        syscall(SYS_close_range, 3U, ~0U, 0U);
    }
    for (int signal_number = 1; signal_number < NSIG; signal_number++) {
        if (signal_number != SIGKILL && signal_number != SIGSTOP) signal(signal_number, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

pid_t cshim_spawn_remover(const char *const *cgroup_dirs, const char *directory) {
    pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (pid != 0) return pid;
    become_detached(-1);
    for (int i = 0; cgroup_dirs && cgroup_dirs[i]; i++) remove_cgroup(cgroup_dirs[i]);
    int fd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) remove_contents(fd);
    rmdir(directory);
    _exit(0);
}

pid_t cshim_spawn_link_remover(const char *name, const char *record, const char *claimed, const char *reclaimed,
                                int record_lock, unsigned grace_ms) {
    size_t name_length = strlen(name);
    if (name_length == 0 || name_length > 15) return -1;
    pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (pid != 0) return pid;
    // The record's flock (taken by the parent, shared with this copy of the descriptor) tells
    // a sweep that the deletion is under way: it lasts exactly as long as this process.
    become_detached(record_lock);
    struct timespec grace = {.tv_sec = grace_ms / 1000, .tv_nsec = (long)(grace_ms % 1000) * 1000000L};
    while (nanosleep(&grace, &grace) != 0 && errno == EINTR) {
    }
    // Whoever renames the record first owns the link: a network created again meanwhile takes
    // it back (`LinkRetirement.reclaim` renames the record to `reclaimed` first), and then there
    // is nothing to delete. A record gone otherwise (its state root was removed) still leaves
    // the link to delete; after a finished reclaim the retired name no longer exists.
    const char *owned = claimed;
    if (rename(record, claimed) != 0) {
        if (access(reclaimed, F_OK) == 0) _exit(0);
        owned = NULL;
    }
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd >= 0) {
        // RTM_DELLINK by name (IFLA_IFNAME): the retired name is ours alone.
        struct {
            struct nlmsghdr header;
            struct ifinfomsg info;
            struct rtattr name_attribute;
            char name[16];
        } request;
        memset(&request, 0, sizeof request);
        request.name_attribute.rta_type = IFLA_IFNAME;
        request.name_attribute.rta_len = (unsigned short)RTA_LENGTH(name_length + 1);
        memcpy(request.name, name, name_length);
        request.header.nlmsg_len = NLMSG_LENGTH(sizeof request.info) + RTA_ALIGN(request.name_attribute.rta_len);
        request.header.nlmsg_type = RTM_DELLINK;
        request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        request.header.nlmsg_seq = 1;
        request.info.ifi_family = AF_UNSPEC;
        struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
        if (sendto(fd, &request, request.header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) >= 0) {
            char acknowledgement[1024];
            // The acknowledgement comes once the link is gone: only then is the record removed.
            ssize_t received = recv(fd, acknowledgement, sizeof acknowledgement, 0);
            struct nlmsghdr *reply = (struct nlmsghdr *)acknowledgement;
            if (received >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && reply->nlmsg_type == NLMSG_ERROR) {
                int error = ((struct nlmsgerr *)NLMSG_DATA(reply))->error;
                if ((error == 0 || error == -ENODEV) && owned) unlink(owned);
            }
        }
        close(fd);
    }
    _exit(0);
}
