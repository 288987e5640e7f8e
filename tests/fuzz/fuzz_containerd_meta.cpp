// containerd's meta.db, through the read-only bbolt reader: the image names it holds, and a
// walk of every bucket. Input: a bbolt file. The harness re-signs both meta pages (FNV-1a, as
// bbolt does) so that mutations reach the B+tree instead of stopping at the checksum.
#include <cstring>
#include <string>

#include "containers/bolt.hpp"
#include "fuzz_input.hpp"
#include "nsinspect/container_sources.hpp"

using namespace nsinspect::containers;

namespace {

void sign_meta(std::string& s, std::size_t at) {
  const std::size_t b = at + 16;  // after the page header
  if (s.size() < b + 64) return;
  uint64_t h = 14695981039346656037ull;
  for (std::size_t i = 0; i < 56; ++i) {
    h ^= static_cast<unsigned char>(s[b + i]);
    h *= 1099511628211ull;
  }
  std::memcpy(&s[b + 56], &h, sizeof h);
}

// Every entry of every bucket below b, nested buckets to a few levels (a hostile file may
// nest a bucket in itself; the reader bounds one walk, the harness bounds the nesting).
std::size_t walk(const bolt::Db& db, std::string_view db_bytes, const bolt::Bucket& b, int depth) {
  std::size_t n = 0;
  db.for_each(b, [&](std::string_view key, std::string_view value, const std::optional<bolt::Bucket>& nested) {
    // The reader hands out views into its copies of the file's pages: bytes of the file.
    FUZZ_REQUIRE(db_bytes.find(key) != std::string_view::npos);
    FUZZ_REQUIRE(db_bytes.find(value) != std::string_view::npos);
    ++n;
    if (nested && depth < 4) n += walk(db, db_bytes, *nested, depth + 1);
    return n < 100000;
  });
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string s(fuzz::text(data, size));
  sign_meta(s, 0);
  uint32_t page_size = 0;
  if (s.size() >= 32) std::memcpy(&page_size, &s[24], sizeof page_size);
  if (page_size >= 512 && page_size <= (1u << 20)) sign_meta(s, page_size);
  if (page_size != 4096) sign_meta(s, 4096);

  for (const auto& [key, image] : parse_containerd_images(s)) {
    FUZZ_REQUIRE(!image.empty() && key.find('/') != std::string::npos);
    FUZZ_REQUIRE(key.size() + image.size() <= s.size());
  }
  bolt::Db db(s);
  if (db.valid()) {
    walk(db, s, db.root(), 0);
    if (auto v1 = db.bucket(db.root(), "v1")) (void)db.get(*v1, "version");
  }
  return 0;
}
