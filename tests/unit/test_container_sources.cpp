// Parsers of what engines leave on a node: monitor argv, OCI config.json and its annotations
// (CRI-O, containerd, docker, podman fixtures), runc/crun state, containers/storage, docker's
// config.v2.json, podman's database, and the small formats.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "nsinspect/container_sources.hpp"
#include "run.hpp"

using namespace nsinspect;
using namespace nsinspect::containers;

namespace {
std::string fixture(const std::string& name) { return testsupport::fixture_text("containers/oci/" + name); }
const std::string kUid = "7c5e1b2a-3f4d-4e6a-9b8c-0d1e2f3a4b5c";
std::string rep(const std::string& two, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += two;
  return s;
}
}  // namespace

TEST_CASE("monitor: podman's conmon (real argv shape)", "[containers][monitor]") {
  std::vector<std::string> argv = {
      "/usr/bin/conmon", "--api-version", "1", "-c", "ee32b198f317ad86e24f6858dea9935edc897646eb08e37dd98531564af0c9ef",
      "-u", "ee32b198f317ad86e24f6858dea9935edc897646eb08e37dd98531564af0c9ef", "-r", "/usr/bin/runc", "-b",
      "/var/lib/containers/storage/overlay-containers/ee32/userdata", "-p", "/run/pidfile", "-n", "nsvexp-one",
      "--exit-dir", "/run/libpod/exits", "--exit-command", "/usr/bin/podman", "--exit-command-arg", "--root"};
  auto m = parse_monitor_cmdline(argv);
  REQUIRE(m);
  CHECK(m->kind == "conmon");
  CHECK(m->id == "ee32b198f317ad86e24f6858dea9935edc897646eb08e37dd98531564af0c9ef");
  CHECK(m->name == "nsvexp-one");
  CHECK(m->bundle == "/var/lib/containers/storage/overlay-containers/ee32/userdata");
  CHECK(m->runtime == "/usr/bin/runc");
  CHECK(m->engine == "podman");
}

TEST_CASE("monitor: CRI-O's conmon, shims, lxc monitor, nspawn - others are not monitors", "[containers][monitor]") {
  auto m = parse_monitor_cmdline({"/usr/bin/conmon", "-b", "/run/b", "-c", "abc", "-n", "k8s_nginx_web_shop_x_0",
                                  "-r", "/usr/bin/crun", "--runtime-arg", "--root=/run/crun", "-s"});
  REQUIRE(m);
  CHECK(m->engine == "cri-o");
  CHECK(m->id == "abc");
  CHECK(m->name == "k8s_nginx_web_shop_x_0");
  m = parse_monitor_cmdline({"/usr/bin/conmon", "--cid=abc", "--name=n", "--bundle=/b", "--runtime=/usr/bin/runc"});
  REQUIRE(m);
  CHECK(m->id == "abc");
  CHECK(m->name == "n");
  CHECK(m->bundle == "/b");
  m = parse_monitor_cmdline({"/usr/bin/containerd-shim-runc-v2", "-namespace", "k8s.io", "-id", "s1", "-address",
                             "/run/containerd/containerd.sock"});
  REQUIRE(m);
  CHECK(m->kind == "containerd-shim");
  CHECK(m->engine == "containerd");
  CHECK(m->runtime == "runc");
  CHECK(m->ns == "k8s.io");
  CHECK(m->id == "s1");
  m = parse_monitor_cmdline({"/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id", "d1"});
  REQUIRE(m);
  CHECK(m->engine == "docker");
  m = parse_monitor_cmdline({"[lxc", "monitor]", "/var/lib/lxc", "web01"});
  REQUIRE(m);
  CHECK(m->engine == "lxc");
  CHECK(m->id == "web01");
  // As LXC 5 leaves it: one argv string with spaces (read from a real monitor)
  m = parse_monitor_cmdline({"[lxc monitor] /var/lib/lxc nsview-test-1-c1"});
  REQUIRE(m);
  CHECK(m->kind == "lxc-monitor");
  CHECK(m->engine == "lxc");
  CHECK(m->id == "nsview-test-1-c1");
  m = parse_monitor_cmdline({"[lxc monitor] /srv/my containers web02"});
  REQUIRE(m);
  CHECK(m->id == "web02");
  CHECK_FALSE(parse_monitor_cmdline({"[lxc monitor] "}));
  CHECK_FALSE(parse_monitor_cmdline({"[lxc monitor] /var/lib/lxc "}));
  CHECK_FALSE(parse_monitor_cmdline({"[lxc monitor]"}));
  m = parse_monitor_cmdline({"systemd-nspawn", "-D", "/var/lib/machines/deb-test/", "-b"});
  REQUIRE(m);
  CHECK(m->id == "deb-test");
  CHECK(m->hostname.empty());  // a booted guest's init sets its own
  m = parse_monitor_cmdline({"/usr/bin/systemd-nspawn", "--machine=m1", "-D", "/x"});
  REQUIRE(m);
  CHECK(m->id == "m1");
  CHECK(m->hostname == "m1");  // nspawn's default: the machine name
  // as a test here starts it (no systemd as PID 1)
  m = parse_monitor_cmdline({"systemd-nspawn", "--register=no", "--keep-unit", "-q", "-D", "/tmp/r", "-M", "n2",
                             "--hostname=h2", "/bin/sleep", "300"});
  REQUIRE(m);
  CHECK(m->kind == "nspawn");
  CHECK(m->id == "n2");
  CHECK(m->hostname == "h2");
  CHECK_FALSE(parse_monitor_cmdline({"/usr/bin/conmon", "--version"}));
  CHECK_FALSE(parse_monitor_cmdline({"/usr/bin/containerd", "--config", "x"}));
  CHECK_FALSE(parse_monitor_cmdline({"sleep", "1000"}));
  CHECK_FALSE(parse_monitor_cmdline({}));
}

