#include <archive.h>
#include <archive_entry.h>
// Archive metadata the layer code restores and reads: Swift's Glibc module leaves out
// <sys/xattr.h>, and syncfs(2) is declared only under _GNU_SOURCE.
#include <sys/xattr.h>
int syncfs(int fd);
