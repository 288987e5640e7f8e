// nsview serve: an HTTP agent for Prometheus and scripts - /metrics (docs/metrics.md), the
// dump and top documents, health and readiness. Collections happen when a client asks.
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <optional>
#include <pthread.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "exposition.hpp"
#include "output.hpp"
#include "serve_collect.hpp"
#include "serve_gzip.hpp"
#include "serve_http.hpp"
#include "subcommand.hpp"
#include "top_view.hpp"
#include "unreadable_warning.hpp"

namespace {

using namespace nsview;
using namespace nsview::serve;

struct Failure {
  std::string msg;
};

// ADDR:PORT with a literal IPv4 address, or [IPv6]:PORT.
struct ListenAddr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
};

ListenAddr parse_listen(const std::string& s) {
  const std::string bad = "invalid --listen '" + s + "': expected ADDR:PORT (127.0.0.1:9810, [::1]:9810)";
  std::string host, port;
  if (!s.empty() && s[0] == '[') {
    auto close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') throw Failure{bad};
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    auto colon = s.rfind(':');
    if (colon == std::string::npos) throw Failure{bad};
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) throw Failure{bad};
  const unsigned long p = std::stoul(port);
  if (p > 65535) throw Failure{bad};
  ListenAddr a;
  if (inet_pton(AF_INET, host.c_str(), &reinterpret_cast<sockaddr_in*>(&a.ss)->sin_addr) == 1) {
    auto* in = reinterpret_cast<sockaddr_in*>(&a.ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(p));
    a.len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &reinterpret_cast<sockaddr_in6*>(&a.ss)->sin6_addr) == 1) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&a.ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(p));
    a.len = sizeof(sockaddr_in6);
    a.family = AF_INET6;
  } else {
    throw Failure{bad};
  }
  return a;
}

std::string addr_text(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
  inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
  return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
}

// The listening socket, bound here so that a refused address is our one-line error.
int bind_listen(const ListenAddr& a, std::string& bound) {
  int fd = ::socket(a.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) throw Failure{std::string("cannot create a socket: ") + std::strerror(errno)};
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // restart while old ones linger in TIME_WAIT
  if (a.family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&a.ss), a.len) < 0 || ::listen(fd, 128) < 0) {
    const int err = errno;
    ::close(fd);
    throw Failure{"cannot listen on " + addr_text(a.ss) + ": " + std::strerror(err)};
  }
  sockaddr_storage got{};
  socklen_t len = sizeof got;
  getsockname(fd, reinterpret_cast<sockaddr*>(&got), &len);
  bound = addr_text(got);
  return fd;
}