TEST_CASE("config.json: CRI-O sandbox and container", "[containers][oci]") {
  auto sb = parse_oci_config(fixture("crio-sandbox.config.json"));
  REQUIRE(sb);
  CHECK(sb->hostname == "web-7d9f8b6c5-x2x9q");
  CHECK(sb->args == std::vector<std::string>{"/pause"});
  REQUIRE(sb->namespaces.size() == 5);
  CHECK(sb->namespaces[1].first == NsType::net);
  CHECK(sb->namespaces[1].second == "/var/run/netns/1b2c3d4e-aaaa-bbbb-cccc-ddddeeeeffff");
  CHECK(sb->namespaces[4].first == NsType::mnt);
  auto a = interpret_annotations(sb->annotations);
  CHECK(a.engine == "cri-o");
  CHECK(a.sandbox);
  CHECK(a.pod_name == "web-7d9f8b6c5-x2x9q");
  CHECK(a.pod_namespace == "shop");
  CHECK(a.pod_uid == kUid);
  CHECK(a.container_name == "POD");

  auto c = parse_oci_config(fixture("crio-container.config.json"));
  REQUIRE(c);
  CHECK(c->hostname.empty());
  a = interpret_annotations(c->annotations);
  CHECK(a.engine == "cri-o");
  CHECK_FALSE(a.sandbox);
  CHECK(a.container_name == "nginx");
  CHECK(a.sandbox_id == rep("a1", 32));
  CHECK(a.image == "docker.io/library/nginx:1.25");
  CHECK(a.name == "k8s_nginx_web-7d9f8b6c5-x2x9q_shop_" + kUid + "_0");
  CHECK(a.pod_uid == kUid);
}

TEST_CASE("config.json: CRI-O labels-only pod identity (older CRI-O)", "[containers][oci]") {
  std::map<std::string, std::string> ann = {
      {"io.kubernetes.cri-o.ContainerType", "container"},
      {"io.kubernetes.cri-o.Labels",
       R"({"io.kubernetes.container.name":"app","io.kubernetes.pod.name":"p1","io.kubernetes.pod.namespace":"ns1","io.kubernetes.pod.uid":"u-1"})"}};
  auto a = interpret_annotations(ann);
  CHECK(a.engine == "cri-o");
  CHECK(a.container_name == "app");
  CHECK(a.pod_name == "p1");
  CHECK(a.pod_namespace == "ns1");
  CHECK(a.pod_uid == "u-1");
  ann["io.kubernetes.cri-o.Labels"] = "{not json";
  a = interpret_annotations(ann);
  CHECK(a.pod_name.empty());
}

