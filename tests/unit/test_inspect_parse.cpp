// inspect's pure parts on real text: /proc/PID/status of a podman container (--cap-drop ALL
// --cap-add NET_ADMIN --security-opt no-new-privileges --user 1000), its mountinfo, uid_map
// shapes, /proc/PID/net files, OCI config.json, kubelet volume shapes (copied from nodes'
// formats), and the PSS judgement on hand-made evidence.
#include <catch2/catch.hpp>

#include "nsinspect/inspect.hpp"

using namespace nsinspect;
using namespace nsinspect::inspect;

namespace {

const char* kStatus =
    "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t25295\nNgid:\t0\nPid:\t25295\nPPid:\t25293\n"
    "TracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t0 \n"
    "NStgid:\t25295\t1\nNSpid:\t25295\t1\nNSpgid:\t25295\t1\nNSsid:\t25295\t1\nKthread:\t0\n"
    "VmPeak:\t    1072 kB\nThreads:\t1\nSigQ:\t0/95873\nSigPnd:\t0000000000000000\n"
    "CapInh:\t0000000000001000\nCapPrm:\t0000000000001000\nCapEff:\t0000000000001000\n"
    "CapBnd:\t0000000000001000\nCapAmb:\t0000000000001000\nNoNewPrivs:\t1\nSeccomp:\t2\n"
    "Seccomp_filters:\t1\nSpeculation_Store_Bypass:\tthread vulnerable\n"
    "Cpus_allowed_list:\t0-1\nvoluntary_ctxt_switches:\t3\n";

// A podman (runc) container: --read-only, -v /tmp/insp-exp/data:/data:ro, --tmpfs /scratch.
const char* kMountinfo =
    "80 53 0:41 / / ro,relatime - overlay overlay rw,lowerdir=/var/lib/containers/storage/overlay/l/4N5FEHWJPJHWRGQR45YXRHLYOW:/var/lib/containers/storage/overlay/l/ABC,upperdir=/var/lib/containers/storage/overlay/6ef7/diff,workdir=/var/lib/containers/storage/overlay/6ef7/work,uuid=on\n"
    "82 80 0:44 / /run rw,nosuid,nodev,relatime - tmpfs tmpfs rw\n"
    "81 80 254:0 /tmp/insp-exp/data /data ro,relatime - ext4 /dev/vda rw,discard\n"
    "84 80 0:45 / /scratch rw,nosuid,nodev,relatime - tmpfs tmpfs rw\n"
    "83 80 0:47 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n"
    "86 80 0:48 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "87 80 0:49 / /dev rw,nosuid,noexec - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "89 87 0:50 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620,ptmxmode=666\n"
    "92 80 254:0 /run/containers/storage/overlay-containers/fac6/userdata/hostname /etc/hostname ro,nosuid,nodev,noexec,relatime - ext4 /dev/vda rw,discard\n"
    "97 83 0:52 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755\n"
    "102 97 0:33 /libpod_parent/libpod-fac6 /sys/fs/cgroup/devices ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,devices\n"
    "54 86 0:48 /bus /proc/bus ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "57 86 0:48 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "58 86 0:53 / /proc/acpi ro,relatime - tmpfs tmpfs ro\n"
    "59 86 0:49 /null /proc/keys rw,nosuid,noexec - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "61 83 0:54 / /sys/firmware ro,relatime - tmpfs tmpfs ro\n"
    "121 80 254:0 /var/lib/containers/storage/volumes/inspcm/_data /etc/cfg ro,relatime - ext4 /dev/vda rw\n"
    "120 80 0:5 /fuse /dev/fuse rw,nosuid,noexec shared:2 master:1 - devtmpfs udev rw,size=4k\n";

const char* kHostMountinfo =
    "25 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard\n"
    "26 25 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=4k\n"
    "40 25 0:33 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,devices\n";

}  // namespace

