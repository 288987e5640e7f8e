// Type-checked reads from nlohmann::json objects: a missing or mistyped field is "absent",
// never an exception (the files come from other programs).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nsinspect::containers {

inline std::string json_string(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <class T>
std::optional<T> json_number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<T>();
}

inline std::vector<std::string> json_strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

inline std::map<std::string, std::string> json_string_map(const nlohmann::json& j, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return out;
  for (auto kv = it->begin(); kv != it->end(); ++kv)
    if (kv->is_string()) out.emplace(kv.key(), kv->get<std::string>());
  return out;
}

}  // namespace nsinspect::containers
