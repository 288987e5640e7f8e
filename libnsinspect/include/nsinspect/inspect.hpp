// `nsview inspect`: what the kernel enforces on a container's (or a process's) processes -
// credentials, capabilities, no_new_privs, seccomp, LSM label, /proc masking - its mounts
// classified as volumes, its network namespace, and a Pod Security Standards verdict from
// that evidence. Parsers take text and return structs; inspect() does the reading.
// Unknown is std::optional / an empty value with a flag, never 0.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <sys/types.h>

#include "nsinspect/procfs.hpp"
#include "nsinspect/types.hpp"

namespace nsinspect::inspect {

// ---- Credentials and capabilities (/proc/PID/status, uid_map, gid_map) ----

// One line of /proc/PID/uid_map or gid_map: ids [inside, inside+count) map to
// [outside, outside+count) in the namespace of whoever reads the file.
struct IdMapEntry {
  uint32_t inside = 0, outside = 0, count = 0;
};
std::vector<IdMapEntry> parse_id_map(std::string_view text);
// inside -> outside and back; nullopt when unmapped.
std::optional<uint32_t> map_out(const std::vector<IdMapEntry>& map, uint32_t inside);
std::optional<uint32_t> map_in(const std::vector<IdMapEntry>& map, uint32_t outside);
// Whether the map is the identity of the whole id space (the initial user namespace's).
bool identity_map(const std::vector<IdMapEntry>& map);

struct CapSets {
  std::optional<uint64_t> inheritable, permitted, effective, bounding, ambient;
};

// The security fields of /proc/PID/status. Ids are as the reader's user namespace sees them.
struct SecurityStatus {
  std::optional<std::array<uint32_t, 4>> uids, gids;  // real, effective, saved, filesystem
  std::optional<std::vector<uint32_t>> groups;
  CapSets caps;
  std::optional<bool> no_new_privs;
  std::optional<int> seccomp;          // 0 disabled, 1 strict, 2 filter
  std::optional<int> seccomp_filters;  // Linux 5.9+
};
SecurityStatus parse_security_status(std::string_view text);

// libcap's name of capability bit n ("cap_net_admin"); "cap_N" past the names known here.
std::string cap_name(unsigned bit);
// The names of the bits set in mask, in bit order.
std::vector<std::string> cap_names(uint64_t mask);
// The bit of a name ("cap_net_admin", "CAP_NET_ADMIN" or "NET_ADMIN"); nullopt if unknown.
std::optional<unsigned> cap_bit(std::string_view name);
// "disabled", "strict", "filter"; "mode N" otherwise.
std::string seccomp_mode_name(int mode);

// ---- Linux security modules ----

// /sys/kernel/security/lsm: "capability,landlock,yama,apparmor".
std::vector<std::string> parse_lsm_list(std::string_view text);
// The LSMs that label processes (SELinux, AppArmor, Smack) among the active ones.
std::vector<std::string> labelling_lsms(const std::vector<std::string>& active);

// ---- Mounts ----

// What the mount table says about /proc and the root (the top mount at each path counts).
struct MountSecurity {
  std::optional<bool> read_only_root;      // nullopt: no "/" in the table
  bool proc_mounted = false;
  std::vector<std::string> masked_paths;   // under /proc and /sys: covered by a non-proc/sysfs mount
  std::vector<std::string> readonly_paths; // under /proc: proc re-mounted read-only
  std::optional<bool> sys_read_only;       // /sys mounted read-only
};
MountSecurity mount_security(const std::vector<procfs::MountInfo>& mounts);

// A mount of the container, classified.
struct Volume {
  std::string mount_point;
  std::string kind;  // overlay-root, root, bind, device, secret, configMap, projected, downwardAPI,
                     // emptyDir, csi, nfs, tmpfs, proc, sysfs, devpts, mqueue, cgroup, masked,
                     // volume (an engine's named volume), runtime-file (engine-managed
                     // /etc/hosts etc.), other
  std::string fstype, source, root;
  bool read_only = false;     // per-mount flag or the superblock's
  std::string propagation;    // private, shared, slave, shared+slave, unbindable
  std::optional<std::string> host_path;  // a bind's source, resolved against the host's mount table
  std::vector<std::string> lower_dirs;   // overlay
  std::string upper_dir;                 // overlay
  std::string k8s_volume;     // kubelet volume name, or the engine's named volume
  std::string pod_uid;        // kubelet path's pod uid
  std::string pv;             // CSI: the persistent volume name
  std::string nfs_server, nfs_export;
};
// host: the initial mount namespace's table (to resolve bind sources); may be empty.
std::vector<Volume> classify_mounts(const std::vector<procfs::MountInfo>& mounts,
                                    const std::vector<procfs::MountInfo>& host);

// ---- Network ----

struct Listener {
  std::string proto;    // tcp, tcp6, udp, udp6
  std::string address;  // "0.0.0.0", "::", "127.0.0.1"
  uint16_t port = 0;
  uint32_t uid = 0;     // as the reader sees it
  uint64_t inode = 0;
  std::optional<pid_t> pid;  // owner, from an fd scan of the container's processes
  std::string comm;
};
// /proc/PID/net/{tcp,tcp6,udp,udp6}: TCP sockets in LISTEN, UDP sockets unconnected.
std::vector<Listener> parse_proc_net_sockets(std::string_view text, std::string_view proto);

struct Interface {
  std::string name;
  std::optional<int> ifindex;
  std::string kind;   // veth, bridge, loopback, ... ("" unknown)
  std::string state;  // operstate: up, down, unknown, ...; "" when unknown
  std::optional<bool> up;  // IFF_UP
  std::string mac;
  std::optional<int> mtu;
  std::vector<std::string> addresses;  // "10.88.0.5/16", "fe80::1/64"
  // veth: the peer's ifindex and the peer namespace's id as seen from this one.
  std::optional<int> peer_ifindex, link_netnsid;
  std::string host_peer;  // the peer's name in the host's network namespace, when it is there
  std::string host_peer_master;  // the bridge the host-side peer is enslaved to
};
// /proc/PID/net/dev: interface names only (the unprivileged fallback).
std::vector<std::string> parse_proc_net_dev(std::string_view text);

struct Route {
  std::string family;  // inet, inet6
  std::string dst;     // "default" or "10.88.0.0/16"
  std::string gateway; // "" for none
  std::string dev;
  std::optional<uint32_t> metric;
  uint32_t table = 254;
};
// /proc/PID/net/route (IPv4 only; the unprivileged fallback).
std::vector<Route> parse_proc_net_route(std::string_view text);

struct Network {
  std::optional<NsInode> netns;
  bool host = false;          // the initial network namespace (shared with the host)
  bool partial = true;        // read from /proc only (no netlink): addresses, states, peers missing
  std::vector<Interface> interfaces;
  std::vector<Route> routes;
  std::vector<Listener> listeners;
  bool listeners_unknown = false;
};

// ---- Capabilities in other user namespaces ----

// A user namespace of the node: its parent and the host uid that created it.
struct UserNs {
  NsInode inode = 0;
  std::optional<NsInode> parent;
  std::optional<uint32_t> owner_uid;
};
// What a process holds in a user namespace other than its own, by the kernel's rule
// (cap_capable): in a descendant of its own namespace, every capability when the child of its
// own namespace on the way down was created by its effective uid, else its effective set;
// nothing in any other namespace.
struct CapsElsewhere {
  NsInode userns = 0;
  std::optional<uint32_t> owner_uid;
  bool all = false;          // every capability (its euid owns the namespace or an ancestor below its own)
  uint64_t effective = 0;    // otherwise: its effective set applies
  NsInode via = 0;           // the child of its own namespace that the rule went through
};
// own: the process's user namespace; host_euid: its effective uid as the host sees it.
// Namespaces with an unknown parent chain are left out.
std::vector<CapsElsewhere> caps_in_other_userns(NsInode own, uint32_t host_euid, uint64_t effective,
                                                const std::vector<UserNs>& all);

// ---- Declared (OCI bundle config.json) ----

struct Declared {
  std::optional<uint32_t> uid, gid;
  std::optional<std::vector<uint32_t>> additional_gids;
  std::optional<std::vector<std::string>> cap_effective, cap_permitted, cap_bounding, cap_inheritable,
      cap_ambient;
  std::optional<bool> no_new_privileges;
  std::optional<bool> seccomp;  // a linux.seccomp section is present
  std::optional<bool> read_only_root;
  std::optional<std::vector<std::string>> masked_paths, readonly_paths;
  std::string apparmor_profile, selinux_label;
  std::vector<std::string> namespaces;  // types the runtime was asked to create or join
};
std::optional<Declared> parse_declared(std::string_view config_json);

// ---- Pod Security Standards ----

enum class Verdict : uint8_t { pass, fail, unknown };
std::string_view verdict_name(Verdict v);

struct Control {
  std::string level;    // baseline, restricted
  std::string id;       // hostNamespaces, privileged, capabilities, ...
  std::string title;
  Verdict verdict = Verdict::unknown;
  bool exact = false;   // false: a heuristic over kernel evidence
  std::string evidence;
};

// ---- The whole inspection ----

struct ProcessSecurity {
  pid_t pid = 0;
  std::string comm;
  bool vanished = false;
  SecurityStatus status;            // ids as the initial user namespace sees them (nsview's view)
  bool status_unknown = false;      // status unreadable
  std::optional<std::vector<IdMapEntry>> uid_map, gid_map;  // nullopt: unreadable
  // Ids in the process's own user namespace (mapped back through its uid_map/gid_map).
  std::optional<std::array<uint32_t, 4>> uids_inside, gids_inside;
  std::optional<NsInode> userns;
  bool in_initial_userns = false;
  std::string lsm;                  // the labelling LSM; "" none or unknown
  std::optional<std::string> lsm_label;  // nullopt: unknown
  std::optional<bool> lsm_none;     // true: no labelling LSM is active (exact)
  // Filled when InspectTarget::user_namespaces is given (nullopt: not computed).
  std::optional<std::vector<CapsElsewhere>> caps_elsewhere;
};

struct Inspection {
  pid_t target_pid = 0;
  std::string container_id, container_name, engine, pod_name, bundle;
  std::vector<ProcessSecurity> processes;
  std::optional<std::vector<std::string>> lsm_active;  // nullopt: unknown
  MountSecurity mount_security;
  bool mounts_unknown = false;
  bool host_mounts_unknown = false;  // the host's table was unreadable: binds stay unresolved ("other")
  std::vector<Volume> volumes;
  // Namespace types shared with the host (initial namespace): exact, from the namespace graph.
  std::array<std::optional<bool>, kNsTypeCount> host_ns{};
  std::optional<std::string> devices_cgroup;  // cgroup v1 devices.list, when readable
  std::optional<unsigned> cap_last_cap;       // /proc/sys/kernel/cap_last_cap
  // The bounding set of the host's init (pid 1): the most any process on the node can hold
  // (a node may lack some, e.g. CAP_SYS_RESOURCE inside a VM sandbox).
  std::optional<uint64_t> host_bounding;
  Network network;
  std::optional<Declared> declared;
  // Paths config.json asks to mask that exist in the container unmasked (a mask shows only
  // on paths that exist); nullopt when the container's root could not be looked into.
  std::optional<std::vector<std::string>> masks_missing;
  std::vector<Control> controls;
  bool privileged_reader = false;  // nsview had the privileges to read everything it tried
};

// Judges the Pod Security Standards controls from the evidence in `in` (pure).
std::vector<Control> judge_pss(const Inspection& in);
// The overall verdict of one level: fail if any control fails, else unknown if any is
// unknown, else pass.
Verdict level_verdict(const std::vector<Control>& controls, std::string_view level);

// What to inspect: the processes (host pids, first is the target) and what is known of them.
struct InspectTarget {
  std::vector<pid_t> pids;
  std::string container_id, container_name, engine, pod_name, bundle;
  std::array<std::optional<NsInode>, kNsTypeCount> initial_ns{};  // the host's namespaces
  std::string cgroup;  // the container's primary cgroup path, for devices.list
  // The node's user namespaces, for the capabilities held in other user namespaces;
  // nullopt: not computed.
  std::optional<std::vector<UserNs>> user_namespaces;
  // The mount table a scan already read of nsview's own mount namespace (its cgroup layout's);
  // inspect() takes it as the host's when nsview shares init's mount namespace and root, else
  // reads init's. Null: read init's.
  std::shared_ptr<const std::vector<procfs::MountInfo>> scanner_mounts;
};

}  // namespace nsinspect::inspect

namespace nsinspect {
struct Snapshot;
struct Container;
}  // namespace nsinspect

namespace nsinspect::inspect {

// A container of a snapshot as a target: its init first, then its other processes; its
// engine, bundle, cgroup and pod. initial_ns and user_namespaces are left to the caller.
InspectTarget container_target(const Snapshot& snap, const Container& c);

// The host's namespaces: init's (ROOT/proc/1/ns), else kthreadd's where init's are refused;
// unknown (nullopt) where neither can be read. Reads no other process.
std::array<std::optional<NsInode>, kNsTypeCount> initial_namespaces(const std::string& root = "/");

struct InspectOptions {
  std::string root = "/";
  bool network = true;
  bool netlink = true;  // as root: netlink inside the namespace; else /proc only
};

// Reads everything for the target. Processes that vanished are dropped silently.
Inspection inspect(const InspectTarget& target, const InspectOptions& opt = {});

}  // namespace nsinspect::inspect