TEST_CASE("inspect: /proc/PID/status security fields of a podman container") {
  SecurityStatus s = parse_security_status(kStatus);
  REQUIRE(s.uids);
  CHECK(*s.uids == std::array<uint32_t, 4>{1000, 1000, 1000, 1000});
  REQUIRE(s.gids);
  CHECK(*s.gids == std::array<uint32_t, 4>{0, 0, 0, 0});
  REQUIRE(s.groups);
  CHECK(*s.groups == std::vector<uint32_t>{0});
  CHECK(s.caps.effective == 0x1000u);
  CHECK(s.caps.bounding == 0x1000u);
  CHECK(s.caps.ambient == 0x1000u);
  CHECK(cap_names(*s.caps.effective) == std::vector<std::string>{"cap_net_admin"});
  CHECK(s.no_new_privs == true);
  CHECK(s.seccomp == 2);
  CHECK(s.seccomp_filters == 1);
}

TEST_CASE("inspect: status without the security lines leaves them unknown, never 0") {
  SecurityStatus s = parse_security_status("Name:\tx\nUid:\t0\t0\t0\t0\nGroups:\t\nCapEff:\tzz\nSeccomp:\t\n");
  CHECK(s.uids);
  CHECK(s.groups == std::vector<uint32_t>{});
  CHECK_FALSE(s.caps.effective);
  CHECK_FALSE(s.caps.bounding);
  CHECK_FALSE(s.no_new_privs);
  CHECK_FALSE(s.seccomp);
  CHECK_FALSE(s.seccomp_filters);
  CHECK_FALSE(parse_security_status("Uid:\t1 2 3\n").uids);  // three fields: not a Uid line
}

TEST_CASE("inspect: capability names and bits") {
  CHECK(cap_name(0) == "cap_chown");
  CHECK(cap_name(21) == "cap_sys_admin");
  CHECK(cap_name(40) == "cap_checkpoint_restore");
  CHECK(cap_name(41) == "cap_41");
  CHECK(cap_bit("CAP_NET_BIND_SERVICE") == 10u);
  CHECK(cap_bit("net_raw") == 13u);
  CHECK(cap_bit("cap_sys_ptrace") == 19u);
  CHECK_FALSE(cap_bit("cap_nonsense"));
  // A full bounding set of a 6.x kernel (cap_last_cap 40).
  CHECK(cap_names(0x000001ffffffffffull).size() == 41);
  CHECK(seccomp_mode_name(0) == "disabled");
  CHECK(seccomp_mode_name(2) == "filter");
}

TEST_CASE("inspect: uid_map translation") {
  auto ident = parse_id_map("         0          0 4294967295\n");
  CHECK(identity_map(ident));
  CHECK(map_in(ident, 1000) == 1000u);
  // podman --uidmap 0:100000:65536 (as the host reads it)
  auto m = parse_id_map("         0     100000      65536\n");
  REQUIRE(m.size() == 1);
  CHECK_FALSE(identity_map(m));
  CHECK(map_in(m, 100000) == 0u);
  CHECK(map_in(m, 101000) == 1000u);
  CHECK_FALSE(map_in(m, 1000));
  CHECK_FALSE(map_in(m, 165536));
  CHECK(map_out(m, 0) == 100000u);
  CHECK(map_out(m, 65535) == 165535u);
  CHECK_FALSE(map_out(m, 65536));
  // Several ranges (rootless podman: root to the user, the rest to subuids).
  auto two = parse_id_map("0 1000 1\n1 100000 65536\n");
  REQUIRE(two.size() == 2);
  CHECK(map_in(two, 1000) == 0u);
  CHECK(map_in(two, 100000) == 1u);
  CHECK(parse_id_map("").empty());
}

TEST_CASE("inspect: LSM lists") {
  auto l = parse_lsm_list("lockdown,capability,landlock,yama,apparmor,bpf\n");
  CHECK(l == std::vector<std::string>{"lockdown", "capability", "landlock", "yama", "apparmor", "bpf"});
  CHECK(labelling_lsms(l) == std::vector<std::string>{"apparmor"});
  CHECK(labelling_lsms(parse_lsm_list("capability,selinux")) == std::vector<std::string>{"selinux"});
  CHECK(labelling_lsms(parse_lsm_list("lockdown,capability,landlock,bpf")).empty());
}

