// containerd's metadata database: buckets v1 / NAMESPACE / containers / ID, whose key "image"
// holds the image name the container was made from (containerd/metadata/buckets.go). The
// bundle and the runtime state do not name the image; only this file does.
#include "containers/bolt.hpp"
#include "nsinspect/container_sources.hpp"

namespace nsinspect::containers {

namespace {

std::unordered_map<std::string, std::string> images_of(const bolt::Db& db) {
  std::unordered_map<std::string, std::string> out;
  auto v1 = db.bucket(db.root(), "v1");
  if (!v1) return out;
  db.for_each(*v1, [&](std::string_view ns, std::string_view, const std::optional<bolt::Bucket>& nsb) {
    if (!nsb) return true;
    auto containers = db.bucket(*nsb, "containers");
    if (!containers) return true;
    db.for_each(*containers, [&](std::string_view id, std::string_view, const std::optional<bolt::Bucket>& cb) {
      if (!cb) return true;
      if (auto image = db.get(*cb, "image"); image && !image->empty())
        out.emplace(std::string(ns) + "/" + std::string(id), std::string(*image));
      return true;
    });
    return true;
  });
  return out;
}

}  // namespace

std::unordered_map<std::string, std::string> parse_containerd_images(std::string_view bytes) {
  return images_of(bolt::Db(bytes));
}

std::unordered_map<std::string, std::string> parse_containerd_images(
    const std::function<std::string(uint64_t, std::size_t)>& read_at, uint64_t size) {
  return images_of(bolt::Db(read_at, size));
}

}  // namespace nsinspect::containers
