// The process half of a container child (shared by a container's first process and `exec`):
// credentials, capabilities, rlimits, signals, the minimal init, and execve with a PATH lookup.
// Runs in a cloned/forked child of a multithreaded process: raw syscalls, no allocation.
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

const char *cshim_step_name(int step) {
    switch (step) {
    case CSHIM_STEP_WAIT_GO: return "wait for the parent";
    case CSHIM_STEP_SETNS: return "join namespace";
    case CSHIM_STEP_PROPAGATION: return "make mounts private";
    case CSHIM_STEP_ROOTFS: return "mount the root filesystem (overlay)";
    case CSHIM_STEP_PROC: return "mount /proc";
    case CSHIM_STEP_DEV: return "populate /dev";
    case CSHIM_STEP_SYS: return "mount /sys";
    case CSHIM_STEP_MOUNT: return "mount";
    case CSHIM_STEP_MOUNT_TARGET: return "resolve mount target inside the root";
    case CSHIM_STEP_PIVOT_ROOT: return "pivot_root";
    case CSHIM_STEP_MASK: return "mask paths";
    case CSHIM_STEP_READONLY_PATHS: return "make paths read-only";
    case CSHIM_STEP_READONLY_ROOT: return "remount the root read-only";
    case CSHIM_STEP_HOSTNAME: return "set hostname";
    case CSHIM_STEP_WORKDIR: return "change to the working directory";
    case CSHIM_STEP_RLIMIT: return "set resource limits";
    case CSHIM_STEP_CAPABILITIES: return "set capabilities";
    case CSHIM_STEP_CREDENTIALS: return "set user and groups";
    case CSHIM_STEP_NO_NEW_PRIVS: return "set no_new_privs";
    case CSHIM_STEP_STDIO: return "set up stdio";
    case CSHIM_STEP_TTY: return "set the controlling terminal";
    case CSHIM_STEP_INIT_FORK: return "fork the command under init";
    case CSHIM_STEP_EXEC: return "execve";
    case CSHIM_STEP_FORK: return "fork into the container's pid namespace";
    case CSHIM_STEP_LOOPBACK: return "bring up the loopback interface";
    case CSHIM_STEP_CONSOLE: return "allocate the pseudo-terminal";
    case CSHIM_STEP_CGROUP: return "join the container's cgroup";
    default: return "unknown step";
    }
}

void cshim_fail(int error_fd, int step, int error, int index) {
    struct cshim_failure f = { step, error, index };
    ssize_t r;
    do { r = write(error_fd, &f, sizeof f); } while (r < 0 && errno == EINTR);
    if (step == CSHIM_STEP_EXEC) _exit(error == ENOENT ? 127 : 126);
    _exit(125);
}

void cshim_join_cgroups(const char *const *files, int error_fd) {
    for (int i = 0; files && files[i]; i++) {
        int fd = open(files[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0) cshim_fail(error_fd, CSHIM_STEP_CGROUP, errno, i);
        ssize_t n;
        do { n = write(fd, "0", 1); } while (n < 0 && errno == EINTR);
        if (n != 1) cshim_fail(error_fd, CSHIM_STEP_CGROUP, errno, i);
        close(fd);
    }
}

pid_t cshim_raw_fork(void) { return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0); }

void cshim_fd_path(char *buf, int fd) {
    static const char prefix[] = "/proc/self/fd/";
    memcpy(buf, prefix, sizeof prefix - 1);
    char digits[16];
    int n = 0;
    unsigned v = (unsigned)fd;
    do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    char *p = buf + sizeof prefix - 1;
    while (n) *p++ = digits[--n];
    *p = '\0';
}

static int open_in_root(int rootfd, const char *path, int flags) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)flags;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