TEST_CASE("inspect: read-only root, masked and read-only /proc paths from mountinfo") {
  auto ms = mount_security(procfs::parse_mountinfo(kMountinfo));
  CHECK(ms.read_only_root == true);
  CHECK(ms.proc_mounted);
  CHECK(ms.sys_read_only == true);
  // /sys/fs/cgroup is podman's rw tmpfs for the v1 hierarchies, not a mask.
  CHECK(ms.masked_paths == std::vector<std::string>{"/proc/acpi", "/proc/keys", "/sys/firmware"});
  CHECK(ms.readonly_paths == std::vector<std::string>{"/proc/bus", "/proc/sys"});
  // A privileged container: nothing masked, root writable.
  auto priv = mount_security(procfs::parse_mountinfo(
      "1 0 0:41 / / rw,relatime - overlay overlay rw,lowerdir=/l\n2 1 0:48 / /proc rw - proc proc rw\n"
      "3 1 0:47 / /sys rw - sysfs sysfs rw\n"));
  CHECK(priv.read_only_root == false);
  CHECK(priv.masked_paths.empty());
  CHECK(priv.sys_read_only == false);
  CHECK_FALSE(mount_security({}).read_only_root);
}

TEST_CASE("inspect: a podman container's mounts classified") {
  auto v = classify_mounts(procfs::parse_mountinfo(kMountinfo), procfs::parse_mountinfo(kHostMountinfo));
  auto find = [&](const std::string& mp) -> const Volume& {
    for (const auto& x : v)
      if (x.mount_point == mp) return x;
    FAIL("no mount at " << mp);
    return v.front();
  };
  const Volume& root = find("/");
  CHECK(root.kind == "overlay-root");
  CHECK(root.read_only);
  CHECK(root.lower_dirs == std::vector<std::string>{"/var/lib/containers/storage/overlay/l/4N5FEHWJPJHWRGQR45YXRHLYOW",
                                                    "/var/lib/containers/storage/overlay/l/ABC"});
  CHECK(root.upper_dir == "/var/lib/containers/storage/overlay/6ef7/diff");
  const Volume& data = find("/data");
  CHECK(data.kind == "bind");
  CHECK(data.read_only);
  CHECK(data.host_path == "/tmp/insp-exp/data");
  CHECK(data.propagation == "private");
  CHECK(find("/scratch").kind == "tmpfs");
  // podman kube play's configMap: a named volume, not a host path.
  CHECK(find("/etc/cfg").kind == "volume");
  CHECK(find("/etc/cfg").k8s_volume == "inspcm");
  CHECK(find("/etc/cfg").host_path == "/var/lib/containers/storage/volumes/inspcm/_data");
  CHECK_FALSE(find("/scratch").host_path);
  CHECK(find("/etc/hostname").kind == "runtime-file");
  CHECK(find("/proc/keys").kind == "masked");
  CHECK(find("/proc/bus").kind == "proc");
  CHECK(find("/sys/fs/cgroup").kind == "tmpfs");
  CHECK(find("/sys/fs/cgroup/devices").kind == "cgroup");
  const Volume& fuse = find("/dev/fuse");
  CHECK(fuse.kind == "device");
  CHECK(fuse.host_path == "/dev/fuse");
  CHECK(fuse.propagation == "shared+slave");
}

