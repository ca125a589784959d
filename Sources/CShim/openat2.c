#include "cshim_openat2.h"
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

const uint64_t CSHIM_RESOLVE_NO_XDEV = RESOLVE_NO_XDEV;
const uint64_t CSHIM_RESOLVE_NO_MAGICLINKS = RESOLVE_NO_MAGICLINKS;
const uint64_t CSHIM_RESOLVE_NO_SYMLINKS = RESOLVE_NO_SYMLINKS;
const uint64_t CSHIM_RESOLVE_BENEATH = RESOLVE_BENEATH;
const uint64_t CSHIM_RESOLVE_IN_ROOT = RESOLVE_IN_ROOT;

int cshim_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve) {
    struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}
