#include "discovery/mount_ids.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "discovery/fs_util.hpp"

namespace nsinspect::detail {

namespace {

// Debian 12's headers predate these (linux/nsfs.h, linux/mount.h of 6.11); the ABI is fixed.
constexpr unsigned long kNsGetMntnsId = _IOR(0xb7, 0x5, uint64_t);
#ifndef SYS_listmount
constexpr long kSysListmount = 458;  // the same number on every architecture but alpha and mips
#else
constexpr long kSysListmount = SYS_listmount;
#endif
constexpr uint64_t kListRoot = ~uint64_t{0};  // LSMT_ROOT: the whole namespace

struct MntIdReq {  // struct mnt_id_req, MNT_ID_REQ_SIZE_VER1
  uint32_t size;
  uint32_t spare;
  uint64_t mnt_id;
  uint64_t param;
  uint64_t mnt_ns_id;
};
static_assert(sizeof(MntIdReq) == 32);

}  // namespace

int mount_ns_id(int dirfd, const char* path, uint64_t& id) {
  Fd fd(::openat(dirfd, path, O_RDONLY | O_CLOEXEC));
  if (!fd) return errno;
  if (::ioctl(fd.get(), kNsGetMntnsId, &id) != 0) return errno;
  return 0;
}

int list_mounts(uint64_t mnt_ns_id, std::vector<uint64_t>& out) {
  out.clear();
  uint64_t ids[512];
  MntIdReq req{sizeof(MntIdReq), 0, kListRoot, 0, mnt_ns_id};
  for (;;) {
    long n = ::syscall(kSysListmount, &req, ids, std::size(ids), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    out.insert(out.end(), ids, ids + n);
    if (static_cast<std::size_t>(n) < std::size(ids)) return 0;
    req.param = ids[n - 1];  // continue after the last id returned
  }
}

}  // namespace nsinspect::detail
