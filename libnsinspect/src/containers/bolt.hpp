// A read-only walker over a bbolt database (containerd's meta.db): no database library, no
// writes, no locks. It reads the pages a walk reaches and no others, so a file of tens of MiB
// (mostly content, snapshot and lease records) is never held whole. Every offset is
// bounds-checked: a torn or hostile file yields fewer entries, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nsinspect::containers::bolt {

// A bucket: where its B+tree is (a page of the file, or a page inline in its parent's value).
struct Bucket {
  std::string_view inline_page;  // non-empty for an inline bucket
  uint64_t root = 0;             // page id otherwise
};

// Up to len bytes of the database at offset off; fewer at its end or on an error.
using ReadAt = std::function<std::string(uint64_t off, std::size_t len)>;

class Db {
 public:
  // Over bytes in memory (kept by the caller while the Db lives).
  explicit Db(std::string_view bytes);
  // Over `size` bytes read through `read` page by page, as walks reach them.
  Db(ReadAt read, uint64_t size);
  bool valid() const { return page_size_ != 0; }
  Bucket root() const { return root_; }
  // Calls f(key, value, bucket) for every entry of b in key order; bucket is set for a nested
  // bucket (value is then its header). f returns false to stop.
  void for_each(const Bucket& b, const std::function<bool(std::string_view, std::string_view,
                                                          const std::optional<Bucket>&)>& f) const;
  // Keys, values and inline buckets given out point into pages the Db holds: valid while it lives.
  // The nested bucket KEY of b; nullopt when absent or not a bucket.
  std::optional<Bucket> bucket(const Bucket& b, std::string_view key) const;
  // The value KEY of b; nullopt when absent or a bucket.
  std::optional<std::string_view> get(const Bucket& b, std::string_view key) const;

 private:
  bool walk(std::string_view page, int depth, std::size_t& budget,
            const std::function<bool(std::string_view, std::string_view, const std::optional<Bucket>&)>& f) const;
  std::string_view page(uint64_t id) const;
  ReadAt read_;
  uint64_t size_ = 0;
  // Pages read so far, by id: each is read once however many walks pass it, so a hostile
  // file's cycles cost no more than the file.
  mutable std::unordered_map<uint64_t, std::string> pages_;
  mutable uint64_t held_ = 0;  // their bytes
  uint32_t page_size_ = 0;
  Bucket root_;
};

}  // namespace nsinspect::containers::bolt
