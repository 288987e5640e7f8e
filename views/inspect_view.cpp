// `nsview inspect` in text (sections of tables through the one renderer) and JSON (through
// the one JSON writer). Unknown values are "-" and null, never a guess.
#include "inspect_view.hpp"

#include <algorithm>

#include "json_writer.hpp"

namespace nsview {

using namespace nsinspect::inspect;

namespace {

std::string join(const std::vector<std::string>& v, std::string_view sep = ",") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : std::string(sep)) + x;
  return s;
}

Cell ids_cell(const std::optional<std::array<uint32_t, 4>>& ids) {
  if (!ids) return unknown_cell();
  const auto& a = *ids;
  // One number when real, effective, saved and filesystem agree (the common case).
  if (a[0] == a[1] && a[1] == a[2] && a[2] == a[3]) return Cell(std::to_string(a[0]));
  return Cell(std::to_string(a[0]) + "," + std::to_string(a[1]) + "," + std::to_string(a[2]) + "," +
              std::to_string(a[3]));
}

Cell bool_cell(std::optional<bool> b) { return b ? Cell(*b ? "yes" : "no") : unknown_cell(); }

bool wanted(const std::vector<std::string>& sections, std::string_view name) {
  return sections.empty() || std::find(sections.begin(), sections.end(), name) != sections.end();
}

Table security_table(const Inspection& in) {
  Table t;
  t.columns = {view_column("PID", Unit::id, "process id"),
               view_column("COMM", Unit::text, "command name"),
               view_column("UIDS", Unit::text, "uid in its user namespace (real,effective,saved,fs when they differ)"),
               view_column("HOST-UIDS", Unit::text, "uid as the initial user namespace sees it"),
               view_column("GIDS", Unit::text, "gid in its user namespace"),
               view_column("HOST-GIDS", Unit::text, "gid as the initial user namespace sees it"),
               view_column("GROUPS", Unit::text, "supplementary groups (host view)"),
               view_column("NNP", Unit::text, "no_new_privs"),
               view_column("SECCOMP", Unit::text, "seccomp mode"),
               view_column("FILTERS", Unit::count, "seccomp filters attached"),
               view_column("LSM-LABEL", Unit::text, "SELinux/AppArmor/Smack label; 'none' when no labelling LSM is active")};
  for (const auto& p : in.processes) {
    const auto& s = p.status;
    Cell groups = s.groups ? Cell(join([&] {
      std::vector<std::string> g;
      for (auto x : *s.groups) g.push_back(std::to_string(x));
      return g;
    }())) : unknown_cell();
    Cell lsm = p.lsm_none == true ? Cell("none") : p.lsm_label ? Cell(*p.lsm_label) : unknown_cell();
    t.rows.push_back({Cell(std::to_string(p.pid)), Cell(p.comm), ids_cell(p.uids_inside), ids_cell(s.uids),
                      ids_cell(p.gids_inside), ids_cell(s.gids), groups, bool_cell(s.no_new_privs),
                      s.seccomp ? Cell(seccomp_mode_name(*s.seccomp)) : unknown_cell(),
                      s.seccomp_filters ? Cell(std::to_string(*s.seccomp_filters)) : unknown_cell(), lsm});
  }
  return t;
}

Table caps_table(const Inspection& in) {
  Table t;
  Column caps = view_column("CAPABILITIES", Unit::text, "capability names (libcap's spelling)");
  caps.wrap = true;
  t.columns = {view_column("PID", Unit::id, "process id"), view_column("SET", Unit::text, "capability set"), caps};
  for (const auto& p : in.processes) {
    const auto& c = p.status.caps;
    std::pair<const char*, std::optional<uint64_t>> sets[] = {{"effective", c.effective}, {"permitted", c.permitted},
                                                             {"inheritable", c.inheritable}, {"bounding", c.bounding},
                                                             {"ambient", c.ambient}};
    for (auto& [name, mask] : sets)
      t.rows.push_back({Cell(std::to_string(p.pid)), Cell(name), mask ? Cell(join(cap_names(*mask), "\n")) : unknown_cell()});
  }
  return t;
}

