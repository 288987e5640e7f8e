// rtnetlink dumps of a network namespace, through a socket made inside it by a thread that
// joined it (setns of a network namespace is per thread, so nothing else of nsview moves).
#pragma once

#include <cerrno>
#include <linux/netlink.h>
#include <optional>
#include <sys/socket.h>
#include <vector>

#include "discovery/fs_util.hpp"
#include "nsinspect/inspect.hpp"

namespace nsinspect::inspect::impl {

// A netlink socket (O_CLOEXEC; NETLINK_ROUTE unless another protocol is given) in the network
// namespace netns_fd; invalid on failure (errno set): the thread could not join (EPERM
// without CAP_SYS_ADMIN) or open it.
detail::Fd netlink_socket_in(int netns_fd, int protocol = 0);

// What a reply handler wants next: more replies, or to end the request with success or failure.
enum class Reply { more, done, fail };

// Reads sock's replies to request seq (others are skipped) and calls f(nlmsghdr*) for each
// until f ends the request. NLMSG_DONE ends it with success, NLMSG_ERROR and a failed or
// empty recv with failure. true on success.
template <class F>
bool for_each_reply(int sock, unsigned seq, F f) {
  std::vector<char> buf(32768);
  for (;;) {
    ssize_t n = recv(sock, buf.data(), buf.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    int len = static_cast<int>(n);
    for (auto* nh = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
      if (nh->nlmsg_seq != seq) continue;
      if (nh->nlmsg_type == NLMSG_DONE) return true;
      if (nh->nlmsg_type == NLMSG_ERROR) return false;
      if (Reply r = f(nh); r != Reply::more) return r == Reply::done;
    }
  }
}

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