TEST_CASE("config.json: containerd CRI sandbox and container", "[containers][oci]") {
  auto sb = parse_oci_config(fixture("containerd-sandbox.config.json"));
  REQUIRE(sb);
  auto a = interpret_annotations(sb->annotations);
  CHECK(a.engine == "containerd");
  CHECK(a.sandbox);
  CHECK(a.pod_name == "cache-0");
  CHECK(a.pod_namespace == "data");
  CHECK(a.pod_uid == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  CHECK(a.container_name.empty());
  auto c = parse_oci_config(fixture("containerd-container.config.json"));
  REQUIRE(c);
  CHECK(c->cgroups_path == "/kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/" + rep("f6", 32));
  a = interpret_annotations(c->annotations);
  CHECK(a.engine == "containerd");
  CHECK_FALSE(a.sandbox);
  CHECK(a.container_name == "redis");
  CHECK(a.image == "docker.io/library/redis:7");
  CHECK(a.sandbox_id == rep("e5", 32));
}

TEST_CASE("config.json: docker's bundle says little - config.v2.json names it", "[containers][oci]") {
  auto c = parse_oci_config(fixture("docker.config.json"));
  REQUIRE(c);
  CHECK(c->hostname == "1a1a1a1a1a1a");
  auto a = interpret_annotations(c->annotations);
  CHECK(a.engine.empty());
  CHECK_FALSE(a.sandbox);
  REQUIRE(c->namespaces.size() == 6);
  CHECK(c->namespaces[5].first == NsType::cgroup);
  CHECK(c->namespaces[5].second.empty());
  auto d = parse_docker_config(fixture("docker.config.v2.json"));
  REQUIRE(d);
  CHECK(d->name == "web-proxy");
  CHECK(d->image == "nginx:1.25");
  CHECK(d->hostname == "1a1a1a1a1a1a");
  CHECK(d->created == "2026-11-27T09:29:59.25Z");
  CHECK_FALSE(d->paused);
  CHECK(d->labels.at("com.example.team") == "edge");
  CHECK_FALSE(parse_docker_config("{}"));
  CHECK_FALSE(parse_docker_config("[1,2]"));
}

TEST_CASE("config.json: podman pod member and infra (captured from this machine)", "[containers][oci]") {
  auto m = parse_oci_config(fixture("podman-pod-member.config.json"));
  REQUIRE(m);
  auto a = interpret_annotations(m->annotations);
  CHECK(a.engine == "podman");  // io.container.manager=libpod wins over the cri-o.* annotations
  CHECK_FALSE(a.sandbox);
  CHECK(a.sandbox_id == "bd335bba1ab44347e3df0b692b8c6b456ad685ce048cb814a17694ce83dd0d17");
  CHECK(m->cgroups_path == "/libpod_parent/952655be82edb31bac00187849120f2ee84b4d6b130c2d316f7d9824c696d72a/"
                           "libpod-43da37f836de94147cf160e3d6d754261be85508c3e01aa60c7ec5b7be440278");
  CHECK(m->args == std::vector<std::string>{"sleep", "1000"});
  // pod members join the infra container's net, ipc and uts
  int joined = 0;
  for (auto& [t, path] : m->namespaces)
    if (!path.empty()) {
      ++joined;
      CHECK(path.rfind("/proc/5534/ns/", 0) == 0);
    }
  CHECK(joined == 3);
  auto i = parse_oci_config(fixture("podman-infra.config.json"));
  REQUIRE(i);
  CHECK(i->hostname == "nsvexp-p");
  CHECK(i->args == std::vector<std::string>{"/catatonit", "-P"});
  CHECK(interpret_annotations(i->annotations).engine == "podman");
}

TEST_CASE("config.json: malformed and mistyped input is rejected or ignored", "[containers][oci]") {
  CHECK_FALSE(parse_oci_config(""));
  CHECK_FALSE(parse_oci_config("{\"hostname\": "));
  CHECK_FALSE(parse_oci_config("[]"));
  auto c = parse_oci_config(R"({"hostname": 5, "annotations": {"a": 1, "b": "x"}, "linux": {"namespaces": [7, {"type": "bogus"}, {"type": "uts"}]}})");
  REQUIRE(c);
  CHECK(c->hostname.empty());
  CHECK(c->annotations == std::map<std::string, std::string>{{"b", "x"}});
  REQUIRE(c->namespaces.size() == 1);
  CHECK(c->namespaces[0].first == NsType::uts);
}

TEST_CASE("runtime state: runc state.json (real) and crun status", "[containers][state]") {
  auto s = parse_runc_state(fixture("runc-podman.state.json"));
  REQUIRE(s);
  CHECK(s->id == "ee32b198f317ad86e24f6858dea9935edc897646eb08e37dd98531564af0c9ef");
  CHECK(s->init_pid == 5443);
  CHECK(s->init_start == 86219u);
  CHECK(s->created == "2026-11-27T18:47:16.962488307Z");
  CHECK(s->bundle == "/var/lib/containers/storage/overlay-containers/"
                     "ee32b198f317ad86e24f6858dea9935edc897646eb08e37dd98531564af0c9ef/userdata");
  CHECK(s->hostname == "ee32b198f317");
  auto c = parse_crun_status(fixture("crun.status.json"));
  REQUIRE(c);
  CHECK(c->init_pid == 211);
  CHECK(c->init_start == 55000u);
  CHECK(c->bundle.rfind("/run/containers/storage/overlay-containers/", 0) == 0);
  CHECK(c->created == "2026-11-27T10:00:03.6Z");
  CHECK_FALSE(parse_runc_state("{}"));
  CHECK_FALSE(parse_crun_status("{\"bundle\": \"/x\"}"));
  CHECK_FALSE(parse_runc_state("garbage"));
}

TEST_CASE("runtime state and storage are skimmed, and refuse what a JSON parser refuses", "[containers][state]") {
  // The skipped part of a state.json (its config's other members) is checked as JSON is: each
  // of these is accepted exactly when nlohmann accepts the document around it.
  const std::vector<std::string> values = {
      "1", "-0", "0.5e-3", "1E+2", "1e-999", "1e999", "-1e999", "123456789012345678901234567890", "\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
      "[]", "{}", "[1, [2, {\"a\": [null, true, false]}]]", " { \"k\" : [ ] } ",
      "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "\"a", "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"",
      "\"a\x01\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"", "[1,]", "[1 2]", "{\"a\" 1}",
      "{\"a\": 1,}", "{1: 2}", "[", "]", "{", "}", "[}", "{]"};
  for (const auto& v : values) {
    const std::string doc = "{\"id\": \"x\", \"init_process_pid\": 7, \"config\": {\"other\": " + v +
                            ", \"hostname\": \"h\", \"labels\": [\"bundle=/b\"]}}";
    INFO(doc);
    auto s = parse_runc_state(doc);
    CHECK(s.has_value() == nlohmann::json::accept(doc));
    if (s) {
      CHECK(s->hostname == "h");
      CHECK(s->bundle == "/b");
    }
  }
  CHECK_FALSE(parse_runc_state("{\"id\": \"x\"} trailing"));
  // Escapes in the values read are decoded as nlohmann decodes them; a repeated key's last
  // value is the one kept; an integer that is not one (a fraction, a string) is absent.
  const std::string doc = R"({"id": "a\u00e9\ud83d\ude00\"\\\/\n", "id2": 1, "init_process_pid": 5, "init_process_pid": 6,
                              "init_process_start": 1.5, "created": 3, "config": {"hostname": "h\u0041"}})";
  auto s = parse_runc_state(doc);
  REQUIRE(s);
  CHECK(s->id == nlohmann::json::parse(doc)["id"].get<std::string>());
  CHECK(s->init_pid == 6);
  CHECK_FALSE(s->init_start);
  CHECK(s->created.empty());
  CHECK(s->hostname == "hA");
  // containers.json: a malformed metadata text leaves its fields unknown, the rest is read;
  // a malformed file is no container at all.
  auto c = parse_storage_containers(R"([{"id": "a", "names": ["n"], "metadata": "{\"image-name\": \"i\", \"pod-name\": \"p\""},
                                        {"id": "b", "metadata": "{\"name\": \"m\\u00e9\", \"pod-id\": \"q\"}"}])");
  REQUIRE(c.size() == 2);
  CHECK(c[0].name == "n");
  CHECK(c[0].image_name.empty());
  CHECK(c[0].pod_name.empty());
  CHECK(c[1].name == "m\xc3\xa9");
  CHECK(c[1].pod_id == "q");
  CHECK(parse_storage_containers(R"([{"id": "a"}, {"id": "b",}])").empty());
  // config.json: the same, and a repeated annotation's last value wins (dropped when it is no string).
  auto cfg = parse_oci_config(R"({"annotations": {"a": "1", "a": "2", "b": "x", "b": 3}, "linux": {"cgroupsPath": "p\u0041",
                                   "namespaces": [{"type": "network", "path": "/run/netns/x"}, "pid"]}, "process": {"args": ["sh", 1]}})");
  REQUIRE(cfg);
  CHECK(cfg->annotations == std::map<std::string, std::string>{{"a", "2"}});
  CHECK(cfg->cgroups_path == "pA");
  REQUIRE(cfg->namespaces.size() == 1);
  CHECK(cfg->namespaces[0] == std::pair<NsType, std::string>{NsType::net, "/run/netns/x"});
  CHECK(cfg->args == std::vector<std::string>{"sh"});
  CHECK_FALSE(parse_oci_config(R"({"annotations": {"a": "1"}, "mounts": [{"x": 01}]})"));
}