Table elsewhere_table(const Inspection& in) {
  Table t;
  Column caps = view_column("CAPABILITIES", Unit::text, "'all', or the effective set that applies there");
  caps.wrap = true;
  t.columns = {view_column("PID", Unit::id, "process id"), view_column("USERNS", Unit::id, "user namespace inode"),
               view_column("OWNER", Unit::id, "host uid that created it"),
               view_column("VIA", Unit::id, "the child of the process's own user namespace on the way down"), caps};
  for (const auto& p : in.processes) {
    if (!p.caps_elsewhere) continue;
    for (const auto& c : *p.caps_elsewhere)
      t.rows.push_back({Cell(std::to_string(p.pid)), Cell(std::to_string(c.userns)),
                        c.owner_uid ? Cell(std::to_string(*c.owner_uid)) : unknown_cell(), Cell(std::to_string(c.via)),
                        Cell(c.all ? std::string("all (owner is its euid)") : join(cap_names(c.effective), "\n"))});
  }
  return t;
}

Table facts_table(const Inspection& in) {
  Table t;
  Column v = view_column("VALUE", Unit::text, "value");
  v.wrap = true;
  t.columns = {view_column("FACT", Unit::text, "what"), v};
  auto row = [&](std::string k, Cell c) { t.rows.push_back({Cell(std::move(k)), std::move(c)}); };
  const auto& ms = in.mount_security;
  row("read-only root", in.mounts_unknown ? unknown_cell() : bool_cell(ms.read_only_root));
  row("masked paths", in.mounts_unknown ? unknown_cell() : Cell(join(ms.masked_paths, "\n")));
  row("read-only /proc paths", in.mounts_unknown ? unknown_cell() : Cell(join(ms.readonly_paths, "\n")));
  row("read-only /sys", in.mounts_unknown ? unknown_cell() : bool_cell(ms.sys_read_only));
  row("active LSMs", in.lsm_active ? Cell(join(*in.lsm_active)) : unknown_cell());
  std::vector<std::string> shared;
  bool unknown = false;
  for (auto ty : nsinspect::kAllNsTypes) {
    auto h = in.host_ns[nsinspect::index_of(ty)];
    if (!h) unknown = true;
    else if (*h) shared.emplace_back(nsinspect::ns_type_name(ty));
  }
  row("host namespaces", unknown && shared.empty() ? unknown_cell() : Cell(shared.empty() ? "none" : join(shared)));
  row("devices (cgroup v1)", in.devices_cgroup ? Cell(*in.devices_cgroup) : unknown_cell());
  return t;
}

Table declared_table(const Inspection& in) {
  Table t;
  t.columns = {view_column("FIELD", Unit::text, "config.json field"),
               view_column("DECLARED", Unit::text, "what the OCI bundle asked for"),
               view_column("ENFORCED", Unit::text, "what the kernel shows for the first process"),
               view_column("DIFFERS", Unit::text, "'*' when they differ")};
  if (!in.declared || in.processes.empty()) return t;
  const Declared& d = *in.declared;
  const ProcessSecurity& p = in.processes.front();
  auto row = [&](std::string f, std::optional<std::string> dv, std::optional<std::string> ev) {
    if (!dv) return;
    bool differs = ev && *dv != *ev;
    t.rows.push_back({Cell(std::move(f)), Cell(*dv), ev ? Cell(*ev) : unknown_cell(), Cell(differs ? "*" : "")});
  };
  auto opt_u = [](std::optional<uint32_t> v) { return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt; };
  auto yesno = [](std::optional<bool> b) { return b ? std::optional<std::string>(*b ? "yes" : "no") : std::nullopt; };
  row("process.user.uid", opt_u(d.uid), p.uids_inside ? opt_u((*p.uids_inside)[1]) : std::nullopt);
  row("process.user.gid", opt_u(d.gid), p.gids_inside ? opt_u((*p.gids_inside)[1]) : std::nullopt);
  auto caps = [](const std::optional<std::vector<std::string>>& v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    std::vector<std::string> names;
    for (const auto& n : *v)
      if (auto b = cap_bit(n)) names.push_back(cap_name(*b));
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      return cap_bit(a).value_or(99) < cap_bit(b).value_or(99);
    });
    return join(names);
  };
  auto enforced_caps = [](std::optional<uint64_t> m) { return m ? std::optional<std::string>(join(cap_names(*m))) : std::nullopt; };
  row("capabilities.bounding", caps(d.cap_bounding), enforced_caps(p.status.caps.bounding));
  row("capabilities.effective", caps(d.cap_effective), enforced_caps(p.status.caps.effective));
  row("capabilities.permitted", caps(d.cap_permitted), enforced_caps(p.status.caps.permitted));
  row("capabilities.ambient", caps(d.cap_ambient), enforced_caps(p.status.caps.ambient));
  row("noNewPrivileges", yesno(d.no_new_privileges), yesno(p.status.no_new_privs));
  row("linux.seccomp", d.seccomp ? std::optional<std::string>(*d.seccomp ? "filter" : "disabled") : std::nullopt,
      p.status.seccomp ? std::optional<std::string>(seccomp_mode_name(*p.status.seccomp)) : std::nullopt);
  row("root.readonly", yesno(d.read_only_root), in.mounts_unknown ? std::nullopt : yesno(in.mount_security.read_only_root));
  if (d.masked_paths) {
    std::string enforced = std::to_string(in.mount_security.masked_paths.size()) + " masked";
    if (in.masks_missing && !in.masks_missing->empty()) enforced += "; not masked: " + join(*in.masks_missing);
    bool differs = in.masks_missing && !in.masks_missing->empty();
    t.rows.push_back({Cell("linux.maskedPaths"), Cell(std::to_string(d.masked_paths->size()) + " paths"),
                      in.masks_missing ? Cell(enforced) : unknown_cell(), Cell(differs ? "*" : "")});
  }
  return t;
}

