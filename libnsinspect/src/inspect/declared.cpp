// What the OCI bundle's config.json asked the runtime for: the declared side of "declared
// beside enforced". Pure; a missing or mistyped field stays unknown.
#include <nlohmann/json.hpp>

#include "containers/json_util.hpp"
#include "nsinspect/inspect.hpp"

namespace nsinspect::inspect {

using containers::json_number;
using containers::json_string;
using containers::json_strings;

namespace {

std::optional<std::vector<std::string>> strings_if_present(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return std::nullopt;
  return json_strings(j, key);
}

std::optional<bool> bool_if_present(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

}  // namespace

std::optional<Declared> parse_declared(std::string_view config_json) {
  auto j = nlohmann::json::parse(config_json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  Declared d;
  if (auto p = j.find("process"); p != j.end() && p->is_object()) {
    if (auto u = p->find("user"); u != p->end() && u->is_object()) {
      d.uid = json_number<uint32_t>(*u, "uid");
      d.gid = json_number<uint32_t>(*u, "gid");
      if (auto g = u->find("additionalGids"); g != u->end() && g->is_array()) {
        std::vector<uint32_t> gids;
        for (const auto& v : *g)
          if (v.is_number_unsigned()) gids.push_back(v.get<uint32_t>());
        d.additional_gids = std::move(gids);
      }
    }
    if (auto c = p->find("capabilities"); c != p->end() && c->is_object()) {
      d.cap_bounding = strings_if_present(*c, "bounding");
      d.cap_effective = strings_if_present(*c, "effective");
      d.cap_permitted = strings_if_present(*c, "permitted");
      d.cap_inheritable = strings_if_present(*c, "inheritable");
      d.cap_ambient = strings_if_present(*c, "ambient");
    }
    d.no_new_privileges = bool_if_present(*p, "noNewPrivileges").value_or(false);
    d.apparmor_profile = json_string(*p, "apparmorProfile");
    d.selinux_label = json_string(*p, "selinuxLabel");
  }
  if (auto r = j.find("root"); r != j.end() && r->is_object())
    d.read_only_root = bool_if_present(*r, "readonly").value_or(false);
  if (auto l = j.find("linux"); l != j.end() && l->is_object()) {
    auto s = l->find("seccomp");
    d.seccomp = s != l->end() && s->is_object();
    d.masked_paths = json_strings(*l, "maskedPaths");
    d.readonly_paths = json_strings(*l, "readonlyPaths");
    if (auto ns = l->find("namespaces"); ns != l->end() && ns->is_array())
      for (const auto& n : *ns)
        if (n.is_object()) d.namespaces.push_back(json_string(n, "type"));
  }
  return d;
}

}  // namespace nsinspect::inspect
