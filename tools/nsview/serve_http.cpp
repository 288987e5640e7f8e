#include "serve_http.hpp"

#include <cstring>
#include <dlfcn.h>
#include <stdexcept>
#include <unistd.h>

#include <microhttpd.h>

namespace nsview::serve {

namespace {

// The libmicrohttpd functions serve calls, resolved once from the library's ABI soname.
struct Mhd {
  decltype(&::MHD_start_daemon) start_daemon = nullptr;
  decltype(&::MHD_stop_daemon) stop_daemon = nullptr;
  decltype(&::MHD_quiesce_daemon) quiesce_daemon = nullptr;
  decltype(&::MHD_lookup_connection_value) lookup = nullptr;
  decltype(&::MHD_create_response_from_buffer) create_response = nullptr;
  decltype(&::MHD_create_response_from_buffer_with_free_callback_cls) create_response_shared = nullptr;
  decltype(&::MHD_add_response_header) add_header = nullptr;
  decltype(&::MHD_queue_response) queue = nullptr;
  decltype(&::MHD_destroy_response) destroy_response = nullptr;
};

const Mhd& mhd() {
  static const Mhd m = [] {
    Mhd r;
    void* h = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
    if (!h) throw std::runtime_error(std::string("cannot load libmicrohttpd: ") + dlerror());
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
      if (!fn) throw std::runtime_error(std::string("libmicrohttpd has no ") + name);
    };
    sym(r.start_daemon, "MHD_start_daemon");
    sym(r.stop_daemon, "MHD_stop_daemon");
    sym(r.quiesce_daemon, "MHD_quiesce_daemon");
    sym(r.lookup, "MHD_lookup_connection_value");
    sym(r.create_response, "MHD_create_response_from_buffer");
    sym(r.create_response_shared, "MHD_create_response_from_buffer_with_free_callback_cls");
    sym(r.add_header, "MHD_add_response_header");
    sym(r.queue, "MHD_queue_response");
    sym(r.destroy_response, "MHD_destroy_response");
    return r;
  }();
  return m;
}

}  // namespace

struct HttpServer::Impl {
  MHD_Daemon* daemon = nullptr;
  Handler handler;
  std::atomic<int>* in_flight = nullptr;
  bool quiesced = false;

  static MHD_Result send(MHD_Connection* conn, const Response& r) {
    const Mhd& m = mhd();
    MHD_Response* resp = nullptr;
    if (r.shared_body) {
      // The response holds a reference to the shared body; libmicrohttpd drops it with the
      // response (after the last byte is sent, or when the connection closes).
      auto* keep = new std::shared_ptr<const std::string>(r.shared_body);
      resp = m.create_response_shared((*keep)->size(), const_cast<char*>((*keep)->data()),
                                      [](void* p) { delete static_cast<std::shared_ptr<const std::string>*>(p); }, keep);
      if (!resp) delete keep;
    } else {
      // MHD_RESPMEM_MUST_COPY: the body lives in this frame; the copy is freed with the response.
      resp = m.create_response(r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
    }
    if (!resp) return MHD_NO;
    m.add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type.c_str());
    for (const auto& [k, v] : r.headers) m.add_header(resp, k.c_str(), v.c_str());
    MHD_Result ok = m.queue(conn, r.status, resp);
    m.destroy_response(resp);
    return ok;
  }

  static MHD_Result access(void* cls, MHD_Connection* conn, const char* url, const char* method,
                           const char* /*version*/, const char* /*upload_data*/, size_t* upload_size, void** state) {
    auto* self = static_cast<Impl*>(cls);
    const bool get = !std::strcmp(method, MHD_HTTP_METHOD_GET), head = !std::strcmp(method, MHD_HTTP_METHOD_HEAD);
    if (!*state) {  // headers complete: a request begins
      *state = self;
      self->in_flight->fetch_add(1);
      // A response queued in this first call closes the connection (libmicrohttpd cannot
      // know the request's body was read): GET and HEAD answer on the next call and keep it.
      if (get || head) return MHD_YES;
    }
    if (*upload_size) {  // a body sent with GET or HEAD is not read
      *upload_size = 0;
      return MHD_YES;
    }
    if (!get && !head) {
      *upload_size = 0;  // a body is not read; the connection closes after the answer
      Response r;
      r.status = MHD_HTTP_METHOD_NOT_ALLOWED;
      r.body = "method not allowed: GET and HEAD only\n";
      r.headers.emplace_back(MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
      return send(conn, r);
    }
    Request req;
    req.path = url;
    req.head = head;
    const Mhd& m = mhd();
    req.header = [&](const char* name) {
      const char* v = m.lookup(conn, MHD_HEADER_KIND, name);
      return std::string(v ? v : "");
    };
    req.query = [&](const char* name) {
      const char* v = m.lookup(conn, MHD_GET_ARGUMENT_KIND, name);
      return std::string(v ? v : "");
    };
    req.has_query = [&](const char* name) { return m.lookup(conn, MHD_GET_ARGUMENT_KIND, name) != nullptr; };
    Response r;
    try {
      r = self->handler(req);
    } catch (const std::exception& e) {
      r = Response{};
      r.status = MHD_HTTP_INTERNAL_SERVER_ERROR;
      r.body = std::string("error: ") + e.what() + "\n";
    }
    return send(conn, r);
  }

  static void completed(void* cls, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
    if (*state) static_cast<Impl*>(cls)->in_flight->fetch_sub(1);
    *state = nullptr;
  }
};

HttpServer::HttpServer(int listen_fd, const HttpLimits& l, Handler handler) : impl_(std::make_unique<Impl>()) {
  const Mhd& m = mhd();
  impl_->handler = std::move(handler);
  impl_->in_flight = &in_flight_;
  // epoll in each pool thread: idle connections cost no thread and no polling.
  const unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
  impl_->daemon = m.start_daemon(
      flags, 0, nullptr, nullptr, &Impl::access, impl_.get(),
      MHD_OPTION_LISTEN_SOCKET, listen_fd,
      MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(l.threads),
      MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(l.max_connections),
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<unsigned>(l.per_ip_connections),
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(l.timeout_s),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(l.memory_per_connection),
      MHD_OPTION_STRICT_FOR_CLIENT, 1,
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::completed, impl_.get(),
      MHD_OPTION_END);
  if (!impl_->daemon) throw std::runtime_error("cannot start the HTTP server (libmicrohttpd refused the options)");
}

HttpServer::~HttpServer() {
  if (impl_->daemon) mhd().stop_daemon(impl_->daemon);
}

void HttpServer::stop_accepting() {
  if (impl_->quiesced || !impl_->daemon) return;
  impl_->quiesced = true;
  int fd = mhd().quiesce_daemon(impl_->daemon);
  if (fd >= 0) ::close(fd);
}

}  // namespace nsview::serve
