// --server: running a command against a dhakira server (dhakira serve) instead of the local TM.
#ifndef DHAKIRA_CLI_REMOTE_H_
#define DHAKIRA_CLI_REMOTE_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "cli.h"
#ifdef DHAKIRA_HAVE_SERVICE
#include "dhakira/service.h"
#endif

namespace dhakira::cli {

// True for the commands that can work through --server (with the same output as locally); always false
// when this dhakira was built without the gRPC service.
bool SupportsServer(std::string_view command);

#ifdef DHAKIRA_HAVE_SERVICE
// A client for ctx.server ("unix:PATH" or "HOST:PORT"). `timeout_ms` bounds each call (1 ..
// 86,400,000): the default suits lookups; streamed imports and exports of large files need longer.
StatusOr<std::unique_ptr<Client>> ConnectServer(const Context& ctx, uint32_t timeout_ms = 60'000);
#endif

}  // namespace dhakira::cli

#endif  // DHAKIRA_CLI_REMOTE_H_
