// The Pod Security Standards (baseline, restricted) judged control by control from what the
// kernel enforces, not from a spec. Each control says whether its judgement is exact (the
// kernel state is the control) or a heuristic (the kernel state suggests it). docs/inspect.md
// lists the mapping and its limits.
#include <algorithm>

#include "nsinspect/inspect.hpp"

namespace nsinspect::inspect {

namespace {

// The capabilities baseline lets a container add (Kubernetes' PSS, "Capabilities").
constexpr std::string_view kBaselineCaps[] = {"audit_write", "chown",   "dac_override",     "fowner", "fsetid",
                                              "kill",        "mknod",   "net_bind_service", "setfcap", "setgid",
                                              "setpcap",     "setuid",  "sys_chroot"};

uint64_t mask_of(std::initializer_list<std::string_view> names) {
  uint64_t m = 0;
  for (auto n : names)
    if (auto b = cap_bit(n)) m |= uint64_t{1} << *b;
  return m;
}

uint64_t baseline_mask() {
  uint64_t m = 0;
  for (auto n : kBaselineCaps)
    if (auto b = cap_bit(n)) m |= uint64_t{1} << *b;
  return m;
}

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : std::string(sep)) + x;
  return s;
}

Control make(std::string level, std::string id, std::string title) {
  Control c;
  c.level = std::move(level);
  c.id = std::move(id);
  c.title = std::move(title);
  return c;
}

std::string pid_tag(const ProcessSecurity& p) { return "pid " + std::to_string(p.pid); }

// Bounding sets beyond `allowed`: the capabilities a process holds or can gain by exec.
Control caps_control(const Inspection& in, std::string level, uint64_t allowed, std::string title,
                     std::string allowed_words) {
  Control c = make(level, "capabilities", std::move(title));
  c.exact = true;
  std::vector<std::string> extra;
  bool unknown = false;
  for (const auto& p : in.processes) {
    if (!p.status.caps.bounding) {
      unknown = true;
      continue;
    }
    for (const auto& n : cap_names(*p.status.caps.bounding & ~allowed))
      if (std::find(extra.begin(), extra.end(), n) == extra.end()) extra.push_back(n);
  }
  if (!extra.empty()) {
    c.verdict = Verdict::fail;
    c.evidence = "bounding set holds " + join(extra) + " (beyond " + allowed_words + ")";
  } else if (unknown || in.processes.empty()) {
    c.evidence = "capability sets unreadable";
  } else {
    c.verdict = Verdict::pass;
    c.evidence = "bounding sets within " + allowed_words;
  }
  return c;
}

Control seccomp_control(const Inspection& in, std::string level) {
  Control c = make(level, "seccomp", level == "baseline" ? "Seccomp not Unconfined" : "Seccomp RuntimeDefault or Localhost");
  std::vector<std::string> off;
  bool unknown = false;
  for (const auto& p : in.processes) {
    if (!p.status.seccomp) unknown = true;
    else if (*p.status.seccomp != 2) off.push_back(pid_tag(p) + " Seccomp: " + std::to_string(*p.status.seccomp));
  }
  if (!off.empty()) {
    c.verdict = Verdict::fail;
    // Baseline admits an unset profile, which the kernel cannot tell from Unconfined.
    c.exact = level != "baseline";
    c.evidence = "no seccomp filter: " + join(off);
  } else if (unknown || in.processes.empty()) {
    c.evidence = "Seccomp line unreadable";
  } else {
    c.verdict = Verdict::pass;
    c.exact = true;
    c.evidence = "every process in seccomp filter mode (Seccomp: 2)";
  }
  return c;
}

bool host_backed(const Volume& v) { return v.kind == "bind" || v.kind == "device"; }

// Mounts that may be host paths nobody could resolve (the host's table was unreadable).
bool unresolved(const Inspection& in) {
  return in.host_mounts_unknown &&
         std::any_of(in.volumes.begin(), in.volumes.end(), [](const Volume& v) { return v.kind == "other"; });
}

}  // namespace

