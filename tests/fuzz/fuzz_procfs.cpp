// /proc text formats: stat, status, io, ns and socket links, cmdline, mountinfo, cgroup,
// passwd. Every parser gets the same input (a corpus of real /proc files of all kinds).
#include "fuzz_input.hpp"
#include "nsinspect/procfs.hpp"

using namespace nsinspect::procfs;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::text(data, size);
  if (auto st = parse_stat(in)) FUZZ_REQUIRE(st->comm.size() < size);
  (void)parse_status(in);
  (void)parse_io(in);
  if (auto link = parse_ns_link(in)) FUZZ_REQUIRE(size >= 4);
  (void)parse_socket_link(in);
  auto args = parse_cmdline(in);
  std::size_t total = 0;
  for (const auto& a : args) total += a.size();
  FUZZ_REQUIRE(total <= size);
  for (const auto& m : parse_mountinfo(in)) {
    FUZZ_REQUIRE(m.root.size() <= size && m.mount_point.size() <= size);
    (void)unescape_mount_field(m.options);
  }
  FUZZ_REQUIRE(unescape_mount_field(in).size() <= size);
  for (const auto& l : parse_cgroup(in)) FUZZ_REQUIRE(l.path.size() < size);
  (void)parse_passwd(in);
  return 0;
}
