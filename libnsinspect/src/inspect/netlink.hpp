// rtnetlink dumps of a network namespace, through a socket made inside it by a thread that
// joined it (setns of a network namespace is per thread, so nothing else of nsview moves).
#pragma once

#include <optional>
#include <vector>

#include "discovery/fs_util.hpp"
#include "nsinspect/inspect.hpp"

namespace nsinspect::inspect::impl {

// A netlink socket (O_CLOEXEC; NETLINK_ROUTE unless another protocol is given) in the network
// namespace netns_fd; invalid on failure (errno set): the thread could not join (EPERM
// without CAP_SYS_ADMIN) or open it.
detail::Fd netlink_socket_in(int netns_fd, int protocol = 0);

struct LinkDump {
  std::vector<Interface> interfaces;  // with addresses
  std::vector<Route> routes;          // main table, unicast
  std::vector<int> master;            // per interface: IFLA_MASTER ifindex, 0 none
};
// Links, addresses and routes through sock (links only: no addresses, no routes); nullopt
// when a dump fails.
std::optional<LinkDump> dump(int sock, bool links_only = false);

// One link of sock's namespace by ifindex (RTM_GETLINK without a dump: a node's hundred
// veths are not read to find one); master is its IFLA_MASTER ifindex, 0 for none. nullopt when
// there is no such link or the request fails.
std::optional<Interface> link(int sock, int ifindex, int& master);

// The TCP sockets in LISTEN of one family (AF_INET: what /proc/PID/net/tcp lists, AF_INET6:
// tcp6), in the same order, through a NETLINK_SOCK_DIAG socket; nullopt when the dump fails.
std::optional<std::vector<Listener>> tcp_listeners(int sock_diag_socket, int family);

}  // namespace nsinspect::inspect::impl
