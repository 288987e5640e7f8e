// Placeholder so the nsview_tui target exists until the TUI lands.
namespace nsview::tui {
int tui_available() { return 0; }
}  // namespace nsview::tui
