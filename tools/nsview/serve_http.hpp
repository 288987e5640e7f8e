// `nsview serve`'s HTTP side: a libmicrohttpd daemon on a socket the caller bound, with bounded
// connections (in all and per client address), a per-connection idle timeout, a per-connection
// memory pool (which bounds the request line and headers) and a small thread pool. Only GET
// and HEAD reach the handler; other methods are answered 405 with Allow.
//
// libmicrohttpd is loaded with dlopen when serve starts: linked, it and GnuTLS (which it
// needs) would be loaded by every nsview run, and the executable needs only libc
// (docs/architecture.md, bench/enter_vs_nsenter.sh).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nsview::serve {

struct Request {
  std::string path;             // without the query
  bool head = false;
  std::function<std::string(const char*)> header;  // "" when absent
  std::function<std::string(const char*)> query;   // an argument of the query string, "" when absent
  std::function<bool(const char*)> has_query;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Instead of body: a body kept elsewhere (a collection's rendered /metrics), sent without a
  // copy and held until the connection has sent it. A 600 kB body copied twice per scrape
  // (into the Response, then into libmicrohttpd's buffer) and faulted in each time cost
  // about a sixth of a scrape's CPU at 100 containers.
  std::shared_ptr<const std::string> shared_body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpLimits {
  unsigned threads = 2;
  unsigned max_connections = 64;
  unsigned per_ip_connections = 8;
  unsigned timeout_s = 10;        // a connection idle this long is closed
  std::size_t memory_per_connection = 32 * 1024;  // request line and headers must fit
};

class HttpServer {
 public:
  using Handler = std::function<Response(const Request&)>;
  // Starts serving on listen_fd (bound and listening). Throws std::runtime_error when the
  // library cannot be loaded or the daemon cannot start.
  HttpServer(int listen_fd, const HttpLimits& limits, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Stops accepting: the listening socket is closed; connections already open are served.
  void stop_accepting();
  // Requests being handled or sent.
  int in_flight() const { return in_flight_.load(); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<int> in_flight_{0};
};

}  // namespace nsview::serve