int cshim_mkdir_in_root(int rootfd, const char *path) {
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf || path[0] != '/') { errno = EINVAL; return -1; }
    memcpy(buf, path, n + 1);
    if (n == 1) return open_in_root(rootfd, "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char saved = buf[i];
        buf[i] = '\0';
        int fd = open_in_root(rootfd, buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
            char *slash = strrchr(buf, '/');
            *slash = '\0';
            int parent = open_in_root(rootfd, slash == buf ? "/" : buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
            *slash = '/';
            if (parent < 0) return -1;
            int rc = mkdirat(parent, slash + 1, 0755);
            int e = errno;
            close(parent);
            if (rc < 0 && e != EEXIST) { errno = e; return -1; }
            fd = open_in_root(rootfd, buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        buf[i] = saved;
        if (fd < 0) return -1;
        if (saved == '\0') return fd;
        close(fd);
    }
    errno = EINVAL;
    return -1;
}

void cshim_setup_stdio(const struct cshim_process *p, int error_fd) {
    int fds[3] = { p->stdin_fd, p->stdout_fd, p->stderr_fd };
    int high[3];
    for (int i = 0; i < 3; i++) {
        high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
        if (high[i] < 0) cshim_fail(error_fd, CSHIM_STEP_STDIO, errno, i);
    }
    for (int i = 0; i < 3; i++) {
        if (dup2(high[i], i) < 0) cshim_fail(error_fd, CSHIM_STEP_STDIO, errno, i);
        close(high[i]);
    }
}

static void apply_rlimits(const struct cshim_process *p, int error_fd) {
    for (int i = 0; i < p->nrlimits; i++) {
        struct rlimit cur, want;
        if (getrlimit(p->rlimits[i].resource, &cur) < 0) cshim_fail(error_fd, CSHIM_STEP_RLIMIT, errno, i);
        // Without CAP_SYS_RESOURCE the hard limit can only go down: clamp instead of failing.
        want.rlim_max = p->rlimits[i].hard < cur.rlim_max ? p->rlimits[i].hard : cur.rlim_max;
        want.rlim_cur = p->rlimits[i].soft < want.rlim_max ? p->rlimits[i].soft : want.rlim_max;
        if (setrlimit(p->rlimits[i].resource, &want) < 0) cshim_fail(error_fd, CSHIM_STEP_RLIMIT, errno, i);
    }
}

static void apply_credentials_and_capabilities(const struct cshim_process *p, int error_fd) {
    uint64_t keep = p->capabilities;
    for (int cap = 0; cap < 64; cap++) {
        if (keep & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            cshim_fail(error_fd, CSHIM_STEP_CAPABILITIES, errno, cap);
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) cshim_fail(error_fd, CSHIM_STEP_CAPABILITIES, errno, -1);
    // Raw syscalls: glibc's set*id broadcast to "all threads" would signal the parent's stale tids.
    if (syscall(SYS_setgroups, p->ngroups, p->groups) < 0) cshim_fail(error_fd, CSHIM_STEP_CREDENTIALS, errno, 0);
    if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0) cshim_fail(error_fd, CSHIM_STEP_CREDENTIALS, errno, 1);
    if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0) cshim_fail(error_fd, CSHIM_STEP_CREDENTIALS, errno, 2);
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    data[0].effective = data[0].permitted = (uint32_t)keep;
    data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
    if (syscall(SYS_capset, &header, data) < 0) cshim_fail(error_fd, CSHIM_STEP_CAPABILITIES, errno, -2);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        cshim_fail(error_fd, CSHIM_STEP_CAPABILITIES, errno, -3);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) cshim_fail(error_fd, CSHIM_STEP_CAPABILITIES, errno, -4);
    if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        cshim_fail(error_fd, CSHIM_STEP_NO_NEW_PRIVS, errno, -1);
}

static void reset_signals(void) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        sigaction(sig, &dfl, NULL);  // fails harmlessly for glibc-reserved signals
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

__attribute__((noreturn)) static void exec_command(const struct cshim_process *p, int error_fd) {
    const char *file = p->argv[0];
    char *const *argv = (char *const *)p->argv;
    char *const *envp = (char *const *)p->envp;
    if (file == NULL || file[0] == '\0') cshim_fail(error_fd, CSHIM_STEP_EXEC, ENOENT, -1);
    if (strchr(file, '/')) {
        execve(file, argv, envp);
        cshim_fail(error_fd, CSHIM_STEP_EXEC, errno, -1);
    }
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (const char *const *e = p->envp; *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0) path = *e + 5;
    size_t flen = strlen(file);
    char buf[4096];
    int denied = 0, other = 0;
    const char *segment = path;
    for (;;) {
        const char *end = strchr(segment, ':');
        size_t slen = end ? (size_t)(end - segment) : strlen(segment);
        if (slen + flen + 2 < sizeof buf) {
            size_t n = 0;
            if (slen == 0) buf[n++] = '.';
            else { memcpy(buf, segment, slen); n = slen; }
            buf[n++] = '/';
            memcpy(buf + n, file, flen + 1);
            execve(buf, argv, envp);
            if (errno == EACCES) denied = 1;
            else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP && errno != ENAMETOOLONG) other = errno;
        }
        if (!end) break;
        segment = end + 1;
    }
    cshim_fail(error_fd, CSHIM_STEP_EXEC, other ? other : (denied ? EACCES : ENOENT), -1);
}

