// nsfs ioctls and netlink: questions asked of an open namespace file descriptor.
#pragma once

#include <optional>
#include <sys/types.h>

#include "discovery/fs_util.hpp"
#include "nsinspect/types.hpp"

namespace nsinspect::detail {

std::optional<NsInode> fd_inode(int fd, uint64_t* dev = nullptr);
std::optional<NsType> ns_get_type(int nsfd);
Fd ns_get_userns(int nsfd);  // owning user namespace
Fd ns_get_parent(int nsfd);  // pid/user parent; invalid at the top or outside our view
std::optional<uid_t> ns_get_owner_uid(int userns_fd);
// The network namespace of a socket fd (SIOCGSKNS).
Fd socket_netns(int sockfd);
int pidfd_open(pid_t pid);
int pidfd_getfd(int pidfd, int targetfd);

// Asks the kernel (RTM_GETNSID) for the id of a network namespace as seen from ours.
class NetnsidQuery {
 public:
  NetnsidQuery();
  // >= 0 the id, -1 unassigned, nullopt when the kernel would not say.
  std::optional<int> query(int netns_fd);

 private:
  Fd sock_;
  unsigned seq_ = 0;
};

}  // namespace nsinspect::detail
