#include "serve_gzip.hpp"

#include <memory>
#include <stdexcept>
#include <zlib.h>

namespace nsview::serve {

std::string gzip(std::string_view s) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip: cannot initialise zlib");
  // Not zero-filled: the bound is about the input's size (600 kB at 100 containers) and the
  // output a tenth of it; only the pages deflate writes are touched.
  const uLong bound = deflateBound(&z, static_cast<uLong>(s.size()));
  std::unique_ptr<char[]> buf(new char[bound]);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(buf.get());
  z.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&z, Z_FINISH);
  std::string out(buf.get(), z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: compression failed");
  return out;
}

}  // namespace nsview::serve