/// PID 1 (or the exec relay): forks the command, forwards every signal to it, reaps all children,
/// and exits with the command's status.
__attribute__((noreturn)) static void run_init(const struct cshim_process *p, int error_fd) {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    pid_t child = cshim_raw_fork();
    if (child < 0) cshim_fail(error_fd, CSHIM_STEP_INIT_FORK, errno, -1);
    if (child == 0) {
        reset_signals();
        exec_command(p, error_fd);
    }
    close(error_fd);  // the command's exec (its copy closing) alone decides the EOF
    // We never exec: without a name of our own, ps would show the parent's command line.
    prctl(PR_SET_NAME, "init", 0, 0, 0);
    syscall(SYS_close_range, 3U, ~0U, 0U);
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) continue;
        if (sig != SIGCHLD) {
            kill(child, sig);
            continue;
        }
        for (;;) {
            int status;
            pid_t done = waitpid(-1, &status, WNOHANG);  // PID 1 inherits orphans: reap them all
            if (done <= 0) break;
            if (done == child) {
                if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
                _exit(128 + WTERMSIG(status));
            }
        }
    }
}

/// Opens a pty in the container's own devpts (so `tty` inside names a real /dev/pts/N), makes
/// the slave fds 0-2, and hands the master to the parent over the console socket.
static void open_console(const struct cshim_process *p, int error_fd) {
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) cshim_fail(error_fd, CSHIM_STEP_CONSOLE, errno, 0);
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0) cshim_fail(error_fd, CSHIM_STEP_CONSOLE, errno, 1);
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0) cshim_fail(error_fd, CSHIM_STEP_CONSOLE, errno, 2);
    char byte = 0;
    struct iovec iov = { &byte, 1 };
    union { struct cmsghdr header; char buffer[CMSG_SPACE(sizeof(int))]; } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buffer;
    msg.msg_controllen = sizeof control.buffer;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof master);
    ssize_t n;
    do { n = sendmsg(p->console_socket, &msg, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    if (n < 0) cshim_fail(error_fd, CSHIM_STEP_CONSOLE, errno, 3);
    close(master);
    close(p->console_socket);
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0) cshim_fail(error_fd, CSHIM_STEP_CONSOLE, errno, 4);
    close(slave);
}

void cshim_finish_and_exec(const struct cshim_process *p, int error_fd) {
    if (p->tty && p->console_socket >= 0) open_console(p, error_fd);
    apply_rlimits(p, error_fd);
    if (setsid() < 0 && errno != EPERM) cshim_fail(error_fd, CSHIM_STEP_TTY, errno, -1);
    if (p->tty && ioctl(0, TIOCSCTTY, 0) < 0) cshim_fail(error_fd, CSHIM_STEP_TTY, errno, -1);
    if (p->workdir) {
        // Created when missing (as root, before dropping ids); a read-only root that lacks it
        // fails at chdir below with a clear error.
        int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int fd = root >= 0 ? cshim_mkdir_in_root(root, p->workdir) : -1;
        if (fd < 0 && errno != EROFS) cshim_fail(error_fd, CSHIM_STEP_WORKDIR, errno, -1);
        if (fd >= 0) close(fd);
        if (root >= 0) close(root);
    }
    apply_credentials_and_capabilities(p, error_fd);
    if (p->workdir && chdir(p->workdir) < 0) cshim_fail(error_fd, CSHIM_STEP_WORKDIR, errno, -2);
    umask(022);
    // Nothing of the parent's may leak into the container: every fd above stdio closes on exec.
    syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    if (p->use_init) run_init(p, error_fd);
    reset_signals();
    exec_command(p, error_fd);
}

__attribute__((noreturn)) static void exec_main(const struct cshim_exec *e) {
    int efd = e->error_fd;
    close(e->parent_error_fd);
    close(e->parent_go_fd);
    cshim_join_cgroups(e->cgroup_files, efd);
    char byte;
    ssize_t r;
    do { r = read(e->go_fd, &byte, 1); } while (r < 0 && errno == EINTR);
    if (r != 1) cshim_fail(efd, CSHIM_STEP_WAIT_GO, r < 0 ? errno : EPIPE, -1);
    close(e->go_fd);
    cshim_setup_stdio(&e->process, efd);
    for (int i = 0; i < 8 && e->ns_fds[i] >= 0; i++) {
        if (setns(e->ns_fds[i], 0) < 0) cshim_fail(efd, CSHIM_STEP_SETNS, errno, i);
        close(e->ns_fds[i]);
    }
    // setns(pid) only applies to children: fork once more so the command lives in the namespace,
    // and relay its signals and status like an init does.
    struct cshim_process relay = e->process;
    relay.use_init = 1;
    umask(0);
    cshim_finish_and_exec(&relay, efd);
}

pid_t cshim_spawn_exec(const struct cshim_exec *e) {
    pid_t pid = cshim_raw_fork();
    if (pid == 0) exec_main(e);
    return pid;
}
