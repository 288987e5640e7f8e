#include "discovery/nsfs.hpp"

#include <cstring>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

namespace nsinspect::detail {

std::optional<NsInode> fd_inode(int fd, uint64_t* dev) {
  struct stat st;
  if (fstat(fd, &st) != 0) return std::nullopt;
  if (dev) *dev = st.st_dev;
  return st.st_ino;
}

std::optional<NsType> ns_get_type(int nsfd) {
  int flag = ioctl(nsfd, NS_GET_NSTYPE);
  if (flag < 0) return std::nullopt;
  return ns_type_from_clone_flag(flag);
}

Fd ns_get_userns(int nsfd) { return Fd(ioctl(nsfd, NS_GET_USERNS)); }
Fd ns_get_parent(int nsfd) { return Fd(ioctl(nsfd, NS_GET_PARENT)); }

std::optional<uid_t> ns_get_owner_uid(int userns_fd) {
  uid_t uid;
  if (ioctl(userns_fd, NS_GET_OWNER_UID, &uid) != 0) return std::nullopt;
  return uid;
}

Fd socket_netns(int sockfd) { return Fd(ioctl(sockfd, SIOCGSKNS)); }

int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }
int pidfd_getfd(int pidfd, int targetfd) {
  return static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, targetfd, 0));
}

NetnsidQuery::NetnsidQuery()
    : sock_(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {
  if (sock_) {
    struct timeval tv{1, 0};
    setsockopt(sock_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
}

std::optional<int> NetnsidQuery::query(int netns_fd) {
  if (!sock_) return std::nullopt;
  struct {
    struct nlmsghdr nh;
    struct rtgenmsg g;
    char pad[3];
    struct rtattr rta;
    int32_t fd;
  } req;
  std::memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = sizeof req;
  req.nh.nlmsg_type = RTM_GETNSID;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = ++seq_;
  req.g.rtgen_family = AF_UNSPEC;
  req.rta.rta_type = NETNSA_FD;
  req.rta.rta_len = RTA_LENGTH(sizeof(int32_t));
  req.fd = netns_fd;
  if (send(sock_.get(), &req, sizeof req, 0) < 0) return std::nullopt;
  alignas(struct nlmsghdr) char buf[4096];
  for (;;) {
    ssize_t n = recv(sock_.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    auto* nh = reinterpret_cast<struct nlmsghdr*>(buf);
    int len = static_cast<int>(n);
    for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
      if (nh->nlmsg_seq != seq_) continue;  // a late answer to an earlier query
      if (nh->nlmsg_type == NLMSG_ERROR) return std::nullopt;
      if (nh->nlmsg_type != RTM_NEWNSID) return std::nullopt;
      auto* rta = reinterpret_cast<struct rtattr*>(
          reinterpret_cast<char*>(NLMSG_DATA(nh)) + NLMSG_ALIGN(sizeof(struct rtgenmsg)));
      int alen = static_cast<int>(NLMSG_PAYLOAD(nh, sizeof(struct rtgenmsg)));
      for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
        if (rta->rta_type == NETNSA_NSID) {
          int32_t id;
          std::memcpy(&id, RTA_DATA(rta), sizeof id);
          return id < 0 ? -1 : id;
        }
      return std::nullopt;
    }
  }
}

}  // namespace nsinspect::detail
