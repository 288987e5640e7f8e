// rtnetlink: RTM_GETLINK, RTM_GETADDR and RTM_GETROUTE dumps, parsed into Interface and Route.
#include "inspect/netlink.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

namespace nsinspect::inspect::impl {

using detail::Fd;

Fd netlink_socket_in(int netns_fd, int protocol) {
  int fd = -1, err = 0;
  // A short-lived thread joins the namespace: the socket stays in it after the thread ends.
  std::thread t([&] {
    if (setns(netns_fd, CLONE_NEWNET) != 0) {
      err = errno;
      return;
    }
    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol ? protocol : NETLINK_ROUTE);
    if (fd < 0) err = errno;
  });
  t.join();
  if (fd < 0) errno = err;
  Fd sock(fd);
  if (sock) {
    struct timeval tv{2, 0};
    setsockopt(sock.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  return sock;
}

namespace {

std::string_view operstate_name(unsigned s) {
  static constexpr std::string_view names[] = {"unknown", "notpresent", "down", "lowerlayerdown",
                                               "testing", "dormant", "up"};
  return s < 7 ? names[s] : "unknown";
}

std::string mac_text(const unsigned char* p, std::size_t n) {
  std::string s;
  char b[4];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%s%02x", i ? ":" : "", p[i]);
    s += b;
  }
  return s;
}

std::string addr_text(int family, const void* p) {
  char buf[INET6_ADDRSTRLEN];
  return inet_ntop(family, p, buf, sizeof buf) ? std::string(buf) : std::string();
}

uint32_t u32(const rtattr* a) {
  uint32_t v = 0;
  std::memcpy(&v, RTA_DATA(a), std::min<std::size_t>(sizeof v, RTA_PAYLOAD(a)));
  return v;
}

// Sends one dump request and calls f(nlmsghdr*) for each answer until NLMSG_DONE.
template <class F>
bool dump_one(int sock, uint16_t type, unsigned char family, unsigned seq, F f) {
  struct {
    nlmsghdr nh;
    union {
      ifinfomsg ifi;
      ifaddrmsg ifa;
      rtmsg rtm;
    } body;
  } req;
  std::memset(&req, 0, sizeof req);
  req.nh.nlmsg_type = type;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nh.nlmsg_seq = seq;
  if (type == RTM_GETLINK) {
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
    req.body.ifi.ifi_family = family;
  } else if (type == RTM_GETADDR) {
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
    req.body.ifa.ifa_family = family;
  } else {
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
    req.body.rtm.rtm_family = family;
  }
  if (send(sock, &req, req.nh.nlmsg_len, 0) < 0) return false;
  return for_each_reply(sock, seq, [&](nlmsghdr* nh) {
    f(nh);
    return Reply::more;
  });
}

// One RTM_NEWLINK message as an Interface; master is its IFLA_MASTER ifindex (0: none).
Interface parse_link(nlmsghdr* nh, int& master) {
  Interface i;
  master = 0;
  auto* ifi = static_cast<ifinfomsg*>(NLMSG_DATA(nh));
  i.ifindex = ifi->ifi_index;
  i.up = (ifi->ifi_flags & IFF_UP) != 0;
  if (ifi->ifi_type == ARPHRD_LOOPBACK) i.kind = "loopback";
  int alen = static_cast<int>(IFLA_PAYLOAD(nh));
  for (auto* a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
    switch (a->rta_type) {
      case IFLA_IFNAME: i.name.assign(static_cast<const char*>(RTA_DATA(a)), strnlen(static_cast<const char*>(RTA_DATA(a)), RTA_PAYLOAD(a))); break;
      case IFLA_MTU: i.mtu = static_cast<int>(u32(a)); break;
      case IFLA_OPERSTATE: i.state = std::string(operstate_name(*static_cast<const unsigned char*>(RTA_DATA(a)))); break;
      case IFLA_ADDRESS:
        if (ifi->ifi_type == ARPHRD_ETHER) i.mac = mac_text(static_cast<const unsigned char*>(RTA_DATA(a)), RTA_PAYLOAD(a));
        break;
      case IFLA_LINK: i.peer_ifindex = static_cast<int>(u32(a)); break;
      case IFLA_LINK_NETNSID: i.link_netnsid = static_cast<int>(u32(a)); break;
      case IFLA_MASTER: master = static_cast<int>(u32(a)); break;
      case IFLA_LINKINFO: {
        int nlen = static_cast<int>(RTA_PAYLOAD(a));
        for (auto* n = static_cast<rtattr*>(RTA_DATA(a)); RTA_OK(n, nlen); n = RTA_NEXT(n, nlen))
          if (n->rta_type == IFLA_INFO_KIND)
            i.kind.assign(static_cast<const char*>(RTA_DATA(n)), strnlen(static_cast<const char*>(RTA_DATA(n)), RTA_PAYLOAD(n)));
        break;
      }
      default: break;
    }
  }
  // IFLA_LINK of a device not paired across namespaces is its own index or lower device.
  if (i.peer_ifindex && *i.peer_ifindex == *i.ifindex) i.peer_ifindex.reset();
  return i;
}

}  // namespace

std::optional<LinkDump> dump(int sock, bool links_only) {
  LinkDump d;
  bool ok = dump_one(sock, RTM_GETLINK, AF_UNSPEC, 1, [&](nlmsghdr* nh) {
    if (nh->nlmsg_type != RTM_NEWLINK) return;
    int master = 0;
    Interface i = parse_link(nh, master);
    d.interfaces.push_back(std::move(i));
    d.master.push_back(master);
  });
  if (!ok) return std::nullopt;
  if (links_only) return d;

  ok = dump_one(sock, RTM_GETADDR, AF_UNSPEC, 2, [&](nlmsghdr* nh) {
    if (nh->nlmsg_type != RTM_NEWADDR) return;
    auto* ifa = static_cast<ifaddrmsg*>(NLMSG_DATA(nh));
    std::string local, address;
    int alen = static_cast<int>(IFA_PAYLOAD(nh));
    for (auto* a = IFA_RTA(ifa); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
      if (a->rta_type == IFA_LOCAL) local = addr_text(ifa->ifa_family, RTA_DATA(a));
      if (a->rta_type == IFA_ADDRESS) address = addr_text(ifa->ifa_family, RTA_DATA(a));
    }
    // IFA_LOCAL is the interface's own address (IFA_ADDRESS is the peer's on point-to-point).
    std::string text = (local.empty() ? address : local);
    if (text.empty()) return;
    text += "/" + std::to_string(ifa->ifa_prefixlen);
    for (auto& i : d.interfaces)
      if (i.ifindex && static_cast<unsigned>(*i.ifindex) == ifa->ifa_index) i.addresses.push_back(text);
  });
  if (!ok) return std::nullopt;

  ok = dump_one(sock, RTM_GETROUTE, AF_UNSPEC, 3, [&](nlmsghdr* nh) {
    if (nh->nlmsg_type != RTM_NEWROUTE) return;
    auto* rtm = static_cast<rtmsg*>(NLMSG_DATA(nh));
    if (rtm->rtm_type != RTN_UNICAST) return;
    Route r;
    r.family = rtm->rtm_family == AF_INET6 ? "inet6" : "inet";
    r.table = rtm->rtm_table;
    std::string dst;
    int oif = 0;
    int alen = static_cast<int>(RTM_PAYLOAD(nh));
    for (auto* a = RTM_RTA(rtm); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
      switch (a->rta_type) {
        case RTA_DST: dst = addr_text(rtm->rtm_family, RTA_DATA(a)); break;
        case RTA_GATEWAY: r.gateway = addr_text(rtm->rtm_family, RTA_DATA(a)); break;
        case RTA_OIF: oif = static_cast<int>(u32(a)); break;
        case RTA_PRIORITY: r.metric = u32(a); break;
        case RTA_TABLE: r.table = u32(a); break;
        default: break;
      }
    }
    if (r.table != RT_TABLE_MAIN) return;
    r.dst = rtm->rtm_dst_len == 0 ? "default" : dst + "/" + std::to_string(rtm->rtm_dst_len);
    for (const auto& i : d.interfaces)
      if (i.ifindex == oif) r.dev = i.name;
    d.routes.push_back(std::move(r));
  });
  if (!ok) return std::nullopt;
  return d;
}

std::optional<Interface> link(int sock, int ifindex, int& master) {
  struct {
    nlmsghdr nh;
    ifinfomsg ifi;
  } req;
  std::memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
  req.nh.nlmsg_type = RTM_GETLINK;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = 4;
  req.ifi.ifi_family = AF_UNSPEC;
  req.ifi.ifi_index = ifindex;
  if (send(sock, &req, req.nh.nlmsg_len, 0) < 0) return std::nullopt;
  std::optional<Interface> out;
  for_each_reply(sock, req.nh.nlmsg_seq, [&](nlmsghdr* nh) {  // NLMSG_ERROR (ENODEV): no such link
    if (nh->nlmsg_type != RTM_NEWLINK) return Reply::more;
    out = parse_link(nh, master);
    return Reply::done;
  });
  return out;
}

}  // namespace nsinspect::inspect::impl
