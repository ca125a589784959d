#ifndef CSHIM_OPENAT2_H
#define CSHIM_OPENAT2_H
// openat2(2): Glibc has no wrapper, and Swift cannot call the variadic syscall(2).
#include <stdint.h>

/// RESOLVE_* flags of <linux/openat2.h>, re-exported as constants Swift can see.
extern const uint64_t CSHIM_RESOLVE_NO_XDEV;
extern const uint64_t CSHIM_RESOLVE_NO_MAGICLINKS;
extern const uint64_t CSHIM_RESOLVE_NO_SYMLINKS;
extern const uint64_t CSHIM_RESOLVE_BENEATH;
extern const uint64_t CSHIM_RESOLVE_IN_ROOT;

/// openat2(dirfd, path, {flags, mode, resolve}). Returns a file descriptor, or -1 with errno set.
int cshim_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve);

#endif
