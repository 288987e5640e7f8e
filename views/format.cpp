#include "format.hpp"

#include <cstdio>

namespace nsview {

std::string format_bytes(double b) {
  static const char* units[] = {"B", "K", "M", "G", "T", "P", "E"};
  int u = 0;
  while (b >= 1024 && u < 6) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%.0fB", b);
  else std::snprintf(buf, sizeof buf, "%.1f%s", b, units[u]);
  return buf;
}

}  // namespace nsview
