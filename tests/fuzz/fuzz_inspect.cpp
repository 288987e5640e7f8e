// inspect's parsers: status security lines, uid_map, LSM list, /proc/PID/net files, config.json,
// and mount classification (two mount tables: the container's NUL the host's) with the PSS
// judgement over what they give.
#include "fuzz_input.hpp"
#include "nsinspect/inspect.hpp"

using namespace nsinspect;
using namespace nsinspect::inspect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::text(data, size);
  SecurityStatus s = parse_security_status(in);
  if (s.caps.effective) FUZZ_REQUIRE(cap_names(*s.caps.effective).size() <= 64);
  auto map = parse_id_map(in);
  for (const auto& e : map) {
    FUZZ_REQUIRE(e.count > 0);
    if (auto o = map_out(map, e.inside)) FUZZ_REQUIRE(map_in(map, *o).has_value());
  }
  (void)labelling_lsms(parse_lsm_list(in));
  for (const char* proto : {"tcp", "tcp6", "udp"})
    for (const auto& l : parse_proc_net_sockets(in, proto)) FUZZ_REQUIRE(!l.address.empty());
  (void)parse_proc_net_dev(in);
  for (const auto& r : parse_proc_net_route(in)) FUZZ_REQUIRE(!r.dst.empty());
  (void)parse_declared(in);
  auto p = fuzz::parts(in, 2);
  auto mine = procfs::parse_mountinfo(p[0]), host = procfs::parse_mountinfo(p[1]);
  Inspection ins;
  ins.mount_security = mount_security(mine);
  ins.volumes = classify_mounts(mine, host);
  FUZZ_REQUIRE(ins.volumes.size() == mine.size());
  for (const auto& v : ins.volumes) FUZZ_REQUIRE(!v.kind.empty());
  ProcessSecurity ps;
  ps.status = s;
  ins.processes.push_back(ps);
  auto controls = judge_pss(ins);
  FUZZ_REQUIRE(!controls.empty());
  return 0;
}
