// deploy/: the Kubernetes manifests parse (python3's yaml; there is no cluster here) and say
// what deploy/README.md promises; the systemd unit passes `systemd-analyze verify`.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "cgroups.hpp"
#include "run.hpp"

using namespace testsupport;

namespace {
const std::string kDeploy = std::string(NSVIEW_SOURCE_DIR) + "/deploy";

// Loads every manifest and checks the pod spec; prints "ok" or the first complaint.
const char* kCheck = R"PY(
import sys, yaml
d = sys.argv[1] + "/kubernetes/"
docs = {}
for f in ("namespace.yaml", "daemonset.yaml", "service.yaml", "servicemonitor.yaml"):
    for doc in yaml.safe_load_all(open(d + f)):
        docs[doc["kind"]] = doc
def need(cond, what):
    if not cond:
        print(what); sys.exit(0)
need(set(docs) == {"Namespace", "DaemonSet", "Service", "ServiceMonitor"}, "kinds: %s" % sorted(docs))
ds = docs["DaemonSet"]
tpl = ds["spec"]["template"]
pod = tpl["spec"]
need(ds["spec"]["selector"]["matchLabels"].items() <= tpl["metadata"]["labels"].items(), "selector")
need(pod.get("hostPID") is True, "hostPID")
need(pod.get("automountServiceAccountToken") is False, "token")
ann = tpl["metadata"]["annotations"]
need(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") == "9810", "annotations")
(c,) = pod["containers"]
need(c["command"][:2] == ["/bin/nsview", "serve"] and "--root" in c["command"], "command")
need(c["command"][c["command"].index("--root") + 1] == "/host", "--root /host")
sc = c["securityContext"]
need(sc.get("readOnlyRootFilesystem") is True and sc.get("allowPrivilegeEscalation") is False, "securityContext")
need(sc.get("privileged") is False, "privileged")
need(sc["capabilities"]["drop"] == ["ALL"], "drop ALL")
need(sorted(sc["capabilities"]["add"]) == ["DAC_READ_SEARCH", "SYS_PTRACE"], "caps %s" % sc["capabilities"]["add"])
for k in ("requests", "limits"):
    need({"cpu", "memory"} <= set(c["resources"][k]), "resources." + k)
need(c["livenessProbe"]["httpGet"]["path"] == "/healthz", "liveness")
need(c["readinessProbe"]["httpGet"]["path"] == "/readyz", "readiness")
vols = {v["name"]: v for v in pod["volumes"]}
for m in c["volumeMounts"]:
    need(m.get("readOnly") is True, "read-only mount " + m["name"])
    need(m["mountPath"].startswith("/host/"), "mount under /host: " + m["mountPath"])
    need(m["mountPath"] == "/host" + vols[m["name"]]["hostPath"]["path"], "same path: " + m["name"])
paths = {m["mountPath"] for m in c["volumeMounts"]}
need({"/host/proc", "/host/sys/fs/cgroup", "/host/run", "/host/var/lib/containerd"} <= paths, "paths %s" % paths)
svc = docs["Service"]
need(svc["spec"]["selector"].items() <= tpl["metadata"]["labels"].items(), "service selector")
need(svc["spec"]["ports"][0]["port"] == 9810, "service port")
sm = docs["ServiceMonitor"]
need(sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items(), "servicemonitor selector")
need(sm["spec"]["endpoints"][0]["port"] == svc["spec"]["ports"][0]["name"], "servicemonitor port")
print("ok")
)PY";
}  // namespace

TEST_CASE("deploy: the Kubernetes manifests parse and hold what the README says", "[deploy]") {
  if (sh("python3 -c 'import yaml' 2>/dev/null").status != 0) {
    WARN("SKIPPED: python3-yaml is not installed (scripts/deps.sh)");
    return;
  }
  Result r = run({"python3", "-c", kCheck, kDeploy});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(trimmed(r.out) == "ok");
  // Every added capability is justified by a comment right above it.
  std::string ds = slurp(kDeploy + "/kubernetes/daemonset.yaml");
  for (const char* cap : {"- SYS_PTRACE", "- DAC_READ_SEARCH"}) {
    auto at = ds.find(cap);
    REQUIRE(at != std::string::npos);
    auto line_start = ds.rfind('\n', at);
    auto prev = ds.rfind('\n', line_start - 1);
    CHECK(ds.substr(prev + 1, line_start - prev - 1).find('#') != std::string::npos);
  }
}

TEST_CASE("deploy: the systemd unit verifies and is hardened", "[deploy]") {
  if (sh("command -v systemd-analyze >/dev/null").status != 0) {
    WARN("SKIPPED: systemd-analyze is not installed");
    return;
  }
  // verify wants ExecStart's binary to exist: point it at the built one.
  std::string unit = "/tmp/nsview-test-" + std::to_string(::getpid()) + "-unit/nsview-serve.service";
  Cleanup rm("rm -rf /tmp/nsview-test-" + std::to_string(::getpid()) + "-unit");
  sh_out("mkdir -p $(dirname " + unit + ") && sed 's|^ExecStart=/usr/bin/nsview|ExecStart=" + nsview_bin() + "|' " +
         kDeploy + "/systemd/nsview-serve.service > " + unit);
  Result r = sh("cd /tmp && systemd-analyze verify " + unit + " 2>&1");
  INFO(r.out);
  CHECK(r.status == 0);
  CHECK(trimmed(r.out).empty());
  std::string text = slurp(kDeploy + "/systemd/nsview-serve.service");
  for (const char* line : {"\nNoNewPrivileges=yes\n", "\nProtectSystem=strict\n",
                           "\nCapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH\n", "\nExecStart=/usr/bin/nsview serve --listen 127.0.0.1:9810\n"})
    CHECK(text.find(line) != std::string::npos);
}