TEST_CASE("inspect: kubelet volume shapes, CSI and NFS") {
  const std::string uid = "5b3e0f5c-1c1a-4c3b-9a55-2f0f4e8a9d11";
  const std::string pods = "/var/lib/kubelet/pods/" + uid + "/volumes/";
  // The node: tmpfs for secrets and projected tokens, the CSI volume's filesystem, NFS.
  std::string host =
      "25 1 259:1 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p1 rw\n"
      "300 25 0:120 / " + pods + "kubernetes.io~secret/db-creds rw,relatime shared:150 - tmpfs tmpfs rw,size=65536k\n"
      "301 25 0:121 / " + pods + "kubernetes.io~projected/kube-api-access-x2k9p rw,relatime shared:151 - tmpfs tmpfs rw,size=65536k\n"
      "302 25 8:32 / /var/lib/kubelet/pods/" + uid + "/volumes/kubernetes.io~csi/pvc-8f1b2c3d-aaaa-bbbb-cccc-0123456789ab/mount rw,relatime shared:152 - ext4 /dev/sdc rw\n"
      "303 25 0:122 / " + pods + "kubernetes.io~nfs/shared-nfs rw,relatime shared:153 - nfs4 10.0.0.5:/exports/shared rw,vers=4.1\n";
  // The container: binds of those, of a configMap, an emptyDir on the node's disk, a hostPath,
  // and kubelet's /etc/hosts.
  std::string mine =
      "1000 990 0:200 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/containerd/a:/var/lib/containerd/b,upperdir=/var/lib/containerd/u/fs,workdir=/var/lib/containerd/u/work\n"
      "1001 1000 0:120 / /etc/db ro,relatime - tmpfs tmpfs rw,size=65536k\n"
      "1002 1000 0:121 / /var/run/secrets/kubernetes.io/serviceaccount ro,relatime - tmpfs tmpfs rw,size=65536k\n"
      "1003 1000 8:32 / /data rw,relatime - ext4 /dev/sdc rw\n"
      "1004 1000 0:122 / /shared rw,relatime - nfs4 10.0.0.5:/exports/shared rw,vers=4.1\n"
      "1005 1000 259:1 " + pods + "kubernetes.io~configmap/app-config /etc/app ro,relatime - ext4 /dev/nvme0n1p1 rw\n"
      "1006 1000 259:1 " + pods + "kubernetes.io~empty-dir/cache /cache rw,relatime - ext4 /dev/nvme0n1p1 rw\n"
      "1007 1000 259:1 /var/log/app /host-logs rw,relatime - ext4 /dev/nvme0n1p1 rw\n"
      "1008 1000 259:1 /var/lib/kubelet/pods/" + uid + "/etc-hosts /etc/hosts rw,relatime - ext4 /dev/nvme0n1p1 rw\n"
      "1009 1000 259:1 " + pods + "kubernetes.io~downward-api/podinfo /etc/podinfo ro,relatime - ext4 /dev/nvme0n1p1 rw\n";
  auto v = classify_mounts(procfs::parse_mountinfo(mine), procfs::parse_mountinfo(host));
  REQUIRE(v.size() == 10);
  CHECK(v[0].kind == "overlay-root");
  CHECK(v[0].lower_dirs.size() == 2);
  CHECK(v[1].kind == "secret");
  CHECK(v[1].k8s_volume == "db-creds");
  CHECK(v[1].pod_uid == uid);
  CHECK(v[1].read_only);
  CHECK(v[2].kind == "projected");
  CHECK(v[2].k8s_volume == "kube-api-access-x2k9p");
  CHECK(v[3].kind == "csi");
  CHECK(v[3].pv == "pvc-8f1b2c3d-aaaa-bbbb-cccc-0123456789ab");
  CHECK(v[4].kind == "nfs");
  CHECK(v[4].nfs_server == "10.0.0.5");
  CHECK(v[4].nfs_export == "/exports/shared");
  CHECK(v[4].k8s_volume == "shared-nfs");
  CHECK(v[5].kind == "configMap");
  CHECK(v[5].k8s_volume == "app-config");
  CHECK(v[6].kind == "emptyDir");
  CHECK(v[7].kind == "bind");
  CHECK(v[7].host_path == "/var/log/app");
  CHECK(v[8].kind == "runtime-file");
  CHECK(v[9].kind == "downwardAPI");
  // Without the node's table: the tmpfs volumes are only tmpfs, NFS still NFS, nothing guessed.
  auto alone = classify_mounts(procfs::parse_mountinfo(mine), {});
  CHECK(alone[1].kind == "tmpfs");
  CHECK(alone[4].kind == "nfs");
  CHECK(alone[7].kind == "other");
  CHECK_FALSE(alone[7].host_path);
}