Table pss_table(const Inspection& in) {
  Table t;
  Column ev = view_column("EVIDENCE", Unit::text, "what the kernel shows");
  ev.trunc = true;
  t.columns = {view_column("LEVEL", Unit::text, "baseline or restricted"),
               view_column("CONTROL", Unit::text, "Pod Security Standards control"),
               view_column("VERDICT", Unit::text, "pass, fail or unknown"),
               view_column("EXACT", Unit::text, "exact, or a heuristic"), ev};
  for (const auto& c : in.controls)
    t.rows.push_back({Cell(c.level), Cell(c.id), Cell(std::string(verdict_name(c.verdict))),
                      Cell(c.exact ? "exact" : "heuristic"), Cell(c.evidence)});
  return t;
}

Table mounts_table(const Inspection& in) {
  Table t;
  Column detail = view_column("DETAIL", Unit::text, "layers, kubelet volume, NFS export, PV");
  detail.trunc = true;
  t.columns = {view_column("TARGET", Unit::text, "mount point in the container"),
               view_column("KIND", Unit::text, "what the mount is"),
               view_column("RO", Unit::text, "read-only"),
               view_column("PROPAGATION", Unit::text, "mount propagation"),
               view_column("SOURCE", Unit::text, "host path of a bind, else the filesystem's source"), detail};
  for (const auto& v : in.volumes) {
    std::string d;
    if (v.kind == "overlay-root") d = "upper=" + v.upper_dir + " lower=" + std::to_string(v.lower_dirs.size()) + " layers";
    else if (!v.k8s_volume.empty()) d = "volume " + v.k8s_volume + " pod " + v.pod_uid;
    if (!v.nfs_server.empty()) d += (d.empty() ? "" : " ") + std::string("nfs ") + v.nfs_server + ":" + v.nfs_export;
    t.rows.push_back({Cell(v.mount_point), Cell(v.kind), Cell(v.read_only ? "ro" : "rw"), Cell(v.propagation),
                      Cell(v.host_path.value_or(v.source)), Cell(d)});
  }
  return t;
}

Table interfaces_table(const Inspection& in) {
  Table t;
  Column addrs = view_column("ADDRESSES", Unit::text, "addresses with prefix length");
  addrs.wrap = true;
  t.columns = {view_column("INTERFACE", Unit::text, "name"), view_column("KIND", Unit::text, "link kind"),
               view_column("STATE", Unit::text, "operational state"), view_column("MAC", Unit::text, "hardware address"),
               addrs, view_column("HOST-PEER", Unit::text, "the veth's other end in the host's network namespace")};
  const bool partial = in.network.partial;
  for (const auto& i : in.network.interfaces) {
    auto or_unknown = [&](const std::string& s) { return partial && s.empty() ? unknown_cell() : Cell(s); };
    std::string peer = i.host_peer;
    if (!i.host_peer_master.empty()) peer += " (" + i.host_peer_master + ")";
    t.rows.push_back({Cell(i.name), or_unknown(i.kind), or_unknown(i.state), or_unknown(i.mac),
                      partial ? unknown_cell() : Cell(join(i.addresses, "\n")), or_unknown(peer)});
  }
  return t;
}

