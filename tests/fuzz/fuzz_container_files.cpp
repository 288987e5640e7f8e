// What engines leave on a node: runc state.json, crun status, OCI config.json and its
// annotations, containers/storage containers.json, docker config.v2.json, podman's state
// database, LXC config; and the RFC 3339 times in them.
#include "fuzz_input.hpp"
#include "nsinspect/container_sources.hpp"

using namespace nsinspect::containers;

namespace {
void created(const std::string& s) {
  // A time is read only from a whole, well-formed string.
  if (parse_rfc3339(s)) FUZZ_REQUIRE(s.size() >= 20 && s.size() <= 64);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::text(data, size);
  if (size <= 64) created(std::string(in));  // the bare time format, as often as the JSON ones
  if (auto s = parse_runc_state(in)) created(s->created);
  if (auto s = parse_crun_status(in)) {
    FUZZ_REQUIRE(s->init_pid.has_value());
    created(s->created);
  }
  if (auto c = parse_oci_config(in)) {
    auto a = interpret_annotations(c->annotations);
    FUZZ_REQUIRE(!a.sandbox || !c->annotations.empty());
  }
  for (const auto& c : parse_storage_containers(in)) {
    FUZZ_REQUIRE(!c.id.empty());
    created(c.created);
  }
  if (auto d = parse_docker_config(in)) {
    FUZZ_REQUIRE(!d->id.empty() && (d->name.empty() || d->name.front() != '/' || d->name.size() > 1));
    created(d->created);
  }
  for (const auto& [id, name] : parse_podman_db_names(in)) FUZZ_REQUIRE(is_hex_id(id) && !name.empty());
  auto lxc = parse_lxc_config(in);
  FUZZ_REQUIRE(lxc.hostname.size() <= size && lxc.rootfs.size() <= size);
  return 0;
}
