// --server support: which commands can run through a server, and the connection.
#include "remote.h"

#include <algorithm>
#include <array>

namespace dhakira::cli {

bool SupportsServer(std::string_view command) {
#ifdef DHAKIRA_HAVE_SERVICE
  // Commands that touch no TM (normalize, split) simply run locally.
  static constexpr std::array<std::string_view, 6> kRemote = {"add",   "get",       "delete",
                                                               "stats", "normalize", "split"};
  return std::find(kRemote.begin(), kRemote.end(), command) != kRemote.end();
#else
  (void)command;
  return false;
#endif
}

#ifdef DHAKIRA_HAVE_SERVICE
StatusOr<std::unique_ptr<Client>> ConnectServer(const Context& ctx) {
  return Client::Connect(ctx.server);
}
#endif

}  // namespace dhakira::cli