std::vector<Control> judge_pss(const Inspection& in) {
  std::vector<Control> out;
  const bool have = !in.processes.empty();

  {  // Host namespaces: exact, from the namespace graph.
    Control c = make("baseline", "hostNamespaces", "Host namespaces (network, pid, ipc) not shared");
    c.exact = true;
    std::vector<std::string> shared, unknown;
    for (NsType t : {NsType::net, NsType::pid, NsType::ipc}) {
      auto h = in.host_ns[index_of(t)];
      if (!h) unknown.emplace_back(ns_type_name(t));
      else if (*h) shared.emplace_back(ns_type_name(t));
    }
    if (!shared.empty()) {
      c.verdict = Verdict::fail;
      c.evidence = "shares the host's " + join(shared) + " namespace" + (shared.size() > 1 ? "s" : "");
    } else if (!unknown.empty()) {
      c.evidence = "namespace unreadable: " + join(unknown);
    } else {
      c.verdict = Verdict::pass;
      c.evidence = "own network, pid and ipc namespaces";
    }
    out.push_back(std::move(c));
  }

  {  // Privileged: all the node's capabilities and an unmasked /proc is what a privileged runtime sets up.
    Control c = make("baseline", "privileged", "Privileged containers");
    // The most a process here can hold: the host init's bounding set, else every capability
    // the kernel knows.
    std::optional<uint64_t> all = in.host_bounding;
    if (!all && in.cap_last_cap) all = *in.cap_last_cap < 63 ? (uint64_t{2} << *in.cap_last_cap) - 1 : ~uint64_t{0};
    bool full = have && all, unknown = !have || !all || in.mounts_unknown;
    for (const auto& p : in.processes) {
      if (!p.status.caps.bounding) unknown = true;
      else if (all && (*p.status.caps.bounding & *all) != *all) full = false;
    }
    const bool masked = !in.mount_security.masked_paths.empty();
    if (!unknown && full && !masked) {
      c.verdict = Verdict::fail;
      c.evidence = "bounding set holds every capability the node has and /proc has no masked path";
      if (in.mount_security.sys_read_only == false) c.evidence += "; /sys writable";
    } else if (have && !in.mounts_unknown && masked) {
      c.verdict = Verdict::pass;
      c.evidence = "/proc has masked paths";
    } else if (have && all && !full) {
      c.verdict = Verdict::pass;
      c.evidence = "bounding set lacks capabilities the node has";
    } else {
      c.evidence = "capability sets or mount table unreadable";
    }
    out.push_back(std::move(c));
  }

  out.push_back(caps_control(in, "baseline", baseline_mask(), "Capabilities within the baseline set",
                             "the baseline set"));

  {  // hostPath volumes: binds of host directories or devices that are not engine files.
    Control c = make("baseline", "hostPathVolumes", "HostPath volumes");
    std::vector<std::string> binds;
    for (const auto& v : in.volumes)
      if (host_backed(v)) binds.push_back(v.mount_point + " <- " + v.host_path.value_or("?"));
    if (in.mounts_unknown) {
      c.evidence = "mount table unreadable";
    } else if (binds.empty() && unresolved(in)) {
      c.evidence = "the host's mount table is unreadable: binds cannot be told from other mounts";
    } else if (!binds.empty()) {
      c.verdict = Verdict::fail;
      c.evidence = "host paths bound in: " + join(binds);
    } else {
      c.verdict = Verdict::pass;
      c.evidence = "no bind of a host path besides the engine's own files";
    }
    out.push_back(std::move(c));
  }

  {  // AppArmor: baseline forbids overriding the profile to unconfined.
    Control c = make("baseline", "appArmor", "AppArmor profile not unconfined");
    bool active = in.lsm_active && std::find(in.lsm_active->begin(), in.lsm_active->end(), "apparmor") != in.lsm_active->end();
    if (!in.lsm_active) {
      c.evidence = "active LSMs unknown";
    } else if (!active) {
      c.verdict = Verdict::pass;
      c.exact = true;
      c.evidence = "AppArmor is not active on this kernel";
    } else {
      c.exact = true;
      std::vector<std::string> bad;
      bool unknown = false;
      for (const auto& p : in.processes) {
        if (p.lsm != "apparmor" || !p.lsm_label) unknown = true;
        else if (p.lsm_label->starts_with("unconfined")) bad.push_back(pid_tag(p) + " " + *p.lsm_label);
      }
      if (!bad.empty()) c.verdict = Verdict::fail, c.evidence = join(bad);
      else if (unknown || !have) c.evidence = "AppArmor label unreadable";
      else c.verdict = Verdict::pass, c.evidence = "profile " + *in.processes.front().lsm_label;
    }
    out.push_back(std::move(c));
  }

  {  // SELinux: the type must be one of the container types.
    Control c = make("baseline", "seLinux", "SELinux type is a container type");
    bool active = in.lsm_active && std::find(in.lsm_active->begin(), in.lsm_active->end(), "selinux") != in.lsm_active->end();
    if (!in.lsm_active) {
      c.evidence = "active LSMs unknown";
    } else if (!active) {
      c.verdict = Verdict::pass;
      c.exact = true;
      c.evidence = "SELinux is not active on this kernel";
    } else {
      c.exact = true;
      std::vector<std::string> bad;
      bool unknown = false;
      for (const auto& p : in.processes) {
        if (p.lsm != "selinux" || !p.lsm_label) {
          unknown = true;
          continue;
        }
        std::vector<std::string> parts;
        std::string_view l = *p.lsm_label;
        for (std::size_t i = 0; i < 3; ++i) {
          auto colon = l.find(':');
          parts.emplace_back(l.substr(0, colon));
          l = colon == std::string_view::npos ? std::string_view() : l.substr(colon + 1);
        }
        const std::string& type = parts[2];
        if (type != "container_t" && type != "container_init_t" && type != "container_kvm_t" &&
            type != "container_engine_t")
          bad.push_back(pid_tag(p) + " " + *p.lsm_label);
      }
      if (!bad.empty()) c.verdict = Verdict::fail, c.evidence = join(bad);
      else if (unknown || !have) c.evidence = "SELinux label unreadable";
      else c.verdict = Verdict::pass, c.evidence = "context " + *in.processes.front().lsm_label;
    }
    out.push_back(std::move(c));
  }

  {  // /proc mount type: Default masks paths; Unmasked shows all of /proc.
    Control c = make("baseline", "procMount", "/proc mount type Default (masked)");
    const auto& ms = in.mount_security;
    if (in.mounts_unknown) {
      c.evidence = "mount table unreadable";
    } else if (!ms.proc_mounted) {
      c.verdict = Verdict::pass;
      c.exact = true;
      c.evidence = "no proc mounted at /proc";
    } else if (!ms.masked_paths.empty()) {
      c.verdict = Verdict::pass;
      c.evidence = "masked: " + join(ms.masked_paths);
    } else {
      c.verdict = Verdict::fail;
      c.evidence = "/proc mounted with no masked path";
    }
    out.push_back(std::move(c));
  }

  out.push_back(seccomp_control(in, "baseline"));

  // ---- restricted ----
  {
    Control c = make("restricted", "volumeTypes", "Only configMap, csi, downwardAPI, emptyDir, projected, secret volumes");
    std::vector<std::string> bad;
    bool nfs = false;
    for (const auto& v : in.volumes) {
      if (host_backed(v)) bad.push_back(v.mount_point + " (" + v.kind + ")");
      if (v.kind == "nfs") nfs = true;
    }
    if (in.mounts_unknown) {
      c.evidence = "mount table unreadable";
    } else if (bad.empty() && unresolved(in)) {
      c.evidence = "the host's mount table is unreadable: binds cannot be told from other mounts";
    } else if (!bad.empty()) {
      c.verdict = Verdict::fail;
      c.evidence = join(bad);
    } else if (nfs) {
      c.evidence = "an NFS mount: a direct nfs volume fails, a PVC bound to an NFS volume passes";
    } else {
      c.verdict = Verdict::pass;
      c.evidence = "no host path or device bound in";
    }
    out.push_back(std::move(c));
  }

  {
    Control c = make("restricted", "allowPrivilegeEscalation", "Privilege escalation disallowed (no_new_privs)");
    c.exact = true;
    std::vector<std::string> bad;
    bool unknown = false;
    for (const auto& p : in.processes) {
      if (!p.status.no_new_privs) unknown = true;
      else if (!*p.status.no_new_privs) bad.push_back(pid_tag(p));
    }
    if (!bad.empty()) c.verdict = Verdict::fail, c.evidence = "NoNewPrivs: 0 for " + join(bad);
    else if (unknown || !have) c.evidence = "NoNewPrivs unreadable";
    else c.verdict = Verdict::pass, c.evidence = "NoNewPrivs: 1 for every process";
    out.push_back(std::move(c));
  }

  {
    Control c = make("restricted", "runAsNonRoot", "Running as non-root (uid 0 nowhere in real, effective, saved)");
    c.exact = true;
    std::vector<std::string> root, mapped;
    bool unknown = false;
    for (const auto& p : in.processes) {
      const auto& ids = p.uids_inside;
      if (!ids) {
        unknown = true;
        continue;
      }
      if ((*ids)[0] != 0 && (*ids)[1] != 0 && (*ids)[2] != 0) continue;
      if (!p.in_initial_userns && p.status.uids && (*p.status.uids)[1] != 0)
        mapped.push_back(pid_tag(p) + " uid 0 is host uid " + std::to_string((*p.status.uids)[1]));
      else
        root.push_back(pid_tag(p));
    }
    if (!root.empty()) {
      c.verdict = Verdict::fail;
      c.evidence = "uid 0: " + join(root);
    } else if (unknown || !have) {
      c.evidence = "uids or uid_map unreadable";
    } else if (!mapped.empty()) {
      // Kubernetes relaxes runAsNonRoot for pods in user namespaces (hostUsers: false).
      c.verdict = Verdict::pass;
      c.exact = false;
      c.evidence = "root only inside a user namespace: " + join(mapped);
    } else {
      c.verdict = Verdict::pass;
      c.evidence = "no process has uid 0 (uid " + std::to_string((*in.processes.front().uids_inside)[1]) + ")";
    }
    out.push_back(std::move(c));
  }

  out.push_back(seccomp_control(in, "restricted"));
  out.push_back(caps_control(in, "restricted", mask_of({"net_bind_service"}),
                             "Capabilities dropped to ALL but NET_BIND_SERVICE", "cap_net_bind_service"));
  return out;
}

Verdict level_verdict(const std::vector<Control>& controls, std::string_view level) {
  bool unknown = false;
  for (const auto& c : controls) {
    // restricted includes every baseline control.
    if (level == "baseline" && c.level != "baseline") continue;
    if (c.verdict == Verdict::fail) return Verdict::fail;
    if (c.verdict == Verdict::unknown) unknown = true;
  }
  return unknown ? Verdict::unknown : Verdict::pass;
}

}  // namespace nsinspect::inspect
