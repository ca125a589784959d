// Wrappers for what Glibc hides from Swift (macros, variadic calls, syscalls without wrappers).
#define _GNU_SOURCE
#include "include/cshim.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int cshim_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }
int cshim_pidfd_send_signal(int pidfd, int sig) { return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0); }
int cshim_waitpid(pid_t pid, int *status, int options) {
    int r;
    do { r = waitpid(pid, status, options); } while (r < 0 && errno == EINTR);
    return r;
}
int cshim_wifexited(int status) { return WIFEXITED(status); }
int cshim_wexitstatus(int status) { return WEXITSTATUS(status); }
int cshim_wifsignaled(int status) { return WIFSIGNALED(status); }
int cshim_wtermsig(int status) { return WTERMSIG(status); }

pid_t cshim_spawn_detached(const char *path, char *const argv[], char *const envp[],
                           int stdin_fd, int stdout_fd, int stderr_fd, int keep_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    // Move every source above the targets first so that dup2 order cannot clobber one.
    int in = fcntl(stdin_fd, F_DUPFD_CLOEXEC, 10);
    int out = fcntl(stdout_fd, F_DUPFD_CLOEXEC, 10);
    int err = fcntl(stderr_fd, F_DUPFD_CLOEXEC, 10);
    int keep = keep_fd >= 0 ? fcntl(keep_fd, F_DUPFD_CLOEXEC, 10) : -1;
    pid_t pid = -1;
    if (in < 0 || out < 0 || err < 0 || (keep_fd >= 0 && keep < 0)) goto done;
    posix_spawn_file_actions_adddup2(&actions, in, 0);
    posix_spawn_file_actions_adddup2(&actions, out, 1);
    posix_spawn_file_actions_adddup2(&actions, err, 2);
    if (keep >= 0) posix_spawn_file_actions_adddup2(&actions, keep, 3);
    // A detached process lives long: it must not hold whatever its parent inherited without
    // close-on-exec (a listening socket, another child's pipe), so everything else is closed.
    posix_spawn_file_actions_addclosefrom_np(&actions, keep >= 0 ? 4 : 3);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawn(&pid, path, &actions, &attr, argv, envp);
    if (rc != 0) { pid = -1; errno = rc; }
done:;
    int saved = errno;
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    if (err >= 0) close(err);
    if (keep >= 0) close(keep);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    errno = saved;
    return pid;
}

int cshim_open_pty(int *master, int *slave) {
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0) return -1;
    char name[128];
    if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof name) != 0) { close(m); return -1; }
    int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0) { close(m); return -1; }
    *master = m;
    *slave = s;
    return 0;
}

int cshim_tty_raw(int fd, void *saved, int saved_size) {
    struct termios t;
    if ((size_t)saved_size < sizeof t) { errno = EINVAL; return -1; }
    if (tcgetattr(fd, &t) < 0) return -1;
    memcpy(saved, &t, sizeof t);
    cfmakeraw(&t);
    return tcsetattr(fd, TCSANOW, &t);
}

int cshim_tty_restore(int fd, const void *saved) {
    struct termios t;
    memcpy(&t, saved, sizeof t);
    return tcsetattr(fd, TCSANOW, &t);
}

int cshim_tty_copy_size(int from_fd, int to_fd) {
    struct winsize ws;
    if (ioctl(from_fd, TIOCGWINSZ, &ws) < 0) return -1;
    return ioctl(to_fd, TIOCSWINSZ, &ws);
}

int cshim_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int cshim_socketpair_cloexec(int fds[2]) { return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds); }

int cshim_recv_fd(int socket_fd) {
    char byte;
    struct iovec iov = { &byte, 1 };
    union { struct cmsghdr header; char buffer[CMSG_SPACE(sizeof(int))]; } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buffer;
    msg.msg_controllen = sizeof control.buffer;
    ssize_t n;
    do { n = recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n <= 0) return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) { errno = EPROTO; return -1; }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}