Table routes_table(const Inspection& in) {
  Table t;
  t.columns = {view_column("DESTINATION", Unit::text, "destination prefix"), view_column("GATEWAY", Unit::text, "next hop"),
               view_column("DEV", Unit::text, "output interface"), view_column("METRIC", Unit::count, "route metric")};
  for (const auto& r : in.network.routes)
    t.rows.push_back({Cell(r.dst), Cell(r.gateway), Cell(r.dev), r.metric ? Cell(std::to_string(*r.metric)) : Cell()});
  return t;
}

Table listeners_table(const Inspection& in) {
  Table t;
  t.columns = {view_column("PROTO", Unit::text, "tcp, tcp6, udp, udp6"), view_column("ADDRESS", Unit::text, "local address"),
               view_column("PORT", Unit::id, "local port"), view_column("PID", Unit::id, "owning process"),
               view_column("COMM", Unit::text, "owning process's command"), view_column("UID", Unit::id, "socket owner (host view)")};
  for (const auto& l : in.network.listeners)
    t.rows.push_back({Cell(l.proto), Cell(l.address), Cell(std::to_string(l.port)),
                      l.pid ? Cell(std::to_string(*l.pid)) : unknown_cell(), l.pid ? Cell(l.comm) : unknown_cell(),
                      Cell(std::to_string(l.uid))});
  return t;
}

void ids_json(JsonWriter& w, const char* key, const std::optional<std::array<uint32_t, 4>>& ids) {
  w.key(key);
  if (!ids) return w.null();
  w.begin_object();
  const char* names[] = {"real", "effective", "saved", "fs"};
  for (std::size_t i = 0; i < 4; ++i) {
    w.key(names[i]);
    w.number(static_cast<std::uint64_t>((*ids)[i]));
  }
  w.end_object();
}

void opt_bool(JsonWriter& w, const char* key, std::optional<bool> b) {
  w.key(key);
  if (b) w.boolean(*b);
  else w.null();
}

void opt_num(JsonWriter& w, const char* key, std::optional<uint64_t> v) {
  w.key(key);
  if (v) w.number(*v);
  else w.null();
}

void strings_json(JsonWriter& w, const char* key, const std::vector<std::string>& v) {
  w.key(key);
  w.begin_array();
  for (const auto& s : v) w.string(s);
  w.end_array();
}

void id_map_json(JsonWriter& w, const char* key, const std::optional<std::vector<IdMapEntry>>& m) {
  w.key(key);
  if (!m) return w.null();
  w.begin_array();
  for (const auto& e : *m) {
    w.begin_object();
    w.key("inside");
    w.number(static_cast<std::uint64_t>(e.inside));
    w.key("outside");
    w.number(static_cast<std::uint64_t>(e.outside));
    w.key("count");
    w.number(static_cast<std::uint64_t>(e.count));
    w.end_object();
  }
  w.end_array();
}

void opt_string(JsonWriter& w, const char* key, const std::string& s) {
  if (s.empty()) {
    w.key(key);
    w.null();
  } else {
    w.member(key, s);
  }
}

}  // namespace

std::vector<InspectSection> inspect_sections(const Inspection& in, const std::vector<std::string>& sections) {
  std::vector<InspectSection> out;
  if (wanted(sections, "security")) {
    out.push_back({"SECURITY", security_table(in)});
    out.push_back({"CAPABILITIES", caps_table(in)});
    if (!in.processes.empty() && in.processes.front().caps_elsewhere)
      out.push_back({"CAPABILITIES IN OTHER USER NAMESPACES", elsewhere_table(in)});
    out.push_back({"CONFINEMENT", facts_table(in)});
    if (in.declared) out.push_back({"DECLARED (config.json) BESIDE ENFORCED", declared_table(in)});
  }
  if (wanted(sections, "pss")) out.push_back({"POD SECURITY STANDARDS", pss_table(in)});
  if (wanted(sections, "mounts")) out.push_back({"MOUNTS", mounts_table(in)});
  if (wanted(sections, "network")) {
    std::string ns = in.network.netns ? "net:[" + std::to_string(*in.network.netns) + "]" : "net:-";
    if (in.network.host) ns += ", the host's";
    if (in.network.partial) ns += ", partial: /proc only";
    out.push_back({"INTERFACES (" + ns + ")", interfaces_table(in)});
    out.push_back({"ROUTES", routes_table(in)});
    out.push_back({"LISTENING", listeners_table(in)});
  }
  return out;
}

