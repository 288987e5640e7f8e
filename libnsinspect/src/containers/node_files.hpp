// Reading engine state below a scan root, and keeping what was parsed from it while the file
// stays the same. Private to libnsinspect's container identification.
#pragma once

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

#include "discovery/fs_util.hpp"

namespace nsinspect::containers {

// Reads files below the scan root (readers read, parsers parse).
class NodeFiles {
 public:
  using Version = std::array<int64_t, 7>;
  explicit NodeFiles(const std::string& root) : prefix_(root == "/" ? std::string() : root) {}
  // Contents of an absolute path under the root; nullopt when absent or unreadable.
  std::optional<std::string> read(const std::string& path) const {
    std::string out;
    if (int err = detail::read_file_at(AT_FDCWD, (prefix_ + path).c_str(), out); err != 0) {
      denied_ += err == EACCES || err == EPERM;
      return std::nullopt;
    }
    return out;
  }
  // Reads path in windows of at most 64 KiB, each starting with the last `overlap` bytes of
  // the one before, and calls f(window) for each: a scanner for records shorter than overlap
  // sees each whole at least once, and the file is never held whole (podman's bolt_state.db
  // is 4 MiB and more). false when absent or unreadable.
  template <class F>
  bool read_windows(const std::string& path, std::size_t overlap, F f) const {
    detail::Fd fd(::open((prefix_ + path).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!fd) {
      denied_ += errno == EACCES || errno == EPERM;
      return false;
    }
    std::string buf(std::size_t(65536), '\0');
    std::size_t kept = 0;  // bytes carried over from the window before
    for (;;) {
      ssize_t n = ::read(fd.get(), buf.data() + kept, buf.size() - kept);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      const std::size_t have = kept + static_cast<std::size_t>(n);
      if (n > 0 || kept == 0) f(std::string_view(buf.data(), have));
      if (n == 0) return true;
      kept = std::min(overlap, have);
      std::memmove(buf.data(), buf.data() + have - kept, kept);
    }
  }
  // A file opened for reads at any offset, for parsers that need only parts of a large file.
  struct RandomAccess {
    std::shared_ptr<detail::Fd> fd;
    uint64_t size = 0;
    // Up to len bytes at off; fewer at the end of the file or on an error.
    std::string operator()(uint64_t off, std::size_t len) const {
      std::string out(len, '\0');
      std::size_t got = 0;
      while (got < len) {
        ssize_t n = ::pread(fd->get(), out.data() + got, len - got, static_cast<off_t>(off + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
      }
      out.resize(got);
      return out;
    }
  };
  std::optional<RandomAccess> open(const std::string& path) const {
    auto fd = std::make_shared<detail::Fd>(::open((prefix_ + path).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    struct stat st;
    if (!*fd || ::fstat(fd->get(), &st) != 0) {
      denied_ += errno == EACCES || errno == EPERM;
      return std::nullopt;
    }
    return RandomAccess{std::move(fd), static_cast<uint64_t>(st.st_size)};
  }
  // The target of a symbolic link under the root; "" when unreadable.
  std::string link(const std::string& path) const {
    char buf[256];
    ssize_t n = ::readlink((prefix_ + path).c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  // What identifies a file's version: device, inode, size, mtime and ctime. nullopt when it
  // cannot be stat'ed (a refusal counts as denied).
  std::optional<Version> version(const std::string& path) const {
    struct stat st;
    if (::stat((prefix_ + path).c_str(), &st) != 0) {
      denied_ += errno == EACCES || errno == EPERM;
      return std::nullopt;
    }
    return Version{static_cast<int64_t>(st.st_dev), static_cast<int64_t>(st.st_ino), st.st_size,
                   st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
  }
  const std::string& prefix() const { return prefix_; }
  // How many reads were refused (engine state is often root's only): what they would have
  // said is unknown, not absent.
  std::size_t denied() const { return denied_; }

 private:
  std::string prefix_;
  mutable std::size_t denied_ = 0;
};

// What a parser made of a file, kept per path (under the scan root) while the file's version
// (NodeFiles::version) stays the same: `top`, the TUI and `serve` identify containers on every
// refresh, and re-parsing every runtime state, OCI config and engine store each time was most of
// a rescan's CPU. Shared by every scan of the process; entries no scan asked for in the last
// two sweeps are dropped.
template <class T>
class ParsedFiles {
 public:
  // The parse of path's current contents; nullptr when it cannot be stat'ed or read. A file
  // that changed while it was read is parsed but not kept (the next call reads it again).
  template <class Parse>
  std::shared_ptr<const T> get(const NodeFiles& files, const std::string& path, Parse parse) {
    return get_loaded(files, path, [&]() -> std::optional<T> {
      auto text = files.read(path);
      if (!text) return std::nullopt;
      return parse(*text);
    });
  }
  // The same with the file read by load() (an optional<T>: nullopt when unreadable).
  template <class Load>
  std::shared_ptr<const T> get_loaded(const NodeFiles& files, const std::string& path, Load load) {
    auto before = files.version(path);
    if (!before) return nullptr;
    const std::string where = files.prefix() + path;
    {
      std::lock_guard g(m_);
      if (auto it = map_.find(where); it != map_.end() && it->second.version == *before) {
        it->second.used = gen_;
        return it->second.value;
      }
    }
    std::optional<T> loaded = load();
    if (!loaded) return nullptr;
    auto value = std::make_shared<const T>(std::move(*loaded));
    if (files.version(path) == before) {
      std::lock_guard g(m_);
      map_[where] = Entry{*before, value, gen_};
    }
    return value;
  }
  // Called once per identification: forgets files not asked for since the sweep before last.
  void sweep() {
    std::lock_guard g(m_);
    ++gen_;
    std::erase_if(map_, [&](const auto& kv) { return kv.second.used + 2 < gen_; });
  }

 private:
  struct Entry {
    NodeFiles::Version version{};
    std::shared_ptr<const T> value;
    uint64_t used = 0;
  };
  std::mutex m_;
  std::unordered_map<std::string, Entry> map_;
  uint64_t gen_ = 0;
};

}  // namespace nsinspect::containers