TEST_CASE("inspect: /proc/PID/net sockets, interfaces and routes") {
  std::string tcp6 =
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 11201862 1 00000000c64861bc 100 0 0 10 0\n"
      "   1: 0000000000000000FFFF00000100007F:0050 0000000000000000FFFF00000100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 20 4 30 10 -1\n";
  auto l = parse_proc_net_sockets(tcp6, "tcp6");
  REQUIRE(l.size() == 1);  // the established one is not a listener
  CHECK(l[0].address == "::");
  CHECK(l[0].port == 8080);
  CHECK(l[0].uid == 1000u);
  CHECK(l[0].inode == 11201862u);
  std::string tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0 100 0 0 10 0\n";
  auto t4 = parse_proc_net_sockets(tcp, "tcp");
  REQUIRE(t4.size() == 1);
  CHECK(t4[0].address == "127.0.0.1");
  CHECK(t4[0].port == 53);
  std::string udp =
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
      "  100: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 555 2 0 0\n"
      "  101: 0500580A:A000 0100580A:0035 01 00000000:00000000 00:00000000 00000000     0        0 556 2 0 0\n";
  auto u = parse_proc_net_sockets(udp, "udp");
  REQUIRE(u.size() == 1);
  CHECK(u[0].address == "0.0.0.0");
  CHECK(u[0].port == 68);

  std::string dev =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
      "    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n"
      "  eth0:    1166      13    0    0    0     0          0         0      542       7    0    0    0     0       0          0\n";
  CHECK(parse_proc_net_dev(dev) == std::vector<std::string>{"lo", "eth0"});

  std::string route =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "eth0\t00000000\t0100580A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
      "eth0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";
  auto r = parse_proc_net_route(route);
  REQUIRE(r.size() == 2);
  CHECK(r[0].dst == "default");
  CHECK(r[0].gateway == "10.88.0.1");
  CHECK(r[0].dev == "eth0");
  CHECK(r[1].dst == "10.88.0.0/16");
  CHECK(r[1].gateway == "");
}

TEST_CASE("inspect: declared values from an OCI config.json") {
  auto d = parse_declared(R"({"ociVersion":"1.0.0","process":{"user":{"uid":1000,"gid":0,"additionalGids":[0]},
    "capabilities":{"bounding":["CAP_NET_ADMIN"],"effective":["CAP_NET_ADMIN"]},"noNewPrivileges":true,
    "apparmorProfile":"","args":["sleep","1000"]},"root":{"path":"/r","readonly":true},
    "linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO"},"maskedPaths":["/proc/acpi","/proc/kcore"],
    "namespaces":[{"type":"pid"},{"type":"network","path":"/run/netns/x"}]}})");
  REQUIRE(d);
  CHECK(d->uid == 1000u);
  CHECK(d->gid == 0u);
  CHECK(d->additional_gids == std::vector<uint32_t>{0});
  CHECK(d->cap_bounding == std::vector<std::string>{"CAP_NET_ADMIN"});
  CHECK_FALSE(d->cap_ambient);
  CHECK(d->no_new_privileges == true);
  CHECK(d->read_only_root == true);
  CHECK(d->seccomp == true);
  CHECK(d->masked_paths == std::vector<std::string>{"/proc/acpi", "/proc/kcore"});
  CHECK(d->namespaces == std::vector<std::string>{"pid", "network"});
  // The spec's defaults: absent noNewPrivileges and readonly are false; no seccomp section.
  auto bare = parse_declared(R"({"process":{},"root":{},"linux":{}})");
  REQUIRE(bare);
  CHECK(bare->no_new_privileges == false);
  CHECK(bare->read_only_root == false);
  CHECK(bare->seccomp == false);
  CHECK_FALSE(parse_declared("not json"));
}

