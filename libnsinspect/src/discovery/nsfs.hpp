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
// A namespace by its 64-bit id (NS_GET_ID; nsfs file handles, Linux 6.18+), as nsenter 2.42's
// =:NSID. clone_flag is its type (CLONE_NEWNET, ...): the kernel looks ids up per type.
// On failure errno is set; *handle_failed tells whether building the file handle (rather
// than opening it) failed.
Fd open_ns_by_id(uint64_t id, int clone_flag, bool* handle_failed);
// The namespace's 64-bit id (NS_GET_ID, Linux 6.18+); nullopt when the kernel has none.
std::optional<uint64_t> ns_get_id(int nsfd);
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
