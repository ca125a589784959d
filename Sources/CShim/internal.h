// Helpers shared by the child code paths. Everything here is async-signal-safe and allocation-free:
// it runs in a cloned or forked child of a multithreaded Swift process.
#ifndef CSHIM_INTERNAL_H
#define CSHIM_INTERNAL_H
#define _GNU_SOURCE
#include "include/cshim.h"
#include <stddef.h>

/// Reports `{step, errno, index}` on the error pipe and exits (127/126 for exec, 125 otherwise).
__attribute__((noreturn)) void cshim_fail(int error_fd, int step, int error, int index);

/// Raw fork: glibc's fork() runs atfork handlers and takes locks another thread may hold.
pid_t cshim_raw_fork(void);

/// Sets up stdio, session, rlimits, credentials, capabilities, workdir and signals, then execs
/// (or runs the minimal init). Never returns.
__attribute__((noreturn)) void cshim_finish_and_exec(const struct cshim_process *p, int error_fd);

/// Makes fds 0, 1, 2 the requested ones (robust against overlaps).
void cshim_setup_stdio(const struct cshim_process *p, int error_fd);

/// Creates every missing directory of absolute `path` inside `rootfd` (resolved in root) and
/// returns an O_PATH fd of it, or -1.
int cshim_mkdir_in_root(int rootfd, const char *path);

/// Joins the cgroups: writes "0" to each file (the child is single-threaded). Fails hard.
void cshim_join_cgroups(const char *const *files, int error_fd);

/// Writes "/proc/self/fd/N" into buf (at least 32 bytes).
void cshim_fd_path(char *buf, int fd);
#endif
