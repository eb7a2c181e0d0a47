// dhakira get: show one segment pair.
#include "backend.h"
#include "cli.h"
#include "json.h"
#include "segment_output.h"

namespace dhakira::cli {
namespace {

int RunGet(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("get", "get [--json] [--tokens] ID", N_("Show the segment pair with this id."));
  p.Positional("ID", "the pair's id")
      .Switch("json", "print the pair as JSON")
      .Switch("tokens", "with --json, include the source match-key tokens");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (p.positionals().size() != 1) return UsageError(ctx, "get", Tr("expected exactly one ID"));
  const std::string& s = p.positionals()[0];
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) {
    return UsageError(ctx, "get", Trf("'{1}' is not an id (a whole number)", s));
  }
  auto backend = MakeBackend(ctx);
  if (!backend.ok()) return Fail(ctx, backend.status());
  StatusOr<SegmentPair> pair = (*backend)->Get(std::stoull(s), p.Flag("tokens"));
  if (!pair.ok()) return Fail(ctx, pair.status());
  if (p.Flag("json")) {
    JsonWriter w;
    WriteSegmentJson(w, *pair, p.Flag("tokens"));
    *ctx.out << w.str() << '\n';
  } else {
    PrintSegment(*ctx.out, *pair);
  }
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("get", "show one segment pair", RunGet);
}  // namespace dhakira::cli