namespace {

// Evidence of a restricted-conforming container (one process).
Inspection restricted_evidence() {
  Inspection in;
  ProcessSecurity p;
  p.pid = 10;
  p.status = parse_security_status(
      "Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nCapInh:\t0\nCapPrm:\t0\nCapEff:\t0\n"
      "CapBnd:\t0000000000000000\nCapAmb:\t0\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n");
  p.uids_inside = p.status.uids;
  p.in_initial_userns = true;
  p.lsm_none = true;
  in.processes.push_back(p);
  in.lsm_active = std::vector<std::string>{"capability", "landlock"};
  for (auto t : kAllNsTypes) in.host_ns[index_of(t)] = false;
  in.cap_last_cap = 40;
  in.mount_security = mount_security(procfs::parse_mountinfo(kMountinfo));
  return in;
}

const Control& control(const std::vector<Control>& cs, const std::string& level, const std::string& id) {
  for (const auto& c : cs)
    if (c.level == level && c.id == id) return c;
  FAIL("no control " << level << "/" << id);
  return cs.front();
}

}  // namespace

TEST_CASE("inspect: PSS on evidence of a restricted container, a privileged one, and unknowns") {
  Inspection ok = restricted_evidence();
  auto cs = judge_pss(ok);
  for (const auto& c : cs) {
    INFO(c.level << "/" << c.id << ": " << c.evidence);
    CHECK(c.verdict == Verdict::pass);
  }
  CHECK(level_verdict(cs, "baseline") == Verdict::pass);
  CHECK(level_verdict(cs, "restricted") == Verdict::pass);

  Inspection priv = restricted_evidence();
  auto& ps = priv.processes[0].status;
  ps.caps.bounding = ps.caps.effective = 0x000001ffffffffffull;
  ps.seccomp = 0;
  ps.no_new_privs = false;
  priv.processes[0].uids_inside = std::array<uint32_t, 4>{0, 0, 0, 0};
  priv.mount_security = mount_security(procfs::parse_mountinfo("1 0 0:41 / / rw - overlay overlay rw\n"
                                                               "2 1 0:48 / /proc rw - proc proc rw\n"));
  priv.host_ns[index_of(NsType::net)] = true;
  auto pc = judge_pss(priv);
  CHECK(level_verdict(pc, "baseline") == Verdict::fail);
  for (std::string id : {"hostNamespaces", "privileged", "capabilities", "procMount", "seccomp"}) {
    INFO(id);
    CHECK(control(pc, "baseline", id).verdict == Verdict::fail);
  }
  CHECK(control(pc, "baseline", "hostNamespaces").exact);
  CHECK(control(pc, "baseline", "hostNamespaces").evidence == "shares the host's net namespace");
  CHECK_FALSE(control(pc, "baseline", "privileged").exact);
  CHECK(control(pc, "baseline", "capabilities").evidence.find("cap_sys_admin") != std::string::npos);
  CHECK(control(pc, "restricted", "allowPrivilegeEscalation").verdict == Verdict::fail);
  CHECK(control(pc, "restricted", "runAsNonRoot").verdict == Verdict::fail);

  // Root inside a user namespace mapped to an unprivileged host uid: the userns relaxation.
  Inspection userns = restricted_evidence();
  userns.processes[0].uids_inside = std::array<uint32_t, 4>{0, 0, 0, 0};
  userns.processes[0].status.uids = std::array<uint32_t, 4>{100000, 100000, 100000, 100000};
  userns.processes[0].in_initial_userns = false;
  const auto userns_controls = judge_pss(userns);  // kept: control() returns a reference into it
  const Control& rn = control(userns_controls, "restricted", "runAsNonRoot");
  CHECK(rn.verdict == Verdict::pass);
  CHECK_FALSE(rn.exact);

  // Unreadable status: unknown, never pass.
  Inspection blind = restricted_evidence();
  blind.processes[0].status = SecurityStatus{};
  blind.processes[0].uids_inside.reset();
  auto bc = judge_pss(blind);
  CHECK(control(bc, "baseline", "capabilities").verdict == Verdict::unknown);
  CHECK(control(bc, "restricted", "allowPrivilegeEscalation").verdict == Verdict::unknown);
  CHECK(level_verdict(bc, "restricted") == Verdict::unknown);

  // The host's mount table unreadable: a mount that may be a bind leaves hostPath unknown.
  Inspection nohost = restricted_evidence();
  nohost.host_mounts_unknown = true;
  nohost.volumes = classify_mounts(procfs::parse_mountinfo(kMountinfo), {});
  CHECK(control(judge_pss(nohost), "baseline", "hostPathVolumes").verdict == Verdict::unknown);
  CHECK(control(judge_pss(nohost), "restricted", "volumeTypes").verdict == Verdict::unknown);

  // AppArmor active and unconfined fails; SELinux with a non-container type fails.
  Inspection aa = restricted_evidence();
  aa.lsm_active = std::vector<std::string>{"capability", "apparmor"};
  aa.processes[0].lsm = "apparmor";
  aa.processes[0].lsm_label = "unconfined";
  CHECK(control(judge_pss(aa), "baseline", "appArmor").verdict == Verdict::fail);
  aa.processes[0].lsm_label = "containers-default-0.50.1 (enforce)";
  CHECK(control(judge_pss(aa), "baseline", "appArmor").verdict == Verdict::pass);
  Inspection se = restricted_evidence();
  se.lsm_active = std::vector<std::string>{"capability", "selinux"};
  se.processes[0].lsm = "selinux";
  se.processes[0].lsm_label = "system_u:system_r:spc_t:s0";
  CHECK(control(judge_pss(se), "baseline", "seLinux").verdict == Verdict::fail);
  se.processes[0].lsm_label = "system_u:system_r:container_t:s0:c12,c34";
  CHECK(control(judge_pss(se), "baseline", "seLinux").verdict == Verdict::pass);
}

