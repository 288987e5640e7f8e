#include "nsfixtures.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include "run.hpp"

namespace testsupport {

void flatten(const nlohmann::json& arr, std::map<uint64_t, nlohmann::json>& out) {
  for (const auto& o : arr) {
    if (o.contains("ns")) out[o["ns"].get<uint64_t>()] = o;
    if (o.contains("children")) flatten(o["children"], out);
  }
}

std::map<uint64_t, nlohmann::json> list_json(const std::vector<std::string>& args) {
  std::vector<std::string> argv{nsview_bin(), "list"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("-J");
  Result r = run(argv);
  if (r.status != 0) throw std::runtime_error("nsview list failed: " + r.err);
  if (!r.err.empty()) throw std::runtime_error("nsview list wrote to stderr: " + r.err);
  std::map<uint64_t, nlohmann::json> out;
  flatten(nlohmann::json::parse(r.out).at("namespaces"), out);
  return out;
}

uint64_t path_inode(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

uint64_t ns_inode(pid_t pid, const std::string& type) {
  return path_inode("/proc/" + std::to_string(pid) + "/ns/" + type);
}

std::vector<pid_t> children_of(pid_t pid, int timeout_ms) {
  std::vector<pid_t> kids;
  Child::wait_for([&] {
    kids.clear();
    std::ifstream f("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    pid_t k;
    while (f >> k) kids.push_back(k);
    return !kids.empty();
  }, timeout_ms);
  return kids;
}

pid_t descendant(pid_t pid, int depth) {
  for (int i = 0; i < depth; ++i) {
    auto kids = children_of(pid);
    if (kids.empty()) throw std::runtime_error("process " + std::to_string(pid) + " has no child");
    pid = kids.front();
  }
  return pid;
}

std::string unique_name(const std::string& stem) {
  static int counter = 0;
  return "nsview-test-" + stem + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

}  // namespace testsupport