TEST_CASE("containers/storage: podman (real) and CRI-O containers.json", "[containers][storage]") {
  auto p = parse_storage_containers(fixture("podman-containers.json"));
  REQUIRE(p.size() >= 3);
  CHECK(p[0].id == "ee32b198f317ad86e24f6858dea9935edc897646eb08e37dd98531564af0c9ef");
  CHECK(p[0].name == "nsvexp-one");
  CHECK(p[0].image_name == "localhost/nsview-bb:latest");
  CHECK(p[0].created == "2026-11-27T18:47:16.678386531Z");
  CHECK(p[1].name == "952655be82ed-infra");
  CHECK(p[1].image_name == "localhost/podman-pause:4.3.1-0");
  auto c = parse_storage_containers(fixture("crio-containers.json"));
  REQUIRE(c.size() == 2);
  CHECK(c[1].name == "k8s_nginx_web-7d9f8b6c5-x2x9q_shop_" + kUid + "_0");
  CHECK(c[1].pod_name == "web-7d9f8b6c5-x2x9q");
  CHECK(c[1].pod_id == c[0].id);
  CHECK(c[1].image_name == "docker.io/library/nginx:1.25");
  CHECK(parse_storage_containers("{}").empty());
  CHECK(parse_storage_containers(R"([{"names": ["x"]}, 3, {"id": "a", "metadata": "not json"}])").size() == 1);
}