Response text(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// Bodies worth compressing go out gzipped when the client allows it.
void maybe_gzip(const Request& req, Response& r) {
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (r.body.size() < 1024 || !accepts_gzip(req.header("Accept-Encoding"))) return;
  r.body = gzip(r.body);
  r.headers.emplace_back("Content-Encoding", "gzip");
}

Response handle(Collector& col, const Request& req) {
  if (req.path == "/metrics") {
    auto c = col.get();
    if (!c->ok) return text(503, "collection failed: " + c->error + "\n");
    const ExpositionFormat f = negotiate_format(req.header("Accept"));
    const bool gz = accepts_gzip(req.header("Accept-Encoding"));
    Response r;
    r.content_type = std::string(content_type(f));
    r.shared_body = c->metrics(f, gz);
    r.headers = {{"Vary", "Accept, Accept-Encoding"}};
    if (gz) r.headers.emplace_back("Content-Encoding", "gzip");
    return r;
  }
  if (req.path == "/api/v1/snapshot") {
    Response r;
    r.content_type = "application/json";
    r.body = *col.snapshot_json();
    maybe_gzip(req, r);
    return r;
  }
  if (req.path == "/api/v1/top") {
    const std::string g = req.has_query("group") ? req.query("group") : "container";
    std::shared_ptr<const nsinspect::UsageSample> ns;
    std::shared_ptr<const Collection> c;
    const nsinspect::UsageSample* s = nullptr;
    if (g == "namespace") {
      nsinspect::NsType t = nsinspect::NsType::net;
      if (req.has_query("type")) {
        auto parsed = nsinspect::ns_type_from_name(req.query("type"));
        if (!parsed) return text(400, "unknown namespace type '" + req.query("type") + "' (mnt, net, pid, uts, ipc, user, cgroup, time)\n");
        t = *parsed;
      }
      ns = col.namespaces(t);
      s = ns.get();
    } else if (g == "container" || g == "pod" || g == "cgroup") {
      c = col.get();
      if (!c->ok) return text(503, "collection failed: " + c->error + "\n");
      s = g == "container" ? &c->containers : g == "pod" ? &c->pods : &c->cgroups;
    } else {
      return text(400, "unknown group '" + g + "' (container, pod, cgroup, namespace)\n");
    }
    std::vector<const nsinspect::UsageRow*> rows;
    rows.reserve(s->rows.size());
    for (const auto& row : s->rows) rows.push_back(&row);
    Response r;
    r.content_type = "application/json";
    r.body = top::json_line(*s, rows) + "\n";
    maybe_gzip(req, r);
    return r;
  }
  if (req.path == "/healthz") return text(200, "ok\n");
  if (req.path == "/readyz") {
    auto c = col.get();
    return c->ok ? text(200, "ready\n") : text(503, "not ready: " + c->error + "\n");
  }
  if (req.path == "/")
    return text(200, "nsview serve " NSVIEW_VERSION "\n/metrics\n/api/v1/snapshot\n/api/v1/top?group=container|pod|cgroup|namespace\n/healthz\n/readyz\n");
  return text(404, "not found\n");
}

int run(int argc, char** argv) {
  CLI::App app{"Serve metrics (Prometheus, OpenMetrics) and the snapshot over HTTP.\n"
               "Collections happen when a client asks, at most one per --min-interval.", "nsview serve"};
  std::string listen = "127.0.0.1:9810", root = "/";
  double min_interval = 1.0;
  int depth = 2;
  std::size_t max_series = 50000;
  bool ns_fds = false;
  HttpLimits lim;
  app.add_option("--listen", listen, "ADDR:PORT to listen on (default 127.0.0.1:9810; [::1]:PORT for IPv6)");
  app.add_option("--min-interval", min_interval, "seconds between collections; requests in between share the last (default 1)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--cgroup-depth", depth, "cgroup families: levels below the root (default 2; -1 all)")->check(CLI::Range(-1, 1000));
  app.add_option("--max-series", max_series, "most series of containers, pods, namespaces and cgroups (default 50000; 0 no limit)");
  app.add_option("--threads", lim.threads, "HTTP worker threads (default 2)")->check(CLI::Range(1u, 64u));
  app.add_option("--max-connections", lim.max_connections, "open connections at most (default 64)")->check(CLI::Range(1u, 10000u));
  app.add_option("--max-connections-per-ip", lim.per_ip_connections, "open connections from one address at most (default 8)")
      ->check(CLI::Range(1u, 10000u));
  app.add_option("--timeout", lim.timeout_s, "seconds an idle connection is kept (default 10)")->check(CLI::Range(1u, 3600u));
  app.add_flag("--ns-fds", ns_fds, "also count namespaces kept only by an open file or a thread (reads every process's fds)");
  app.add_option("--root", root, "read ROOT/proc and ROOT/sys/fs/cgroup (a host's / mounted in a container)");
  if (auto rc = parse_cli(app, argc, argv)) return *rc;
  try {
    std::string bound;
    const int fd = bind_listen(parse_listen(listen), bound);
    // Which capabilities the agent lacks and what that hides, once, in its log.
    nsview::warn_capabilities(root);
    // The signals are taken by sigwait in this thread; the server's threads inherit the mask.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    CollectOptions co;
    co.root = root;
    co.cgroup_depth = depth;
    co.min_interval = min_interval;
    co.max_series = max_series;
    co.ns_fds = ns_fds;
    Collector collector(co);
    std::optional<HttpServer> server;
    try {
      server.emplace(fd, lim, [&](const Request& r) { return handle(collector, r); });
    } catch (...) {
      ::close(fd);
      throw;
    }
    std::printf("listening on %s\n", bound.c_str());
    std::fflush(stdout);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    // Stop accepting, let what is in flight finish (a bounded wait), then close the rest.
    server->stop_accepting();
    const double deadline = monotonic_seconds() + 10.0;
    while (server->in_flight() > 0 && monotonic_seconds() < deadline) usleep(10000);
    server.reset();
    return 0;
  } catch (const Failure& f) {
    std::fprintf(stderr, "%s: %s\n", program_name().c_str(), f.msg.c_str());
    return 1;
  }
}

nsview::RegisterSubcommand reg({"serve", "serve metrics and snapshots over HTTP (Prometheus)", run, 95});

}  // namespace
