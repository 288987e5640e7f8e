// A read-only walker over a bbolt database file held in memory (containerd's meta.db): no
// database library, no writes, no locks. Every offset is bounds-checked: a torn or hostile
// file yields fewer entries, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace nsinspect::containers::bolt {

// A bucket: where its B+tree is (a page of the file, or a page inline in its parent's value).
struct Bucket {
  std::string_view inline_page;  // non-empty for an inline bucket
  uint64_t root = 0;             // page id otherwise
};

class Db {
 public:
  explicit Db(std::string_view bytes);
  bool valid() const { return page_size_ != 0; }
  Bucket root() const { return root_; }
  // Calls f(key, value, bucket) for every entry of b in key order; bucket is set for a nested
  // bucket (value is then its header). f returns false to stop.
  void for_each(const Bucket& b, const std::function<bool(std::string_view, std::string_view,
                                                          const std::optional<Bucket>&)>& f) const;
  // The nested bucket KEY of b; nullopt when absent or not a bucket.
  std::optional<Bucket> bucket(const Bucket& b, std::string_view key) const;
  // The value KEY of b; nullopt when absent or a bucket.
  std::optional<std::string_view> get(const Bucket& b, std::string_view key) const;

 private:
  bool walk(std::string_view page, int depth, std::size_t& budget,
            const std::function<bool(std::string_view, std::string_view, const std::optional<Bucket>&)>& f) const;
  std::string_view page(uint64_t id) const;
  std::string_view bytes_;
  uint32_t page_size_ = 0;
  Bucket root_;
};

}  // namespace nsinspect::containers::bolt