std::string inspect_headline(const Inspection& in) {
  std::string s;
  if (!in.container_id.empty())
    s = "container " + (in.container_name.empty() ? in.container_id.substr(0, 12)
                                                    : in.container_name + " (" + in.container_id.substr(0, 12) + ")");
  else
    s = "process " + std::to_string(in.target_pid);
  if (!in.pod_name.empty()) s += " in pod " + in.pod_name;
  if (!in.engine.empty()) s += ", " + in.engine;
  s += ", " + std::to_string(in.processes.size()) + " process" + (in.processes.size() == 1 ? "" : "es");
  s += "; PSS baseline: " + std::string(verdict_name(level_verdict(in.controls, "baseline")));
  s += ", restricted: " + std::string(verdict_name(level_verdict(in.controls, "restricted")));
  return s;
}

void render_inspect_text(const Inspection& in, const std::vector<std::string>& sections, const RenderOptions& o,
                         std::FILE* out) {
  for (const auto& l : inspect_lines(in, sections, o)) std::fprintf(out, "%s\n", l.c_str());
}

std::vector<std::string> inspect_lines(const Inspection& in, const std::vector<std::string>& sections,
                                       const RenderOptions& o) {
  std::vector<std::string> lines = {safe_text(inspect_headline(in))};
  for (const auto& s : inspect_sections(in, sections)) {
    lines.push_back("");
    lines.push_back(s.title);
    if (s.table.rows.empty()) {
      lines.push_back("  (none)");
      continue;
    }
    std::string text = render_to_string(s.table, o);
    for (std::size_t pos = 0; pos < text.size();) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      lines.push_back(text.substr(pos, nl - pos));
      pos = nl + 1;
    }
  }
  return lines;
}

