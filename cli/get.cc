// dhakira get: show one segment pair.
#include "cli.h"
#include "dhakira/text.h"
#include "json.h"
#include "remote.h"
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
  StatusOr<SegmentPair> pair = Status::Internal("unset");
#ifdef DHAKIRA_HAVE_SERVICE
  if (!ctx.server.empty()) {
    auto client = ConnectServer(ctx);
    if (!client.ok()) return Fail(ctx, client.status());
    pair = (*client)->Get(std::stoull(s));
    if (pair.ok() && p.Flag("tokens")) {
      // Match keys are not sent over the wire; they are a pure function of the source and its language,
      // so derive them here exactly as the store does.
      NormalizerOptions nopts;
      nopts.language = pair->src_lang;
      auto normalizer = Normalizer::Create(nopts);
      if (!normalizer.ok()) return Fail(ctx, normalizer.status());
      auto keys = (*normalizer)->Normalize(pair->source);
      if (!keys.ok()) return Fail(ctx, keys.status());
      pair->source_tokens = std::move(keys->tokens);
    }
  } else
#endif
  {
    auto store = OpenTm(ctx, TmAccess::kRead);
    if (!store.ok()) return Fail(ctx, store.status());
    pair = (*store)->Get(std::stoull(s));
  }
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
