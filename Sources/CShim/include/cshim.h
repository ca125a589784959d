#ifndef CSHIM_H
#define CSHIM_H
// The few things Swift cannot do safely: the cloned container child, the exec helper, and
// wrappers for what Glibc hides. libc only.
//
// Everything the child needs is prepared by the parent in the structs below *before* clone():
// the child only reads them, never allocates, and reports a failure as a `cshim_failure`
// record on a close-on-exec pipe whose EOF means execve succeeded.

#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Namespace choices for the network of a new container.
enum cshim_net_mode {
    CSHIM_NET_NEW = 0,   ///< a fresh network namespace (only `lo`)
    CSHIM_NET_HOST = 1,  ///< the host's network namespace
    CSHIM_NET_JOIN = 2,  ///< setns into `join_netns_fd` (another container's namespace)
};

/// What one mount entry is.
enum cshim_mount_kind {
    CSHIM_MOUNT_BIND_DIR = 0,  ///< bind a host directory (created as a directory inside the root)
    CSHIM_MOUNT_BIND_FILE = 1, ///< bind a host file (created as an empty file inside the root)
    CSHIM_MOUNT_TMPFS = 2,     ///< a fresh tmpfs; `data` holds its options
};

/// One mount inside the container. Targets are absolute container paths, resolved inside the
/// new root (RESOLVE_IN_ROOT), so a symlink in the image can never point a mount at the host.
struct cshim_mount {
    int kind;                ///< enum cshim_mount_kind
    const char *source;      ///< host path (binds); NULL for tmpfs
    const char *target;      ///< absolute path inside the container
    const char *data;        ///< tmpfs options, or NULL
    int readonly;            ///< remount read-only after mounting
    int refuse_final_symlink;///< fail (ELOOP) when the target's last component is a symlink
};

/// One resource limit. The child never raises `hard` above the current hard limit.
struct cshim_rlimit {
    int resource;
    uint64_t soft;
    uint64_t hard;
};

/// The process part shared by a container's first process and by `exec`.
struct cshim_process {
    const char *const *argv;    ///< NULL-terminated; argv[0] is looked up in PATH from envp
    const char *const *envp;    ///< NULL-terminated
    const char *workdir;        ///< absolute; created when missing (as root, before dropping ids)
    uid_t uid;
    gid_t gid;
    const gid_t *groups;        ///< supplementary groups
    int ngroups;
    uint64_t capabilities;      ///< bit n = capability n kept (bounding/permitted/effective)
    int no_new_privs;
    const struct cshim_rlimit *rlimits;
    int nrlimits;
    int stdin_fd, stdout_fd, stderr_fd; ///< become 0, 1, 2
    int tty;                    ///< make fd 0 the controlling terminal
    int console_socket;         ///< with tty, >= 0: open a pty in the container's devpts, make its
                                ///< slave fds 0-2 and send the master over this unix socket
    int use_init;               ///< run a minimal init that forks the command, forwards signals, reaps
};

/// Everything the cloned child needs to build the container and execve.
struct cshim_container {
    struct cshim_process process;
    const char *rootfs;          ///< host directory that becomes "/" (mount point for the overlay)
    const char *overlay_options; ///< "lowerdir=…,upperdir=…,workdir=…"; NULL: bind `rootfs` itself
    /// The same overlay as separate paths (lower dirs TOP first, NULL-terminated), used through
    /// fsopen/fsconfig("lowerdir+") when `overlay_options` is NULL and these are set: many layers
    /// overflow mount(2)'s one-page option string.
    const char *const *overlay_lower_dirs;
    const char *overlay_upper_dir;
    const char *overlay_work_dir;
    int net_mode;                ///< enum cshim_net_mode
    int join_netns_fd;           ///< for CSHIM_NET_JOIN
    /// >= 0: setns into this UTS namespace instead of creating one (`container:` network mode
    /// shares the target's host name, as Docker does); -1: a new UTS namespace. Always set it.
    int join_utsns_fd;
    const char *hostname;        ///< NULL keeps the default (and is required with join_utsns_fd)
    int readonly_root;
    const struct cshim_mount *mounts;
    int nmounts;
    int error_fd;                ///< write end, O_CLOEXEC: failures; EOF means exec succeeded
    int go_fd;                   ///< read end: the child waits for one byte before building the
                                 ///< container (a window for the parent); -1: no wait, and the
                                 ///< parent is suspended until the exec (vfork-style, faster)
    int parent_error_fd;         ///< the parent's ends, closed in the child so EOFs stay meaningful
    int parent_go_fd;
    /// NULL-terminated cgroup files the child writes "0" to FIRST, before anything else: cgroup v1
    /// `tasks` files (moving the calling thread skips the global threadgroup lock and its RCU
    /// grace period, ~10 ms per write here), or the v2 `cgroup.procs`.
    const char *const *cgroup_files;
};

/// The parts of the kernel's namespaces an `exec` joins.
struct cshim_exec {
    struct cshim_process process;
    int ns_fds[8];   ///< open /proc/PID/ns/* fds, -1 terminated (user ns never joined)
    int error_fd;
    int go_fd;
    int parent_error_fd;
    int parent_go_fd;
    const char *const *cgroup_files; ///< as in cshim_container, written before joining namespaces
};

