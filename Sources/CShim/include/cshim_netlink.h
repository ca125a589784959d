#ifndef CSHIM_NETLINK_H
#define CSHIM_NETLINK_H
// Network namespace and netlink socket helpers that Glibc hides from Swift (setns, unshare,
// sockaddr_nl). Each returns 0 (or a file descriptor) on success and -errno on failure, so the
// caller never has to read a thread-local errno across a Swift call boundary.

/// setns(fd, CLONE_NEWNET) on the calling thread.
int cshim_netlink_setns_net(int fd);

/// unshare(CLONE_NEWNET) on the calling thread.
int cshim_netlink_unshare_net(void);

/// A NETLINK_ROUTE socket (close-on-exec) bound with a kernel-assigned port id in the calling
/// thread's network namespace, with extended ACKs and strict dump checking enabled when the
/// kernel supports them. Receive buffer grown to `receive_buffer_bytes` when non-zero.
int cshim_netlink_route_socket(int receive_buffer_bytes);

/// Sends `length` bytes to the kernel (port id 0) on a netlink socket.
long cshim_netlink_send(int fd, const void *bytes, unsigned long length);

#endif
