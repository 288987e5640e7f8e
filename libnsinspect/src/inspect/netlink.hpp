// rtnetlink dumps of a network namespace, through a socket made inside it by a thread that
// joined it (setns of a network namespace is per thread, so nothing else of nsview moves).
#pragma once

#include <optional>
#include <vector>

#include "discovery/fs_util.hpp"
#include "nsinspect/inspect.hpp"

namespace nsinspect::inspect::impl {

// A NETLINK_ROUTE socket (O_CLOEXEC) in the network namespace netns_fd; invalid on failure
// (errno set): the thread could not join (EPERM without CAP_SYS_ADMIN) or open it.
detail::Fd netlink_socket_in(int netns_fd);

struct LinkDump {
  std::vector<Interface> interfaces;  // with addresses
  std::vector<Route> routes;          // main table, unicast
  std::vector<int> master;            // per interface: IFLA_MASTER ifindex, 0 none
};
// Links, addresses and routes through sock; nullopt when a dump fails.
std::optional<LinkDump> dump(int sock);

}  // namespace nsinspect::inspect::impl
