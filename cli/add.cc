// dhakira add: store one segment pair.
#include <iostream>

#include "backend.h"
#include "cli.h"
#include "json.h"

namespace dhakira::cli {
namespace {

int RunAdd(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("add", "add --src-lang L --tgt-lang L [OPTIONS] SOURCE TARGET",
              N_("Add one segment pair to the translation memory and print its id."));
  p.Positional("SOURCE", "the source segment")
      .Positional("TARGET", "its translation")
      .Value("src-lang", "L", "source language (BCP 47, e.g. ar)")
      .Value("tgt-lang", "L", "target language (BCP 47, e.g. en)")
      .Value("origin", "O", "where the pair comes from (e.g. the outlet)")
      .Value("doc", "D", "document id")
      .Value("position", "N", "0-based position of the segment in its document")
      .Value("note", "TEXT", "a free-form note")
      .Value("user", "NAME", "who adds it (default: $USER)")
      .Value("on-duplicate", "POLICY", "skip, update or keep, when the same pair is stored already", "skip")
      .Switch("json", "print the result as JSON");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (!p.Has("src-lang") || !p.Has("tgt-lang")) {
    return UsageError(ctx, "add", Tr("--src-lang and --tgt-lang are required"));
  }
  if (p.positionals().size() != 2) {
    return UsageError(ctx, "add", Tr("expected exactly two arguments, SOURCE and TARGET"));
  }
  auto policy = ParseDuplicatePolicy(p.Get("on-duplicate"));
  if (!policy.ok()) return UsageError(ctx, "add", policy.status().message());

  SegmentPair pair;
  pair.src_lang = p.Get("src-lang");
  pair.tgt_lang = p.Get("tgt-lang");
  pair.source = p.positionals()[0];
  pair.target = p.positionals()[1];
  pair.origin = p.Get("origin");
  pair.doc_id = p.Get("doc");
  pair.note = p.Get("note");
  if (p.Has("position")) {
    uint64_t pos = 0;
    if (!p.GetUint(ctx, "position", &pos, &code)) return code;
    pair.doc_position = static_cast<uint32_t>(pos);
  }
  std::string user = p.Get("user");
  if (user.empty()) {
    if (const char* u = std::getenv("USER"); u != nullptr) user = u;
  }
  pair.created_by = user;
  pair.changed_by = user;

  auto backend = MakeBackend(ctx);
  if (!backend.ok()) return Fail(ctx, backend.status());
  StatusOr<WriteResult> result = (*backend)->Add(pair, *policy);
  if (!result.ok()) return Fail(ctx, result.status());

  if (p.Flag("json")) {
    JsonWriter w;
    w.BeginObject().Field("id", result->id).Field("outcome", WriteOutcomeName(result->outcome)).EndObject();
    *ctx.out << w.str() << '\n';
  } else {
    *ctx.out << result->id << '\n';
    if (result->outcome == WriteOutcome::kSkippedDuplicate) {
      *ctx.err << Trf("dhakira: the same pair is stored already as {1}; nothing added.", result->id) << '\n';
    } else if (result->outcome == WriteOutcome::kUpdated) {
      *ctx.err << Trf("dhakira: the same pair was stored already as {1}; updated it.", result->id) << '\n';
    }
  }
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("add", "add one segment pair", RunAdd);
}  // namespace dhakira::cli