/// A failure in the child: which step, which errno, and which mount index (or -1).
struct cshim_failure {
    int32_t step;
    int32_t error;
    int32_t index;
};

/// Steps of the child, for messages.
enum cshim_step {
    CSHIM_STEP_WAIT_GO = 1,
    CSHIM_STEP_SETNS,
    CSHIM_STEP_PROPAGATION,
    CSHIM_STEP_ROOTFS,
    CSHIM_STEP_PROC,
    CSHIM_STEP_DEV,
    CSHIM_STEP_SYS,
    CSHIM_STEP_MOUNT,          ///< index = user mount index
    CSHIM_STEP_MOUNT_TARGET,   ///< index = user mount index
    CSHIM_STEP_PIVOT_ROOT,
    CSHIM_STEP_MASK,
    CSHIM_STEP_READONLY_PATHS,
    CSHIM_STEP_READONLY_ROOT,
    CSHIM_STEP_HOSTNAME,
    CSHIM_STEP_WORKDIR,
    CSHIM_STEP_RLIMIT,
    CSHIM_STEP_CAPABILITIES,
    CSHIM_STEP_CREDENTIALS,
    CSHIM_STEP_NO_NEW_PRIVS,
    CSHIM_STEP_STDIO,
    CSHIM_STEP_TTY,
    CSHIM_STEP_INIT_FORK,
    CSHIM_STEP_EXEC,           ///< errno ENOENT → 127, others → 126
    CSHIM_STEP_FORK,
    CSHIM_STEP_LOOPBACK,
    CSHIM_STEP_CONSOLE,
    CSHIM_STEP_CGROUP,         ///< index = cgroup file index
};

/// A human name for a step ("mount /proc", "execve", …).
const char *cshim_step_name(int step);

/// Clones the container child with the namespaces `c` asks for; returns its host pid or -1
/// (errno set). With `go_fd` the child waits for a byte before building the container; without
/// (and without init) this returns only once the child has exec'd or failed.
pid_t cshim_spawn_container(const struct cshim_container *c);

/// Forks a process that joins the namespaces in `e`, then forks again so that it lives inside the
/// pid namespace, relays signals to it, and exits with its status. Returns the first child's pid.
pid_t cshim_spawn_exec(const struct cshim_exec *e);

// Wrappers for what Glibc hides from Swift.
/// Forks a detached child (own session, stdio on /dev/null) that removes the NULL-terminated
/// cgroup directories (killing stragglers, retrying while busy) and then the directory tree
/// `directory`, and exits. Returns the child's pid (the caller need not wait for it), or -1.
pid_t cshim_spawn_remover(const char *const *cgroup_dirs, const char *directory);

/// Forks a detached child that waits `grace_ms`, takes the file `record` (which names the link
/// for a sweep should the child die first) by renaming it to `claimed` — or exits when a reclaim
/// took it first (renamed to `reclaimed`) — then deletes the link `name` (at most 15 bytes) and
/// removes `claimed`. The
/// child keeps the descriptor `record_lock` (the caller's flock on the record) until it exits,
/// so a sweep can tell a deletion under way from an abandoned record. Returns the child's pid,
/// or -1. Prepare every string before the call; the child allocates nothing.
pid_t cshim_spawn_link_remover(const char *name, const char *record, const char *claimed, const char *reclaimed,
                               int record_lock, unsigned grace_ms);

int cshim_pidfd_open(pid_t pid);
int cshim_pidfd_send_signal(int pidfd, int sig);
int cshim_waitpid(pid_t pid, int *status, int options);
int cshim_wifexited(int status);
int cshim_wexitstatus(int status);
int cshim_wifsignaled(int status);
int cshim_wtermsig(int status);
/// posix_spawn of `path` with `argv`/`envp` in a new session, stdin/out/err from the given fds,
/// `keep_fd` (or -1) inherited as fd 3. Returns pid or -1.
pid_t cshim_spawn_detached(const char *path, char *const argv[], char *const envp[],
                           int stdin_fd, int stdout_fd, int stderr_fd, int keep_fd);
/// Opens a pty pair; returns 0 and the master/slave fds, or -1.
int cshim_open_pty(int *master, int *slave);
/// Put a terminal into raw mode; saves the old mode in `saved` (an opaque 64-byte+ buffer).
int cshim_tty_raw(int fd, void *saved, int saved_size);
int cshim_tty_restore(int fd, const void *saved);
int cshim_tty_copy_size(int from_fd, int to_fd);
/// Receives one fd (SCM_RIGHTS) from a unix socket; -1 on EOF or error.
int cshim_recv_fd(int socket_fd);
/// socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC).
int cshim_socketpair_cloexec(int fds[2]);
/// pipe2(O_CLOEXEC), which Glibc hides behind _GNU_SOURCE.
int cshim_pipe_cloexec(int fds[2]);

#ifdef __cplusplus
}
#endif
#endif
