// containerd's meta.db (bbolt) read without a database library: a real file, every cut of it,
// and hand-built files with the shapes a bigger database has (branch pages, pages of several
// page sizes) or a hostile one could have (a page pointing at itself).
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <sstream>

#include "nsinspect/container_sources.hpp"

using namespace nsinspect::containers;

namespace {

std::string real_db() {
  std::ifstream f(std::string(NSVIEW_FIXTURES) + "/containers/oci/containerd-meta.db", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  REQUIRE(ss.str().size() == 28 * 4096);
  return ss.str();
}

// A bbolt file written by hand: pages of `ps` bytes, little-endian as on x86-64.
struct Builder {
  uint32_t ps;
  std::string bytes;
  explicit Builder(uint32_t page_size, int pages) : ps(page_size), bytes(std::size_t(page_size) * pages, '\0') {}
  template <class T> void put(std::size_t at, T v) { std::memcpy(&bytes[at], &v, sizeof v); }
  void header(std::size_t page, uint16_t flags, uint16_t count) {
    put<uint64_t>(page * ps, page);
    put<uint16_t>(page * ps + 8, flags);
    put<uint16_t>(page * ps + 10, count);
  }
  void meta(std::size_t page, uint64_t root, uint64_t txid) {
    header(page, 0x04, 0);
    const std::size_t b = page * ps + 16;
    put<uint32_t>(b, 0xED0CDAED);
    put<uint32_t>(b + 4, 2);
    put<uint32_t>(b + 8, ps);
    put<uint64_t>(b + 16, root);
    put<uint64_t>(b + 48, txid);
    uint64_t h = 14695981039346656037ull;
    for (std::size_t i = 0; i < 56; ++i) {
      h ^= static_cast<unsigned char>(bytes[b + i]);
      h *= 1099511628211ull;
    }
    put<uint64_t>(b + 56, h);
  }
  // A leaf page (at byte `at` in `out`) of (key, value, is_bucket) entries.
  struct Entry { std::string key, value; bool bucket; };
  static std::string leaf(const std::vector<Entry>& es) {
    std::string p(16 + 16 * es.size(), '\0');
    uint16_t flags = 0x02, count = static_cast<uint16_t>(es.size());
    std::memcpy(&p[8], &flags, 2);
    std::memcpy(&p[10], &count, 2);
    for (std::size_t i = 0; i < es.size(); ++i) {
      const std::size_t e = 16 + 16 * i;
      uint32_t f = es[i].bucket ? 1 : 0, pos = static_cast<uint32_t>(p.size() - e),
               k = static_cast<uint32_t>(es[i].key.size()), v = static_cast<uint32_t>(es[i].value.size());
      std::memcpy(&p[e], &f, 4);
      std::memcpy(&p[e + 4], &pos, 4);
      std::memcpy(&p[e + 8], &k, 4);
      std::memcpy(&p[e + 12], &v, 4);
      p += es[i].key + es[i].value;
    }
    return p;
  }
  // A bucket value: its header, then its page when inline (root 0).
  static std::string bucket(uint64_t root, const std::string& inline_page = {}) {
    std::string v(16, '\0');
    std::memcpy(&v[0], &root, 8);
    return v + inline_page;
  }
  void page(std::size_t n, const std::string& p) {
    REQUIRE(p.size() <= ps);
    std::memcpy(&bytes[n * ps], p.data(), p.size());
    put<uint64_t>(n * ps, n);
  }
  void branch(std::size_t n, const std::vector<std::pair<std::string, uint64_t>>& kids) {
    header(n, 0x01, static_cast<uint16_t>(kids.size()));
    std::size_t data = n * ps + 16 + 16 * kids.size();
    for (std::size_t i = 0; i < kids.size(); ++i) {
      const std::size_t e = n * ps + 16 + 16 * i;
      put<uint32_t>(e, static_cast<uint32_t>(data - e));
      put<uint32_t>(e + 4, static_cast<uint32_t>(kids[i].first.size()));
      put<uint64_t>(e + 8, kids[i].second);
      std::memcpy(&bytes[data], kids[i].first.data(), kids[i].first.size());
      data += kids[i].first.size();
    }
  }
};

// v1 (page 2) / ns "web" (inline) / containers (page 3, a branch) -> leaves 4 and 5.
Builder two_level(uint32_t ps) {
  Builder b(ps, 6);
  auto container = [](const std::string& image) {
    std::vector<Builder::Entry> es = {{"createdat", "x", false}};
    if (!image.empty()) es.push_back({"image", image, false});
    es.push_back({"labels", Builder::bucket(0, Builder::leaf({})), true});
    return Builder::bucket(0, Builder::leaf(es));
  };
  b.meta(0, 2, 7);
  b.meta(1, 2, 6);
  std::string ns = Builder::bucket(0, Builder::leaf({{"containers", Builder::bucket(3), true}}));
  b.page(2, Builder::leaf({{"v1", Builder::bucket(0, Builder::leaf({{"web", ns, true}})), true}}));
  b.branch(3, {{"a", 4}, {"m", 5}});
  b.page(4, Builder::leaf({{"api", container("reg/api:1"), true}, {"db", container("reg/db:2"), true}}));
  b.page(5, Builder::leaf({{"noimg", container(""), true}, {"web1", container("reg/web:3"), true}}));
  return b;
}

}  // namespace

TEST_CASE("containerd meta.db: the image of each container, from a real database", "[containers][containerd]") {
  auto images = parse_containerd_images(real_db());
  CHECK(images == std::unordered_map<std::string, std::string>{{"team-a/web1", "docker.io/library/nsview-bb:test"}});
}

TEST_CASE("containerd meta.db: every cut of the file gives a subset, never a crash", "[containers][containerd]") {
  const std::string db = real_db();
  for (std::size_t n = 0; n <= db.size(); n += (n < 8192 ? 61 : 997)) {
    INFO("cut at " << n);
    auto images = parse_containerd_images(std::string_view(db).substr(0, n));
    CHECK(images.size() <= 1);
    for (const auto& [k, v] : images) CHECK((k == "team-a/web1" && v == "docker.io/library/nsview-bb:test"));
  }
  CHECK(parse_containerd_images("").empty());
  CHECK(parse_containerd_images(std::string(100000, '\xff')).empty());
}

TEST_CASE("containerd meta.db: branch pages, inline buckets, the newer meta, any page size", "[containers][containerd]") {
  for (uint32_t ps : {4096u, 16384u}) {
    INFO("page size " << ps);
    auto b = two_level(ps);
    std::unordered_map<std::string, std::string> want = {
        {"web/api", "reg/api:1"}, {"web/db", "reg/db:2"}, {"web/web1", "reg/web:3"}};
    CHECK(parse_containerd_images(b.bytes) == want);
    // The older meta (txid 6) points at an empty page: only the newer one is read.
    b.meta(1, 5, 8);
    CHECK(parse_containerd_images(b.bytes).empty());
    // A meta whose checksum fails is not used: back to the first.
    b.bytes[ps + 16 + 16] ^= 1;
    CHECK(parse_containerd_images(b.bytes) == want);
  }
}

TEST_CASE("containerd meta.db: a branch page that points at itself ends", "[containers][containerd]") {
  auto b = two_level(4096);
  b.branch(3, {{"a", 3}, {"b", 3}, {"c", 3}, {"d", 4}});
  auto images = parse_containerd_images(b.bytes);
  CHECK(images.size() <= 2);  // whatever the page budget allowed of page 4, nothing else
  for (const auto& [k, v] : images) CHECK((k == "web/api" || k == "web/db"));
}

namespace {

// parse_containerd_images over a reader that counts what it is asked for.
struct CountingReader {
  const std::string& bytes;
  std::size_t read = 0, calls = 0;
  std::unordered_map<std::string, std::string> images() {
    return parse_containerd_images(
        [this](uint64_t off, std::size_t len) {
          ++calls;
          std::string out = off < bytes.size() ? bytes.substr(off, len) : std::string();
          read += out.size();
          return out;
        },
        bytes.size());
  }
};

}  // namespace

TEST_CASE("containerd meta.db: read page by page, only the pages the walk reaches", "[containers][containerd]") {
  // The real file: the same answer as from memory.
  const std::string real = real_db();
  CountingReader r{real};
  CHECK(r.images() == parse_containerd_images(real));
  CHECK(r.read < real.size());
  // A database of 4 MiB of which only pages 0-5 are the containers' way: content and snapshot
  // records (here junk pages) are never read.
  auto b = two_level(4096);
  b.bytes.resize(std::size_t(4) << 20, '\x5a');
  CountingReader big{b.bytes};
  CHECK(big.images() == std::unordered_map<std::string, std::string>{
                            {"web/api", "reg/api:1"}, {"web/db", "reg/db:2"}, {"web/web1", "reg/web:3"}});
  CHECK(big.read <= 6 * 4096);
}

TEST_CASE("containerd meta.db: pages that all claim to run to the end cost at most the file", "[containers][containerd]") {
  // Page 3 branches to 200 pages, each with an overflow count that covers the rest of the file.
  Builder b(4096, 210);
  b.meta(0, 2, 7);
  b.meta(1, 2, 6);
  std::string ns = Builder::bucket(0, Builder::leaf({{"containers", Builder::bucket(3), true}}));
  b.page(2, Builder::leaf({{"v1", Builder::bucket(0, Builder::leaf({{"web", ns, true}})), true}}));
  std::vector<std::pair<std::string, uint64_t>> kids;
  for (uint64_t p = 5; p < 205; ++p) {
    kids.push_back({"k" + std::to_string(p), p});
    b.header(p, 0x02, 0);
    b.put<uint32_t>(p * 4096 + 12, 1000);  // overflow: 1000 more pages
  }
  b.branch(3, kids);
  CountingReader r{b.bytes};
  CHECK(r.images().empty());
  CHECK(r.read <= 2 * b.bytes.size());
}
