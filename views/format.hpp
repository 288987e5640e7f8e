// The one set of number formats every view uses, so a quantity reads the same in list, tree,
// ps, top and the TUI.
#pragma once

#include <string>

namespace nsview {

// Bytes in binary units: "512B", "1.5K", "3.8G" (one decimal above bytes).
std::string format_bytes(double bytes);

}  // namespace nsview