TEST_CASE("inspect: capabilities in other user namespaces follow the kernel's owner rule") {
  // init (1) -> a (owner 1000) -> a2 (owner 0, made inside a); init -> b (owner 2000);
  // a container's own c (owner 0) -> c1 (owner 0).
  std::vector<UserNs> all = {{1, std::nullopt, 0}, {10, 1, 1000}, {11, 10, 0}, {20, 1, 2000}, {30, 1, 0}, {31, 30, 100000}};
  // uid 1000 in the initial namespace with no effective capabilities: all capabilities in a
  // (its own creation) and in a2 below it; nothing in b, c.
  auto u = caps_in_other_userns(1, 1000, 0, all);
  REQUIRE(u.size() == 2);
  CHECK(u[0].userns == 10);
  CHECK(u[0].all);
  CHECK(u[1].userns == 11);
  CHECK(u[1].all);
  CHECK(u[1].via == 10);
  // root of the host with CAP_NET_ADMIN only: all in the namespaces it owns (c, c1 via c),
  // its effective set in the others.
  auto r = caps_in_other_userns(1, 0, 0x1000, all);
  REQUIRE(r.size() == 5);
  for (const auto& c : r) {
    INFO(c.userns);
    CHECK(c.all == (c.userns == 30 || c.userns == 31));
    CHECK(c.effective == 0x1000u);
  }
  // A process in c (a container's namespace): only c1 is below it; the owner test compares
  // host uids: c1 was created by host uid 100000.
  auto in_c = caps_in_other_userns(30, 100000, 0, all);
  REQUIRE(in_c.size() == 1);
  CHECK(in_c[0].userns == 31);
  CHECK(in_c[0].all);
  CHECK(caps_in_other_userns(30, 100001, 0, all).empty());
  // Unknown parents: left out, never guessed.
  CHECK(caps_in_other_userns(1, 0, 0, {{1, std::nullopt, 0}, {40, std::nullopt, 0}}).empty());
}