TEST_CASE("podman database: pod and container names from raw bytes", "[containers][storage]") {
  const std::string pod = "952655be82edb31bac00187849120f2ee84b4d6b130c2d316f7d9824c696d72a";
  std::string bytes = std::string("\0\0\x12\x34", 4) + "junk{\"id\":\"" + pod + "\",\"name\":\"nsvexp-p\",\"labels\":{}}" +
                      std::string("\0\x01", 2) + "{\"id\":\"short\",\"name\":\"x\"}" + "{\"id\":\"" + pod.substr(0, 63) +
                      "Z\",\"name\":\"bad\"}" + "{\"id\":\"" + pod;  // truncated at the end
  auto names = parse_podman_db_names(bytes);
  CHECK(names.size() == 1);
  CHECK(names.at(pod) == "nsvexp-p");
}

TEST_CASE("small formats: RFC 3339, btime, frozen", "[containers][storage]") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2026-11-27T18:47:16.962488307Z") == 1795805236);
  CHECK(parse_rfc3339("2026-11-27T19:47:16+01:00") == 1795805236);
  CHECK(parse_rfc3339("2026-11-27T17:47:16.5-01:00") == 1795805236);
  CHECK(parse_rfc3339("2026-11-27 18:47:16Z") == 1795805236);
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:16"));
  CHECK_FALSE(parse_rfc3339("yesterday"));
  CHECK_FALSE(parse_rfc3339(""));
  CHECK(parse_btime("cpu  1 2 3\nbtime 1795770000\nprocesses 5\n") == 1795770000);
  CHECK_FALSE(parse_btime("cpu 1\n"));
  CHECK(parse_frozen("FROZEN\n"));
  CHECK_FALSE(parse_frozen("THAWED\n"));
  CHECK(parse_frozen("populated 1\nfrozen 1\n"));
  CHECK_FALSE(parse_frozen("populated 1\nfrozen 0\n"));
}

