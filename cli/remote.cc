// --server support: which commands can run through a server, and the connection.
#include "remote.h"

#include <algorithm>
#include <array>

namespace dhakira::cli {

bool SupportsServer(std::string_view command) {
#ifdef DHAKIRA_HAVE_SERVICE
  // Commands that touch no TM (normalize, split) simply run locally; align reads and splits its
  // files locally and has the server align them (not with --import, --learn or --no-lexicon).
  static constexpr std::array<std::string_view, 11> kRemote = {
      "add",    "get",    "delete",    "stats",       "match", "align",
      "import", "export", "normalize", "concordance", "split"};
  return std::find(kRemote.begin(), kRemote.end(), command) != kRemote.end();
#else
  (void)command;
  return false;
#endif
}

#ifdef DHAKIRA_HAVE_SERVICE
StatusOr<std::unique_ptr<Client>> ConnectServer(const Context& ctx, uint32_t timeout_ms) {
  ClientOptions options;
  options.timeout_ms = timeout_ms;
  return Client::Connect(ctx.server, options);
}
#endif

}  // namespace dhakira::cli
