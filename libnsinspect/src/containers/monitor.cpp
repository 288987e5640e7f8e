// Container monitors recognised from their command lines: conmon (podman, CRI-O),
// containerd shims (containerd, CRI, docker), the LXC monitor and systemd-nspawn.
#include "nsinspect/container_sources.hpp"

namespace nsinspect::containers {

namespace {

std::string_view basename(std::string_view p) {
  auto s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

// Value of an option given as "-x V", "--long V" or "--long=V"; "" when absent.
std::string option(const std::vector<std::string>& argv, std::initializer_list<std::string_view> names) {
  for (std::size_t i = 1; i < argv.size(); ++i) {
    std::string_view a = argv[i];
    for (std::string_view n : names) {
      if (a == n && i + 1 < argv.size()) return argv[i + 1];
      if (a.size() > n.size() + 1 && a.substr(0, n.size()) == n && a[n.size()] == '=')
        return std::string(a.substr(n.size() + 1));
    }
  }
  return {};
}

}  // namespace

std::optional<MonitorInfo> parse_monitor_cmdline(const std::vector<std::string>& argv) {
  if (argv.empty()) return std::nullopt;
  std::string_view exe = basename(argv[0]);
  MonitorInfo m;
  if (exe == "conmon") {
    m.kind = "conmon";
    m.id = option(argv, {"-c", "--cid"});
    m.name = option(argv, {"-n", "--name"});
    m.bundle = option(argv, {"-b", "--bundle"});
    m.runtime = option(argv, {"-r", "--runtime"});
    // podman passes itself as the exit command; CRI-O does not.
    std::string exit_cmd = option(argv, {"--exit-command"});
    m.engine = basename(exit_cmd) == "podman" ? "podman" : "cri-o";
    if (m.id.empty()) return std::nullopt;  // "conmon --version" and the like
    return m;
  }
  if (exe.substr(0, 15) == "containerd-shim") {
    m.kind = "containerd-shim";
    m.id = option(argv, {"-id", "--id"});
    m.ns = option(argv, {"-namespace", "--namespace"});
    // containerd-shim-runc-v2 -> runc, containerd-shim-kata-v2 -> kata
    std::string_view rest = exe.substr(15);
    if (rest.size() > 1 && rest[0] == '-') {
      rest.remove_prefix(1);
      auto dash = rest.rfind('-');
      m.runtime = std::string(dash == std::string_view::npos ? rest : rest.substr(0, dash));
    }
    m.engine = m.ns == "moby" ? "docker" : "containerd";
    return m;
  }
  if (exe == "docker-containerd-shim") {
    m.kind = "docker-shim";
    m.engine = "docker";
    if (argv.size() > 1) m.id = argv[1];
    return m;
  }
  // The LXC monitor retitles itself "[lxc monitor] LXCPATH NAME": one argv string with
  // spaces (LXC 3+ sets a new argv area of one string), or split when read from an older
  // LXC or a ps that split it. The name is the last word (an lxcpath may hold spaces).
  if (argv[0].rfind("[lxc monitor] ", 0) == 0) {
    std::string_view rest = std::string_view(argv[0]).substr(14);
    auto sp = rest.rfind(' ');
    if (sp == std::string_view::npos || sp + 1 == rest.size()) return std::nullopt;
    m.kind = "lxc-monitor";
    m.engine = "lxc";
    m.id = std::string(rest.substr(sp + 1));
    return m;
  }
  if (argv[0] == "[lxc" && argv.size() >= 4 && argv[1] == "monitor]") {
    m.kind = "lxc-monitor";
    m.engine = "lxc";
    m.id = argv.back();
    return m;
  }
  if (exe == "systemd-nspawn") {
    m.kind = "nspawn";
    m.engine = "nspawn";
    m.id = option(argv, {"-M", "--machine"});
    if (m.id.empty()) {
      std::string dir = option(argv, {"-D", "--directory"});
      if (dir.empty()) dir = option(argv, {"-i", "--image"});
      while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
      m.id = std::string(basename(dir));
    }
    // nspawn sets the hostname to --hostname, else the machine name; a booted guest's init
    // may set its own (from its /etc/hostname): unknown then.
    bool boot = false;
    for (std::size_t i = 1; i < argv.size(); ++i) boot |= argv[i] == "-b" || argv[i] == "--boot";
    m.hostname = option(argv, {"--hostname"});
    if (m.hostname.empty()) m.hostname = m.id;
    if (boot) m.hostname.clear();
    return m;
  }
  return std::nullopt;
}

}  // namespace nsinspect::containers