void write_inspect_json(const Inspection& in, std::FILE* out, int indent) {
  JsonWriter w(out, indent);
  w.begin_object();
  w.key("target");
  w.begin_object();
  w.key("pid");
  w.number(static_cast<std::int64_t>(in.target_pid));
  opt_string(w, "container_id", in.container_id);
  opt_string(w, "container_name", in.container_name);
  opt_string(w, "engine", in.engine);
  opt_string(w, "pod", in.pod_name);
  w.end_object();

  w.key("processes");
  w.begin_array();
  for (const auto& p : in.processes) {
    const auto& s = p.status;
    w.begin_object();
    w.key("pid");
    w.number(static_cast<std::int64_t>(p.pid));
    w.member("comm", p.comm);
    ids_json(w, "uid", p.uids_inside);
    ids_json(w, "host_uid", s.uids);
    ids_json(w, "gid", p.gids_inside);
    ids_json(w, "host_gid", s.gids);
    w.key("host_groups");
    if (s.groups) {
      w.begin_array();
      for (auto g : *s.groups) w.number(static_cast<std::uint64_t>(g));
      w.end_array();
    } else {
      w.null();
    }
    opt_num(w, "userns", p.userns);
    w.key("initial_userns");
    w.boolean(p.in_initial_userns);
    id_map_json(w, "uid_map", p.uid_map);
    id_map_json(w, "gid_map", p.gid_map);
    w.key("capabilities");
    w.begin_object();
    std::pair<const char*, std::optional<uint64_t>> sets[] = {{"effective", s.caps.effective}, {"permitted", s.caps.permitted},
                                                             {"inheritable", s.caps.inheritable}, {"bounding", s.caps.bounding},
                                                             {"ambient", s.caps.ambient}};
    for (auto& [name, mask] : sets) {
      w.key(name);
      if (mask) {
        w.begin_array();
        for (const auto& n : cap_names(*mask)) w.string(n);
        w.end_array();
      } else {
        w.null();
      }
    }
    w.end_object();
    w.key("capabilities_in_other_userns");
    if (!p.caps_elsewhere) {
      w.null();
    } else {
      w.begin_array();
      for (const auto& c : *p.caps_elsewhere) {
        w.begin_object();
        w.key("userns");
        w.number(c.userns);
        opt_num(w, "owner_uid", c.owner_uid);
        w.key("via");
        w.number(c.via);
        w.key("all");
        w.boolean(c.all);
        w.key("capabilities");
        w.begin_array();
        for (const auto& n : cap_names(c.all ? ~uint64_t{0} >> (63 - std::min(63u, in.cap_last_cap.value_or(40))) : c.effective))
          w.string(n);
        w.end_array();
        w.end_object();
      }
      w.end_array();
    }
    opt_bool(w, "no_new_privs", s.no_new_privs);
    w.key("seccomp");
    if (s.seccomp) w.string(seccomp_mode_name(*s.seccomp));
    else w.null();
    opt_num(w, "seccomp_filters", s.seccomp_filters ? std::optional<uint64_t>(static_cast<uint64_t>(*s.seccomp_filters)) : std::nullopt);
    w.key("lsm");
    if (p.lsm_none == true) {
      w.string("none");
    } else if (p.lsm.empty()) {
      w.null();
    } else {
      w.string(p.lsm);
    }
    if (p.lsm_label) {
      w.member("lsm_label", *p.lsm_label);
    } else {
      w.key("lsm_label");
      w.null();
    }
    w.end_object();
  }
  w.end_array();

  w.key("lsm_active");
  if (in.lsm_active) {
    w.begin_array();
    for (const auto& l : *in.lsm_active) w.string(l);
    w.end_array();
  } else {
    w.null();
  }
  w.key("host_namespaces");
  w.begin_object();
  for (auto t : nsinspect::kAllNsTypes) opt_bool(w, std::string(nsinspect::ns_type_name(t)).c_str(), in.host_ns[nsinspect::index_of(t)]);
  w.end_object();
  w.key("devices_cgroup");
  if (in.devices_cgroup) w.string(*in.devices_cgroup);
  else w.null();
  w.key("mount_security");
  if (in.mounts_unknown) {
    w.null();
  } else {
    const auto& ms = in.mount_security;
    w.begin_object();
    opt_bool(w, "read_only_root", ms.read_only_root);
    opt_bool(w, "read_only_sys", ms.sys_read_only);
    strings_json(w, "masked_paths", ms.masked_paths);
    strings_json(w, "readonly_paths", ms.readonly_paths);
    w.end_object();
  }

  w.key("mounts");
  if (in.mounts_unknown) {
    w.null();
  } else {
    w.begin_array();
    for (const auto& v : in.volumes) {
      w.begin_object();
      w.member("target", v.mount_point);
      w.member("kind", v.kind);
      w.member("fstype", v.fstype);
      w.member("source", v.source);
      w.member("root", v.root);
      w.key("read_only");
      w.boolean(v.read_only);
      w.member("propagation", v.propagation);
      if (v.host_path) {
        w.member("host_path", *v.host_path);
      } else {
        w.key("host_path");
        w.null();
      }
      if (v.kind == "overlay-root") {
        strings_json(w, "lower_dirs", v.lower_dirs);
        w.member("upper_dir", v.upper_dir);
      }
      if (!v.k8s_volume.empty()) {
        w.member("volume", v.k8s_volume);
        w.member("pod_uid", v.pod_uid);
      }
      if (!v.pv.empty()) w.member("pv", v.pv);
      if (!v.nfs_server.empty()) {
        w.member("nfs_server", v.nfs_server);
        w.member("nfs_export", v.nfs_export);
      }
      w.end_object();
    }
    w.end_array();
  }

  const Network& n = in.network;
  w.key("network");
  w.begin_object();
  opt_num(w, "netns", n.netns);
  w.key("host");
  w.boolean(n.host);
  w.key("partial");
  w.boolean(n.partial);
  w.key("interfaces");
  w.begin_array();
  for (const auto& i : n.interfaces) {
    w.begin_object();
    w.member("name", i.name);
    opt_num(w, "ifindex", i.ifindex ? std::optional<uint64_t>(static_cast<uint64_t>(*i.ifindex)) : std::nullopt);
    auto s_or_null = [&](const char* k, const std::string& v) {
      w.key(k);
      if (n.partial && v.empty()) w.null();
      else w.string(v);
    };
    s_or_null("kind", i.kind);
    s_or_null("state", i.state);
    s_or_null("mac", i.mac);
    opt_num(w, "mtu", i.mtu ? std::optional<uint64_t>(static_cast<uint64_t>(*i.mtu)) : std::nullopt);
    w.key("addresses");
    if (n.partial) {
      w.null();
    } else {
      w.begin_array();
      for (const auto& a : i.addresses) w.string(a);
      w.end_array();
    }
    opt_num(w, "peer_ifindex", i.peer_ifindex ? std::optional<uint64_t>(static_cast<uint64_t>(*i.peer_ifindex)) : std::nullopt);
    w.key("link_netnsid");
    if (i.link_netnsid) w.number(static_cast<std::int64_t>(*i.link_netnsid));
    else w.null();
    s_or_null("host_peer", i.host_peer);
    s_or_null("host_peer_master", i.host_peer_master);
    w.end_object();
  }
  w.end_array();
  w.key("routes");
  w.begin_array();
  for (const auto& r : n.routes) {
    w.begin_object();
    w.member("family", r.family);
    w.member("dst", r.dst);
    opt_string(w, "gateway", r.gateway);
    w.member("dev", r.dev);
    opt_num(w, "metric", r.metric);
    w.end_object();
  }
  w.end_array();
  w.key("listeners");
  if (n.listeners_unknown) {
    w.null();
  } else {
    w.begin_array();
    for (const auto& l : n.listeners) {
      w.begin_object();
      w.member("proto", l.proto);
      w.member("address", l.address);
      w.key("port");
      w.number(static_cast<std::uint64_t>(l.port));
      w.key("uid");
      w.number(static_cast<std::uint64_t>(l.uid));
      w.key("inode");
      w.number(l.inode);
      w.key("pid");
      if (l.pid) w.number(static_cast<std::int64_t>(*l.pid));
      else w.null();
      if (l.pid) {
        w.member("comm", l.comm);
      } else {
        w.key("comm");
        w.null();
      }
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();

  w.key("pss");
  w.begin_object();
  w.member("baseline", verdict_name(level_verdict(in.controls, "baseline")));
  w.member("restricted", verdict_name(level_verdict(in.controls, "restricted")));
  w.key("controls");
  w.begin_array();
  for (const auto& c : in.controls) {
    w.begin_object();
    w.member("level", c.level);
    w.member("control", c.id);
    w.member("title", c.title);
    w.member("verdict", verdict_name(c.verdict));
    w.key("exact");
    w.boolean(c.exact);
    w.member("evidence", c.evidence);
    w.end_object();
  }
  w.end_array();
  w.end_object();

  w.key("declared");
  if (!in.declared) {
    w.null();
  } else {
    const Declared& d = *in.declared;
    w.begin_object();
    opt_num(w, "uid", d.uid);
    opt_num(w, "gid", d.gid);
    auto caps = [&](const char* k, const std::optional<std::vector<std::string>>& v) {
      w.key(k);
      if (!v) return w.null();
      w.begin_array();
      for (const auto& s : *v) w.string(s);
      w.end_array();
    };
    caps("cap_bounding", d.cap_bounding);
    caps("cap_effective", d.cap_effective);
    caps("cap_permitted", d.cap_permitted);
    caps("cap_ambient", d.cap_ambient);
    opt_bool(w, "no_new_privileges", d.no_new_privileges);
    opt_bool(w, "seccomp", d.seccomp);
    opt_bool(w, "read_only_root", d.read_only_root);
    caps("masked_paths", d.masked_paths);
    caps("readonly_paths", d.readonly_paths);
    caps("masked_paths_not_enforced", in.masks_missing);
    opt_string(w, "apparmor_profile", d.apparmor_profile);
    opt_string(w, "selinux_label", d.selinux_label);
    w.end_object();
  }
  w.end_object();
  std::fputc('\n', out);
}

}  // namespace nsview
