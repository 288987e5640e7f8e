// bbolt's file format (go.etcd.io/bbolt, version 2): pages of page_size bytes, each with a
// 16-byte header {id u64, flags u16, count u16, overflow u32}. Pages 0 and 1 hold the meta
// {magic, version, page_size, flags, root bucket {root u64, sequence u64}, freelist, pgid,
// txid, checksum (FNV-1a 64 of the bytes before it)}; the valid one with the higher txid is
// current. Branch pages hold {pos u32, ksize u32, pgid u64} elements, leaf pages {flags u32,
// pos u32, ksize u32, vsize u32}; key (and value) at the element's own offset plus pos. A leaf
// entry with flag 1 is a nested bucket whose value is its header {root u64, sequence u64},
// followed by the bucket's one page when root is 0 (inline). Integers are little-endian on the
// machines that write them; this reads them as the host does.
#include "containers/bolt.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

namespace nsinspect::containers::bolt {

namespace {

constexpr uint32_t kMagic = 0xED0CDAED;
constexpr uint16_t kBranch = 0x01, kLeaf = 0x02, kMeta = 0x04;
constexpr uint32_t kBucketFlag = 0x01;
constexpr std::size_t kHeader = 16, kElement = 16;
constexpr int kMaxDepth = 64;  // far beyond any real tree: a cycle in a hostile file ends here

template <class T>
bool load(std::string_view s, std::size_t off, T& out) {
  if (off > s.size() || s.size() - off < sizeof(T)) return false;
  std::memcpy(&out, s.data() + off, sizeof(T));
  return true;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

struct Meta {
  uint32_t page_size = 0;
  uint64_t root = 0, txid = 0;
};

// The meta at byte offset `at`, when its magic, version and checksum hold.
std::optional<Meta> meta_at(std::string_view s, std::size_t at) {
  uint16_t flags = 0;
  uint32_t magic = 0, version = 0;
  Meta m;
  uint64_t checksum = 0;
  const std::size_t b = at + kHeader;
  if (!load(s, at + 8, flags) || !(flags & kMeta) || !load(s, b, magic) || !load(s, b + 4, version) ||
      !load(s, b + 8, m.page_size) || !load(s, b + 16, m.root) || !load(s, b + 48, m.txid) ||
      !load(s, b + 56, checksum))
    return std::nullopt;
  if (magic != kMagic || version != 2 || m.page_size < 512 || m.page_size > (1u << 20)) return std::nullopt;
  if (fnv1a(s.substr(b, 56)) != checksum) return std::nullopt;
  return m;
}

}  // namespace

Db::Db(std::string_view bytes)
    : Db([bytes](uint64_t off, std::size_t len) {
           return off < bytes.size() ? std::string(bytes.substr(off, len)) : std::string();
         },
         bytes.size()) {}

Db::Db(ReadAt read, uint64_t size) : read_(std::move(read)), size_(size) {
  const std::size_t kMetaBytes = kHeader + 64;
  auto meta = [&](uint64_t at) { return meta_at(read_(at, kMetaBytes), 0); };
  auto m0 = meta(0);
  std::optional<Meta> m1;
  // The second meta is one page further; the first says how far (or, when torn, try 4 KiB).
  for (uint32_t ps : {m0 ? m0->page_size : 0u, 4096u})
    if (ps && !m1) m1 = meta(ps);
  const Meta* m = m0 && (!m1 || m0->txid >= m1->txid) ? &*m0 : (m1 ? &*m1 : nullptr);
  if (!m) return;
  page_size_ = m->page_size;
  root_.root = m->root;
}

std::string_view Db::page(uint64_t id) const {
  if (!page_size_ || id < 2 || id > size_ / page_size_) return {};
  if (auto it = pages_.find(id); it != pages_.end()) return it->second;
  const uint64_t at = id * page_size_;
  std::string p = read_(at, page_size_);
  uint32_t overflow = 0;
  if (!load(p, 12, overflow)) return {};
  // The page's overflow continues it; shorter when the file is cut (elements are checked anyway).
  const uint64_t len = std::min<uint64_t>((uint64_t{overflow} + 1) * page_size_, size_ - at);
  // Real pages do not overlap, so all of them together are at most the file: a hostile file
  // whose pages all claim to run to its end stops there instead of costing size x pages.
  if (held_ + len > size_) return pages_.emplace(id, std::string()).first->second;
  if (len > p.size() && p.size() == page_size_) p += read_(at + page_size_, static_cast<std::size_t>(len - page_size_));
  held_ += p.size();
  return pages_.emplace(id, std::move(p)).first->second;
}

bool Db::walk(std::string_view p, int depth, std::size_t& budget,
              const std::function<bool(std::string_view, std::string_view, const std::optional<Bucket>&)>& f) const {
  uint16_t flags = 0, count = 0;
  if (depth > kMaxDepth || budget == 0 || !load(p, 8, flags) || !load(p, 10, count)) return true;
  --budget;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t e = kHeader + i * kElement;
    if (flags & kBranch) {
      uint64_t child = 0;
      if (!load(p, e + 8, child)) return true;
      if (!walk(page(child), depth + 1, budget, f)) return false;
    } else if (flags & kLeaf) {
      uint32_t eflags = 0, pos = 0, ksize = 0, vsize = 0;
      if (!load(p, e, eflags) || !load(p, e + 4, pos) || !load(p, e + 8, ksize) || !load(p, e + 12, vsize)) return true;
      const std::size_t k = e + pos;
      if (k > p.size() || p.size() - k < static_cast<std::size_t>(ksize) + vsize) return true;
      std::string_view key = p.substr(k, ksize), value = p.substr(k + ksize, vsize);
      std::optional<Bucket> nested;
      if (eflags & kBucketFlag) {
        Bucket b;
        if (!load(value, 0, b.root)) continue;
        if (b.root == 0) b.inline_page = value.substr(kHeader);  // after the bucket header
        nested = b;
      }
      if (!f(key, value, nested)) return false;
    }
  }
  return true;
}

void Db::for_each(const Bucket& b, const std::function<bool(std::string_view, std::string_view,
                                                            const std::optional<Bucket>&)>& f) const {
  if (!valid()) return;
  // A tree visits each page once; a hostile file's pages that point back at themselves stop
  // when the file's page count is spent.
  std::size_t budget = static_cast<std::size_t>(size_ / page_size_) + 1;
  walk(b.root ? page(b.root) : b.inline_page, 0, budget, f);
}

std::optional<Bucket> Db::bucket(const Bucket& b, std::string_view key) const {
  std::optional<Bucket> out;
  for_each(b, [&](std::string_view k, std::string_view, const std::optional<Bucket>& nested) {
    if (k != key) return true;
    out = nested;
    return false;
  });
  return out;
}

std::optional<std::string_view> Db::get(const Bucket& b, std::string_view key) const {
  std::optional<std::string_view> out;
  for_each(b, [&](std::string_view k, std::string_view v, const std::optional<Bucket>& nested) {
    if (k != key) return true;
    if (!nested) out = v;
    return false;
  });
  return out;
}

}  // namespace nsinspect::containers::bolt
