// Engine stores that name containers and pods: containers/storage (podman, CRI-O), docker's
// config.v2.json, podman's state database; plus the small formats they use.
#include <ctime>

#include <nlohmann/json.hpp>

#include "containers/json_skim.hpp"
#include "containers/json_util.hpp"
#include "nsinspect/container_sources.hpp"
#include "procfs/parse_util.hpp"

namespace nsinspect::containers {

std::vector<StorageContainer> parse_storage_containers(std::string_view text) {
  // Skimmed, not parsed: every container of the node is in it (100 podman containers: 53 KiB,
  // 1.4 ms through nlohmann's DOM, 0.1 ms skimmed).
  std::vector<StorageContainer> out;
  bool ok = skim::elements(text, [&](std::string_view e) {
    StorageContainer c;
    std::string_view names, metadata;
    bool object = skim::members(e, [&](std::string_view key, std::string_view v) {
      if (key == "id") c.id = skim::string(v).value_or("");
      else if (key == "names") names = v;
      else if (key == "image") c.image_id = skim::string(v).value_or("");
      else if (key == "created") c.created = skim::string(v).value_or("");
      else if (key == "metadata") metadata = v;
    });
    if (!object || c.id.empty()) return;
    auto n = skim::strings(names);
    if (!n.empty()) c.name = n.front();
    // "metadata" is itself JSON, as text: read only when all of it is well-formed.
    std::string image_name, pod_name, pod_id, md_name;
    if (auto md = skim::string(metadata);
        md && skim::members(*md, [&](std::string_view key, std::string_view v) {
          if (key == "image-name") image_name = skim::string(v).value_or("");
          else if (key == "pod-name") pod_name = skim::string(v).value_or("");
          else if (key == "pod-id") pod_id = skim::string(v).value_or("");
          else if (key == "name") md_name = skim::string(v).value_or("");
        })) {
      c.image_name = std::move(image_name);
      c.pod_name = std::move(pod_name);
      c.pod_id = std::move(pod_id);
      if (c.name.empty()) c.name = std::move(md_name);
    }
    out.push_back(std::move(c));
  });
  if (!ok) out.clear();
  return out;
}

std::optional<DockerContainer> parse_docker_config(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  DockerContainer d;
  d.id = json_string(j, "ID");
  d.name = json_string(j, "Name");
  if (!d.name.empty() && d.name.front() == '/') d.name.erase(0, 1);
  d.created = json_string(j, "Created");
  if (auto c = j.find("Config"); c != j.end() && c->is_object()) {
    d.image = json_string(*c, "Image");
    d.hostname = json_string(*c, "Hostname");
    d.labels = json_string_map(*c, "Labels");
  }
  if (auto s = j.find("State"); s != j.end() && s->is_object())
    if (auto p = s->find("Paused"); p != s->end() && p->is_boolean()) d.paused = p->get<bool>();
  if (d.id.empty()) return std::nullopt;
  return d;
}

std::unordered_map<std::string, std::string> parse_podman_db_names(std::string_view bytes) {
  std::unordered_map<std::string, std::string> out;
  constexpr std::string_view head = "{\"id\":\"", mid = "\",\"name\":\"";
  for (std::size_t at = bytes.find(head); at != std::string_view::npos; at = bytes.find(head, at + 1)) {
    std::string_view rest = bytes.substr(at + head.size());
    if (rest.size() < 64 + mid.size() || !is_hex_id(rest.substr(0, 64))) continue;
    if (rest.substr(64, mid.size()) != mid) continue;
    rest.remove_prefix(64 + mid.size());
    auto end = rest.find('"');
    if (end == std::string_view::npos || end == 0 || end > 253) continue;
    out.emplace(std::string(bytes.substr(at + head.size(), 64)), std::string(rest.substr(0, end)));
  }
  return out;
}

LxcConfig parse_lxc_config(std::string_view text) {
  LxcConfig c;
  detail::for_each_line(text, [&](std::string_view line) {
    line = detail::trim(line);
    auto eq = line.find('=');
    if (line.empty() || line.front() == '#' || eq == std::string_view::npos) return;
    std::string_view key = detail::trim(line.substr(0, eq)), value = detail::trim(line.substr(eq + 1));
    if (key == "lxc.uts.name" || key == "lxc.utsname") c.hostname = std::string(value);
    if (key == "lxc.rootfs.path" || key == "lxc.rootfs") c.rootfs = std::string(value);
  });
  return c;
}

std::optional<int64_t> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM); 't', 'z' and a space for 'T' are accepted.
  // Every position is checked against the length before it is read: the text comes from
  // other programs' files.
  auto at = [&](std::size_t pos) { return pos < s.size() ? s[pos] : '\0'; };
  // Exactly two (or four) digits in [lo, hi]: no sign, no blank.
  auto num = [&](std::size_t pos, std::size_t len, int lo, int hi) -> std::optional<int> {
    int v = 0;
    for (std::size_t k = pos; k < pos + len; ++k) {
      char c = at(k);
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    if (v < lo || v > hi) return std::nullopt;
    return v;
  };
  auto Y = num(0, 4, 0, 9999), M = num(5, 2, 1, 12), D = num(8, 2, 1, 31), h = num(11, 2, 0, 23),
       m = num(14, 2, 0, 59), sec = num(17, 2, 0, 60);  // 60: a leap second
  char t = at(10);
  if (!Y || !M || !D || !h || !m || !sec || at(4) != '-' || at(7) != '-' || (t != 'T' && t != 't' && t != ' ') ||
      at(13) != ':' || at(16) != ':')
    return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (*Y % 4 == 0 && *Y % 100 != 0) || *Y % 400 == 0;
  if (*D > kDays[*M - 1] || (*M == 2 && *D == 29 && !leap)) return std::nullopt;  // not another day
  std::size_t i = 19;
  if (at(i) == '.') {
    std::size_t digits = ++i;
    while (at(i) >= '0' && at(i) <= '9') ++i;
    if (i == digits) return std::nullopt;
  }
  int64_t offset = 0;
  char zone = at(i);
  if (zone == '+' || zone == '-') {
    auto oh = num(i + 1, 2, 0, 23), om = num(i + 4, 2, 0, 59);
    if (!oh || !om || at(i + 3) != ':') return std::nullopt;
    offset = (*oh * 3600 + *om * 60) * (zone == '-' ? -1 : 1);
    i += 6;
  } else if (zone == 'Z' || zone == 'z') {
    i += 1;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  struct tm tm{};
  tm.tm_year = *Y - 1900;
  tm.tm_mon = *M - 1;
  tm.tm_mday = *D;
  tm.tm_hour = *h;
  tm.tm_min = *m;
  tm.tm_sec = *sec;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

std::optional<int64_t> parse_btime(std::string_view proc_stat) {
  std::optional<int64_t> out;
  detail::for_each_line(proc_stat, [&](std::string_view line) {
    if (line.substr(0, 6) == "btime ") out = detail::to_number<int64_t>(detail::trim(line.substr(6)));
  });
  return out;
}

bool parse_frozen(std::string_view text) {
  if (detail::trim(text) == "FROZEN") return true;
  bool frozen = false;
  detail::for_each_line(text, [&](std::string_view line) {
    if (detail::trim(line) == "frozen 1") frozen = true;
  });
  return frozen;
}

}  // namespace nsinspect::containers
