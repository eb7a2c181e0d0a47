// dhakira concordance: stored segments containing a phrase (as a match-key token sequence).
#include <algorithm>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "cli.h"
#include "dhakira/match.h"
#include "json.h"
#include "segment_output.h"

namespace dhakira::cli {
namespace {

std::string Highlighted(const std::string& text, std::vector<std::pair<uint32_t, uint32_t>> spans) {
  std::sort(spans.begin(), spans.end());
  std::string out;
  size_t at = 0;
  for (const auto& [b, e] : spans) {
    if (b < at || e > text.size() || b > e) continue;
    out.append(text, at, b - at);
    out.append("[");
    out.append(text, b, e - b);
    out.append("]");
    at = e;
  }
  out.append(text, at, std::string::npos);
  return out;
}

int RunConcordance(Context& ctx, const std::vector<std::string>& args) {
  ArgParser p("concordance",
              "concordance PHRASE [--side source|target] [--top 20] [--src-lang L] [--tgt-lang L] [--json]",
              N_("List stored pairs whose source (or target) contains PHRASE as a sequence of match keys, "
                 "so spelling variants are found. Shortest segments first."));
  p.Positional("PHRASE", "the words to look for")
      .Value("side", "SIDE", "source or target", "source")
      .Value("top", "N", "most pairs listed, 1 to 10000", "20")
      .Value("src-lang", "L", "source language of the pairs searched (BCP 47)", "ar")
      .Value("tgt-lang", "L", "target language of the pairs searched (BCP 47)", "en")
      .Switch("json", "print JSON")
      .Switch("brute-force", "scan every pair instead of using the index (same results; for tests)");
  int code = kExitOk;
  if (!p.Parse(ctx, args, &code)) return code;
  if (p.positionals().size() != 1) {
    return UsageError(ctx, "concordance", Tr("expected exactly one PHRASE (quote it)"));
  }
  ConcordanceOptions o;
  auto side = ParseConcordanceSide(p.Get("side"));
  if (!side.ok()) return UsageError(ctx, "concordance", side.status().message());
  o.side = *side;
  uint64_t top = 0;
  if (!p.GetUint(ctx, "top", &top, &code)) return code;
  o.top = static_cast<uint32_t>(std::min<uint64_t>(top, UINT32_MAX));
  o.src_lang = p.Get("src-lang");
  o.tgt_lang = p.Get("tgt-lang");
  o.brute_force = p.Flag("brute-force");
  if (Status s = o.Validate(); !s.ok()) return UsageError(ctx, "concordance", s.message());

  auto store = OpenTm(ctx, TmAccess::kRead);
  if (!store.ok()) return Fail(ctx, store.status());
  auto matcher = Matcher::Create(store->get());
  if (!matcher.ok()) return Fail(ctx, matcher.status());
  auto r = (*matcher)->Concordance(p.positionals()[0], o);
  if (!r.ok()) return Fail(ctx, r.status());
  const bool on_source = o.side == ConcordanceSide::kSource;
  if (p.Flag("json")) {
    JsonWriter w;
    w.BeginObject().Field("phrase", r->phrase).Field("side", on_source ? "source" : "target");
    w.Key("hits").BeginArray();
    for (const ConcordanceHit& h : r->hits) {
      w.BeginObject()
          .Field("id", h.pair.id)
          .Field("source", h.pair.source)
          .Field("target", h.pair.target)
          .Field("origin", h.pair.origin)
          .Field("doc", h.pair.doc_id)
          .Field("changed", FormatTime(h.pair.changed_at))
          .Key("spans")
          .BeginArray();
      for (const auto& [b, e] : h.spans) w.BeginArray().Uint(b).Uint(e).EndArray();
      w.EndArray().EndObject();
    }
    w.EndArray().EndObject();
    *ctx.out << w.str() << '\n';
    return kExitOk;
  }
  if (r->hits.empty()) {
    *ctx.out << Tr("not found") << '\n';
    return kExitOk;
  }
  for (const ConcordanceHit& h : r->hits) {
    const std::string& searched = on_source ? h.pair.source : h.pair.target;
    const std::string& other = on_source ? h.pair.target : h.pair.source;
    *ctx.out << "#" << h.pair.id << "  " << DisplayText(Highlighted(searched, h.spans)) << '\n'
             << "    " << DisplayText(other) << '\n';
  }
  return kExitOk;
}

}  // namespace
DHAKIRA_COMMAND("concordance", "segments containing a phrase", RunConcordance);
}  // namespace dhakira::cli