TEST_CASE("RFC 3339: truncated zones, bad digits and out-of-range fields are no time, never an exception", "[containers][storage]") {
  // The fuzzer's find: a zone sign at the end made the offset read past the string
  // (std::out_of_range escaped from the scan).
  CHECK_NOTHROW(parse_rfc3339("2026-11-27 18:47:15-"));
  CHECK_FALSE(parse_rfc3339("2026-11-27 18:47:15-"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:15+0"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:15+01"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:15+01:0"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:15+0100"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:15.Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:15.123"));
  // Signs and blanks where digits belong (from_chars alone takes "-1").
  CHECK_FALSE(parse_rfc3339("2026--1-27T18:47:15Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:15+-1:00"));
  CHECK_FALSE(parse_rfc3339("+026-11-27T18:47:15Z"));
  // Fields out of range are not normalised into another day.
  CHECK_FALSE(parse_rfc3339("2026-13-27T18:47:15Z"));
  CHECK_FALSE(parse_rfc3339("2026-00-27T18:47:15Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-32T18:47:15Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-31T18:47:15Z"));
  CHECK_FALSE(parse_rfc3339("2026-02-29T18:47:15Z"));
  CHECK(parse_rfc3339("2028-02-29T00:00:00Z") == 1835395200);
  CHECK_FALSE(parse_rfc3339("2026-11-27T24:47:15Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:60:15Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:61Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:15+24:00"));
  // Anything after the zone.
  CHECK_FALSE(parse_rfc3339("2026-11-27T18:47:16Zjunk"));
  CHECK_FALSE(parse_rfc3339("2026-11-27T19:47:16+01:00x"));
  // Still read: a leap second, lower-case z, a zone of -00:00.
  CHECK(parse_rfc3339("2026-11-27T18:47:60Z") == 1795805280);
  CHECK(parse_rfc3339("2026-11-27t18:47:16z") == 1795805236);
  CHECK(parse_rfc3339("2026-11-27T18:47:16-00:00") == 1795805236);
}

TEST_CASE("LXC config: hostname and rootfs, old and new keys", "[containers][storage]") {
  auto c = parse_lxc_config("# comment = x\nlxc.include = /usr/share/lxc/config/common.conf\n"
                            "lxc.rootfs.path = dir:/var/lib/lxc/web01/rootfs\n  lxc.uts.name=web01.lab  \n");
  CHECK(c.hostname == "web01.lab");
  CHECK(c.rootfs == "dir:/var/lib/lxc/web01/rootfs");
  c = parse_lxc_config("lxc.utsname = old\nlxc.rootfs = /srv/old\n");
  CHECK(c.hostname == "old");
  CHECK(c.rootfs == "/srv/old");
  c = parse_lxc_config("");
  CHECK(c.hostname.empty());
}
